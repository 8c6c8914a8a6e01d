// A private Redis for tests: 127.0.0.1 on a free port, no persistence, its
// working dir in a temp dir, `noeviction` as BullMQ requires. stop() shuts it
// down and removes the dir.
import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { find } from '../../scripts/system-deps.mjs';
import { alive, freePort, spawnEngine, waitUntil } from './engine-process.mjs';

/** Sends one inline command and resolves with the first `lines` reply lines, joined by \n ('' on failure). */
export function redisCommand(port, command, lines = 1) {
  return new Promise((resolve) => {
    let reply = '';
    const s = createConnection({ host: '127.0.0.1', port }, () => s.write(`${command}\r\n`));
    s.setTimeout(2000, () => { s.destroy(); resolve(''); });
    s.on('data', (c) => {
      reply += c;
      const got = reply.split('\r\n');
      if (got.length > lines) { s.destroy(); resolve(got.slice(0, lines).join('\n')); }
    });
    s.once('error', () => resolve(''));
  });
}

async function startOnce() {
  const bin = find('redis');
  if (!bin) throw new Error('redis-server not found: run `node scripts/system-deps.mjs redis` or set REDIS_SERVER_PATH');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--maxmemory-policy', 'noeviction', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'];
  // SIGTERM: redis exits at once (nothing to save).
  const engine = spawnEngine({ bin, args, dir, stopSignal: 'SIGTERM', exitSignal: 'SIGKILL' });
  try {
    await waitUntil(engine, 'redis-server', async () => (await redisCommand(port, 'PING')) === '+PONG');
  } catch (e) {
    await engine.stop();
    throw e;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port, dir, pid: engine.child.pid,
    output: engine.output,
    running: () => !engine.gone() && alive(engine.child.pid),
    stop: () => engine.stop(),
  };
}

export async function startRedis() {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce();
    } catch (e) {
      if (attempt < 3 && e instanceof Error && e.message.includes('already in use')) continue;
      throw e;
    }
  }
}
