// Starts a real Sluice server (the `sluice start` CLI, from source through tsx)
// on port 0 with a fresh data dir, and resolves once it listens.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(root, 'packages', 'server', 'src', 'cli.ts');

/** @param {{ env?: Record<string,string>, dataDir?: string, port?: number }} [options] */
export async function startSluice(options = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sluice-data-'));
  const env = {
    ...process.env, PORT: String(options.port ?? 0), HOST: '127.0.0.1', SLUICE_DATA_DIR: dataDir,
    SLUICE_DEMO: '1', NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const m = /Sluice listening on (http:\/\/\S+)/.exec(output);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => { output += c; if (process.env.SLUICE_TEST_VERBOSE) process.stderr.write(c); });
    child.once('exit', (code) => reject(new Error(`sluice exited (${code}) before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`sluice did not listen within 30 s:\n${output}`)), 30_000).unref();
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    url, dataDir, child, output: () => output,
    /** Graceful stop (SIGTERM), resolves when the process is gone. */
    async stop() { if (child.exitCode === null) { child.kill('SIGTERM'); await exited; } },
    /** Crash (SIGKILL): nothing gets to clean up. */
    async kill() { if (child.exitCode === null) { child.kill('SIGKILL'); await exited; } },
  };
}
