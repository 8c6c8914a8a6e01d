/**
 * A whole scale-out Sluice on this machine, for the cluster journey and the
 * cluster bench: PostgreSQL (and Redis when the queue runs there), s3rver as
 * the bucket, `sluice migrate`, then API nodes (`sluice start` with
 * SLUICE_PROCESS_JOBS=off) and workers (`sluice worker`) on known loopback
 * ports, each a real CLI process in its own session, behind nginx.
 *
 * Every process is stopped by stop(), and by the exit hook of
 * engine-process.mjs if the test dies first (nodes are spawned through it).
 */
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createS3Storage } from '../../packages/server/src/storage/s3.js';
import type { Storage } from '../../packages/server/src/storage/storage.js';
import { s3rverBucket, startS3rver, type RunningS3rver } from '../../packages/server/test/storage/support/s3rver.js';
import { startLoadBalancer, type LoadBalancer } from './cluster-nginx.js';
import { freePort, spawnEngine, type Engine } from './engine-process.mjs';
import { startPostgres, type RunningPostgres } from './postgres.mjs';
import { startRedis, type RunningRedis } from './redis.mjs';
import { CLI } from './sluice-server.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where jobs, status events and tus locks go: PostgreSQL alone, or Redis (metadata stays in PostgreSQL). */
export type ClusterEngine = 'postgres' | 'redis';
export type NodeRole = 'api' | 'worker';

export interface ClusterOptions {
  engine: ClusterEngine;
  apis: number;
  workers: number;
  /** API nodes also run jobs (plain `sluice start`); default false (SLUICE_PROCESS_JOBS=off). */
  apiJobs?: boolean;
  /** Run `sluice migrate` before the nodes start (default true). */
  migrate?: boolean;
  /** Extra variables for every node. */
  env?: Record<string, string>;
}

export interface ClusterNode {
  readonly role: NodeRole;
  readonly name: string;
  readonly port: number;
  /** Direct URL of the node (not through nginx). */
  readonly url: string;
  /** The node's pid; it leads its own session and process group. */
  readonly pid: number;
  readonly dataDir: string;
  output(): string;
  gone(): boolean;
  /** SIGKILL to the node process alone, as a crash would: its children must go by themselves. */
  crash(): Promise<void>;
  /** SIGTERM to its whole group, then waits. */
  stop(): Promise<void>;
}

export interface Cluster {
  readonly url: string;
  readonly lb: LoadBalancer;
  readonly postgres: RunningPostgres;
  readonly redis: RunningRedis | undefined;
  readonly s3: RunningS3rver;
  readonly bucket: string;
  /** The bucket, through Sluice's own S3 storage code. */
  readonly storage: Storage;
  /** The environment every node gets (secrets included: never print it). */
  readonly env: Record<string, string>;
  readonly nodes: ClusterNode[];
  apis(): ClusterNode[];
  workers(): ClusterNode[];
  /** Starts a node of `role` on `port` (a fresh one if omitted) and waits for its /healthz. */
  startNode(role: NodeRole, port?: number): Promise<ClusterNode>;
  /** `sluice token …` with the cluster's secret (a CLI process: ~2 s). */
  token(aud: 'upload' | 'admin' | 'playback', sub?: string): Promise<string>;
  /** The same token minted here with the secret (HS256, as @fastify/jwt checks it). */
  mint(aud: 'upload' | 'admin' | 'playback', sub?: string): string;
  /** Every node's output, labelled (for failure messages). */
  logs(): string;
  stop(): Promise<void>;
}

