/**
 * A real `sluice start` in its own process (demo mode, fresh data dir, port 0),
 * so a test can tell "the request failed" from "the server died".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const CLI = join(root, 'packages', 'server', 'src', 'cli.ts');

export interface ServerProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  alive(): boolean;
  output(): string;
  /** An upload token minted through the open demo endpoint, as anyone could. */
  uploadToken(claims?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-attack-'));
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SLUICE_DATA_DIR: dataDir, SLUICE_DEMO: '1', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += String(chunk);
      const m = /Sluice listening on (http:\/\/\S+)/.exec(output);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => { output += String(c); });
    child.once('exit', (code) => reject(new Error(`sluice exited (${code}) before listening:\n${output}`)));
  });
  return {
    url, dataDir, child,
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => output,
    uploadToken: async (claims = {}) => {
      const res = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ aud: 'upload', ...claims }) });
      if (res.status !== 200) throw new Error(`token minting answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    stop: async () => { if (child.exitCode === null) { child.kill('SIGTERM'); await exited; } },
  };
}
