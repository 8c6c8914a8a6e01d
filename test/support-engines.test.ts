/**
 * The private engines the scale-out tests run on (test/support/postgres.mjs,
 * test/support/redis.mjs): each starts, answers, and leaves no process, port
 * or directory behind after stop().
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { startPostgres } from './support/postgres.mjs';
import { redisCommand, startRedis } from './support/redis.mjs';

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids whose parent is `pid` (postgres forks its checkpointer, walwriter, backends…). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command (field 2) may hold spaces, so split after its ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {}
  }
  return out;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('startPostgres: a private cluster answers SQL, then stop() leaves nothing behind', async () => {
  const pg = await startPostgres();
  let stopped = false;
  try {
    assert.match(pg.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/sluice$/);
    const psql = join(pg.bin, 'psql');
    const answer = execFileSync(psql, ['-X', '-At', '-d', pg.url, '-c', 'SELECT 40 + 2, current_database()'], { encoding: 'utf8' }).trim();
    assert.equal(answer, '42|sluice');
    assert.equal(pg.running(), true);
    const children = childrenOf(pg.pid);
    assert.ok(children.length > 0, 'postgres has its auxiliary processes');
    await pg.stop();
    stopped = true;
    assert.equal(exists(pg.pid), false, 'postmaster gone');
    assert.deepEqual(children.filter(exists), [], 'no postgres child left');
    assert.equal(await portOpen(pg.port), false, 'port closed');
    assert.equal(existsSync(pg.dir), false, 'data dir removed');
  } finally {
    if (!stopped) await pg.stop();
  }
});

test('startRedis: a private server answers PING, then stop() leaves nothing behind', async () => {
  const redis = await startRedis();
  let stopped = false;
  try {
    assert.match(redis.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await redisCommand(redis.port, 'PING'), '+PONG');
    assert.equal(await redisCommand(redis.port, 'CONFIG GET maxmemory-policy', 5), '*2\n$16\nmaxmemory-policy\n$10\nnoeviction');
    assert.equal(redis.running(), true);
    await redis.stop();
    stopped = true;
    assert.equal(exists(redis.pid), false, 'redis-server gone');
    assert.equal(await portOpen(redis.port), false, 'port closed');
    assert.equal(existsSync(redis.dir), false, 'dir removed');
  } finally {
    if (!stopped) await redis.stop();
  }
});

/**
 * A test process that dies without calling stop() (a failed test, or the
 * runner's SIGTERM) still takes its engines with it: the exit hook kills each
 * engine's process group and removes its dir.
 */
async function orphanCheck(engine: 'postgres' | 'redis', ending: 'exit' | 'SIGTERM'): Promise<void> {
  const start = engine === 'postgres' ? 'startPostgres' : 'startRedis';
  const script = `const m = await import(${JSON.stringify(new URL(`./support/${engine}.mjs`, import.meta.url).href)});
    const e = await m.${start}();
    console.log(JSON.stringify({ pid: e.pid, dir: e.dir }));
    ${ending === 'exit' ? 'process.exit(1);' : 'setInterval(() => {}, 1000);'}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  while (!out.includes('\n')) {
    await Promise.race([new Promise((r) => setTimeout(r, 50)), exited]);
    if (child.exitCode !== null && !out.includes('\n')) assert.fail(`the child exited before starting ${engine}`);
  }
  const { pid, dir } = JSON.parse(out) as { pid: number; dir: string };
  assert.equal(exists(pid), true);
  if (ending === 'SIGTERM') child.kill('SIGTERM');
  await exited;
  // The engine gets its signal as the child exits; give it a moment to act on it (bounded, not a timing goal).
  for (let i = 0; i < 200 && exists(pid); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(exists(pid), false, `${engine} (pid ${pid}) outlived the test process`);
  assert.equal(existsSync(dir), false, `${dir} left behind`);
}

test('an engine dies with the test process that forgot to stop it (exit)', () => orphanCheck('postgres', 'exit'));
test('an engine dies with the test process that was stopped by a signal (SIGTERM)', () => orphanCheck('redis', 'SIGTERM'));
