/**
 * Runs a real nginx for tests and benches: its own prefix in a temp dir,
 * `daemon off`, pid/logs/temp paths inside the prefix, one worker. As root,
 * `user root;` lets the worker read media in temp dirs (test config only).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NginxHandle {
  readonly port: number;
  readonly url: string;
  readonly prefix: string;
  readonly child: ChildProcess;
  /** The error log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export interface StartNginxOptions {
  /** Renders the server block(s) for a given port. */
  server: (port: number) => string;
  /** Command prefix, e.g. ['taskset', '-c', '0'] in benches. */
  wrap?: string[];
  workerConnections?: number;
}

/** nginx as scripts/system-deps.mjs finds it (NGINX_PATH, then PATH and /usr/sbin). */
export async function nginxPath(): Promise<string> {
  const deps = (await import(new URL('../../../../../scripts/system-deps.mjs', import.meta.url).href)) as { find(name: string): string | undefined };
  const p = deps.find('nginx');
  if (!p) throw new Error('nginx not found: run `node scripts/system-deps.mjs nginx` or set NGINX_PATH');
  return p;
}

/** A port that was free a moment ago (bind 127.0.0.1:0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function mainConfig(prefix: string, server: string, workerConnections: number): string {
  const asRoot = process.getuid?.() === 0;
  return `${asRoot ? 'user root;\n' : ''}daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections ${workerConnections}; }
http {
    access_log off;
    client_body_temp_path ${prefix}/client_body;
    proxy_temp_path ${prefix}/proxy;
    fastcgi_temp_path ${prefix}/fastcgi;
    uwsgi_temp_path ${prefix}/uwsgi;
    scgi_temp_path ${prefix}/scgi;
${server}
}
`;
}

export async function startNginx(options: StartNginxOptions): Promise<NginxHandle> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      // Another process may have taken the port between freePort() and bind.
      if (attempt < 3 && e instanceof Error && e.message.includes('Address already in use')) continue;
      throw e;
    }
  }
}

async function startOnce(options: StartNginxOptions): Promise<NginxHandle> {
  const prefix = mkdtempSync(join(tmpdir(), 'sluice-nginx-'));
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, mainConfig(prefix, options.server(port), options.workerConnections ?? 1024));
  const argv = [...(options.wrap ?? []), await nginxPath(), '-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const log = (): string => {
    let text = stderr;
    try {
      text += readFileSync(join(prefix, 'error.log'), 'utf8');
    } catch {}
    return text;
  };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 200; i++) {
    if (gone) {
      rmSync(prefix, { recursive: true, force: true });
      throw new Error(`nginx exited before listening:\n${log()}`);
    }
    if (await canConnect(port)) break;
    if (i === 199) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen on ${port} within 10 s:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port, prefix, child, log,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (!gone) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