function hs256(secret: string, claims: Record<string, unknown>, ttlSeconds: number): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const signed = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ...claims, iat, exp: iat + ttlSeconds })}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok;
  } catch { return false; }
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const [postgres, redis, s3] = await Promise.all([
      startPostgres(),
      options.engine === 'redis' ? startRedis() : Promise.resolve(undefined),
      startS3rver(),
    ]);
    stoppers.push(() => postgres.stop(), () => s3.stop());
    if (redis) stoppers.push(() => redis.stop());
    const s3Options = await s3rverBucket(s3);
    const storage = await createS3Storage(s3Options);
    stoppers.push(() => storage.close());

    const apiPorts = await Promise.all(Array.from({ length: options.apis }, () => freePort()));
    const lb = await startLoadBalancer(apiPorts);
    stoppers.push(() => lb.nginx.stop());

    const env: Record<string, string> = {
      NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', HOST: '127.0.0.1',
      SLUICE_DEMO: 'off', SLUICE_SECRET: randomBytes(32).toString('hex'),
      SLUICE_PUBLIC_URL: lb.url, SLUICE_TRUST_PROXY: '127.0.0.1',
      SLUICE_DATABASE_URL: postgres.url, ...(redis ? { SLUICE_REDIS_URL: redis.url } : {}),
      SLUICE_STORAGE: 's3', SLUICE_S3_BUCKET: s3Options.bucket, SLUICE_S3_ENDPOINT: s3.endpoint, SLUICE_S3_FORCE_PATH_STYLE: 'on',
      // The server takes S3 credentials from the standard AWS chain.
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey, AWS_REGION: 'us-east-1',
      // Media through the API nodes (and nginx): the browser then needs no CORS on s3rver.
      SLUICE_DELIVERY: 'proxy', SLUICE_SEGMENT_SECONDS: '2',
      ...options.env,
    };
    const cliDir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    stoppers.push(async () => rmSync(cliDir, { recursive: true, force: true }));
    const cli = (args: string[]): Promise<{ stdout: string; stderr: string }> =>
      run(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env, SLUICE_DATA_DIR: cliDir } });

    if (options.migrate !== false) {
      try {
        await cli(['migrate']);
      } catch (e) {
        throw new Error(`sluice migrate failed: ${(e as { stderr?: string }).stderr ?? String(e)}`);
      }
    }

    const nodes: ClusterNode[] = [];
    const counters = { api: 0, worker: 0 };
    const startNode = async (role: NodeRole, port?: number): Promise<ClusterNode> => {
      const p = port ?? await freePort();
      const name = `${role}-${++counters[role]}`;
      const dataDir = mkdtempSync(join(tmpdir(), `sluice-${name}-`));
      const nodeEnv = {
        ...process.env, ...env, PORT: String(p), SLUICE_DATA_DIR: dataDir,
        ...(role === 'api' && !options.apiJobs ? { SLUICE_PROCESS_JOBS: 'off' } : {}),
      };
      const engine: Engine = spawnEngine({
        bin: process.execPath, args: ['--import', 'tsx', CLI, role === 'api' ? 'start' : 'worker'],
        dir: dataDir, cwd: ROOT, env: nodeEnv, stopSignal: 'SIGTERM', exitSignal: 'SIGKILL',
      });
      const url = `http://127.0.0.1:${p}`;
      const node: ClusterNode = {
        role, name, port: p, url, pid: engine.child.pid!, dataDir,
        output: engine.output, gone: engine.gone,
        async crash() {
          if (!engine.gone()) { engine.child.kill('SIGKILL'); await engine.exited; }
        },
        stop: () => engine.stop(),
      };
      nodes.push(node);
      stoppers.push(() => node.stop());
      const deadline = Date.now() + 60_000;
      while (!(await healthy(url))) {
        if (engine.gone()) throw new Error(`${name} exited before it was healthy:\n${engine.output()}`);
        if (Date.now() > deadline) throw new Error(`${name} not healthy within 60 s:\n${engine.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return node;
    };
    await Promise.all([...apiPorts.map((p) => startNode('api', p)), ...Array.from({ length: options.workers }, () => startNode('worker'))]);

    return {
      url: lb.url, lb, postgres, redis, s3, bucket: s3Options.bucket, storage, env, nodes,
      apis: () => nodes.filter((n) => n.role === 'api'),
      workers: () => nodes.filter((n) => n.role === 'worker'),
      startNode,
      async token(aud, sub) {
        const args = ['token', '--aud', aud, '--ttl', '2h', ...(sub ? ['--sub', sub] : aud === 'playback' ? ['--all'] : [])];
        return (await cli(args)).stdout.trim();
      },
      mint: (aud, sub) => hs256(env.SLUICE_SECRET!, { aud, ...(sub ? { sub } : {}) }, 7200),
      logs: () => nodes.map((n) => `----- ${n.name} (pid ${n.pid}, port ${n.port}${n.gone() ? ', gone' : ''}) -----\n${n.output().slice(-6000)}`).join('\n'),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
