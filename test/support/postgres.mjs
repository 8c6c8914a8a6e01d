// A private PostgreSQL for tests: initdb into a fresh temp dir (owned by the
// `postgres` user when running as root, since postgres refuses root), trust
// auth, listening on 127.0.0.1 only on a free port, its unix socket inside the
// temp dir, durability off for speed. stop() shuts it down and removes the dir.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { find } from '../../scripts/system-deps.mjs';
import { alive, freePort, spawnEngine, waitUntil } from './engine-process.mjs';

function binDir() {
  const dir = find('postgresql');
  if (!dir) throw new Error('PostgreSQL not found: run `node scripts/system-deps.mjs postgresql` or set PG_BIN_DIR');
  return dir;
}

/** uid/gid to run as: the `postgres` user when we are root, ourselves otherwise. */
function owner() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

// Speed over durability: the data dies with the test anyway.
const SETTINGS = {
  listen_addresses: '127.0.0.1', fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off',
  shared_buffers: '32MB', max_connections: '200', log_min_messages: 'warning',
};

function readyProbe(bin, port, env, ids) {
  return () => {
    try {
      execFileSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], { env, stdio: 'ignore', ...ids });
      return true;
    } catch { return false; }
  };
}

async function startOnce(database) {
  const bin = binDir();
  const ids = owner();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pg-'));
  if (ids.uid !== undefined) chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, 'data');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C', HOME: dir };
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C', '--no-instructions'],
    { env, stdio: ['ignore', 'ignore', 'pipe'], ...ids });
  const port = await freePort();
  const args = ['-D', data, '-p', String(port), '-k', dir, ...Object.entries(SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  // SIGINT = "fast" shutdown (disconnect clients, clean stop); SIGQUIT =
  // "immediate" (for the exit hook: no waiting, still frees shared memory).
  const engine = spawnEngine({ bin: join(bin, 'postgres'), args, dir, env, ...ids, stopSignal: 'SIGINT', exitSignal: 'SIGQUIT' });
  try {
    await waitUntil(engine, 'postgres', readyProbe(bin, port, env, ids));
    execFileSync(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database], { env, stdio: ['ignore', 'ignore', 'pipe'], ...ids });
  } catch (e) {
    await engine.stop();
    throw e;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port, dir, pid: engine.child.pid, database, bin,
    output: engine.output,
    running: () => !engine.gone() && alive(engine.child.pid),
    stop: () => engine.stop(),
  };
}

/** @param {{ database?: string }} [options] */
export async function startPostgres(options = {}) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(options.database ?? 'sluice');
    } catch (e) {
      // Another process may have taken the port between freePort() and bind.
      if (attempt < 3 && e instanceof Error && e.message.includes('already in use')) continue;
      throw e;
    }
  }
}
