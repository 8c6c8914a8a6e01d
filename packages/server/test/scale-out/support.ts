/**
 * Scale-out nodes in one test process: each is a full buildApp() on the same
 * PostgreSQL database, bucket (s3rver) and — when given — Redis, listening on
 * loopback. Every node gets the same secret and public URL, as a real
 * deployment behind one load balancer would.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { mintToken, type SluiceClaims } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config.js';
import type { Exclusive } from '../../src/queue/exclusive.js';
import type { RunningS3rver } from '../storage/support/s3rver.js';

export interface Node {
  app: FastifyInstance;
  url: string;
  token(claims: Omit<SluiceClaims, 'exp' | 'iat'>): string;
  close(): Promise<void>;
}

export interface Cluster {
  env: Record<string, string>;
  /** The address SLUICE_PUBLIC_URL names: the first API node listens there. */
  publicPort: number;
}

/** A port free right now (the first API node takes it, so links and tus Locations point at it). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export { createDatabase } from '../support/postgres-database.js';

export async function clusterEnv(o: { databaseUrl: string; redisUrl?: string; s3: RunningS3rver; bucket: string }): Promise<Cluster> {
  const publicPort = await freePort();
  return {
    publicPort,
    env: {
      SLUICE_DATABASE_URL: o.databaseUrl,
      ...(o.redisUrl ? { SLUICE_REDIS_URL: o.redisUrl } : {}),
      SLUICE_SECRET: 'scale-out-test-secret-0123456789abcdef',
      SLUICE_PUBLIC_URL: `http://127.0.0.1:${publicPort}`,
      SLUICE_STORAGE: 's3', SLUICE_S3_BUCKET: o.bucket, SLUICE_S3_ENDPOINT: o.s3.endpoint, SLUICE_S3_FORCE_PATH_STYLE: 'on',
      SLUICE_SEGMENT_SECONDS: '2',
    },
  };
}

/** One node: `api` (jobs off), `start` (API + jobs) or `worker` (jobs only). Each has its own data and cache dir, as separate machines would. */
export async function startNode(cluster: Cluster, kind: 'api' | 'start' | 'worker', port = 0): Promise<Node> {
  const dataDir = mkdtempSync(join(tmpdir(), `sluice-node-${kind}-`));
  const config = loadConfig({ ...cluster.env, SLUICE_DATA_DIR: dataDir });
  const app = await buildApp({ config, logger: false, role: kind === 'worker' ? 'worker' : 'api', processJobs: kind !== 'api' });
  const url = await app.listen({ port, host: '127.0.0.1' });
  return { app, url, token: (claims) => mintToken(app, claims, 3600).token, close: () => app.close() };
}

/** Reads an SSE stream until `stop` says so (or it ends); returns every status document seen. */
export async function followStatus(url: string, stop: (doc: { status: string; playable: boolean }) => boolean): Promise<Array<{ status: string; playable: boolean }>> {
  const seen: Array<{ status: string; playable: boolean }> = [];
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`SSE ${url} → ${res.status}`);
  let buffered = '';
  for await (const chunk of res.body!) {
    buffered += Buffer.from(chunk as Uint8Array).toString();
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = /^data: (.*)$/m.exec(event);
      if (!data || !/^event: status$/m.test(event)) continue;
      const doc = JSON.parse(data[1]!) as { status: string; playable: boolean };
      seen.push(doc);
      if (stop(doc)) return seen; // leaving the loop cancels the stream
    }
  }
  return seen;
}

/** What both exclusive engines promise: a chore runs on one node at a time, and elsewhere once it is done. */
export async function assertOneNodeAtATime(n1: Exclusive, n2: Exclusive, o: { sameNodeSkips?: boolean } = {}): Promise<void> {
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  let started!: () => void;
  const running = new Promise<void>((r) => { started = r; });
  const first = n1.run('sweep', async () => { started(); await held; });
  await running;
  let ranElsewhere = false;
  assert.equal(await n2.run('sweep', async () => { ranElsewhere = true; }), false, 'node 2 skips while node 1 runs it');
  if (o.sameNodeSkips) assert.equal(await n1.run('sweep', async () => { ranElsewhere = true; }), false, 'and so does node 1 itself');
  assert.equal(await n2.run('other-chore', async () => undefined), true, 'another chore is not blocked');
  release();
  assert.equal(await first, true);
  assert.equal(ranElsewhere, false);
  assert.equal(await n2.run('sweep', async () => { ranElsewhere = true; }), true);
  assert.equal(ranElsewhere, true);
}
