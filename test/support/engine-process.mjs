// Shared plumbing for the private database engines the tests start
// (postgres.mjs, redis.mjs): a free loopback port, a child in its own process
// group, and a last-chance cleanup so that nothing outlives the test process,
// even when a test fails or the runner stops it with a signal.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port that was free a moment ago (bind 127.0.0.1:0, read it, close). */
export function freePort() {
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

/** Live engines: { pgid, signal, dir } to kill and remove if the process exits first. */
const live = new Set();

function killGroup(pgid, signal) {
  try { process.kill(-pgid, signal); } catch { /* already gone */ }
}

function cleanupAll() {
  for (const e of live) {
    killGroup(e.pgid, e.signal);
    try { rmSync(e.dir, { recursive: true, force: true }); } catch { /* engine may still be writing */ }
  }
  live.clear();
}

let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.once('exit', cleanupAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    // Clean up, then die of the same signal as if nobody had listened.
    process.once(sig, () => { cleanupAll(); process.kill(process.pid, sig); });
  }
}

/** True while a process with this pid exists. */
export function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/**
 * Spawns `bin args` detached (its own session and process group) and tracks
 * it for the exit hook. `exitSignal` is what the hook sends to the group (an
 * immediate but clean shutdown); stop() sends `stopSignal` and waits.
 * @param {{ bin: string, args: string[], dir: string, cwd?: string, uid?: number, gid?: number, env?: NodeJS.ProcessEnv, stopSignal: NodeJS.Signals, exitSignal: NodeJS.Signals }} o
 */
export function spawnEngine(o) {
  hookExit();
  const child = spawn(o.bin, o.args, {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: o.env ?? process.env, cwd: o.cwd,
    ...(o.uid === undefined ? {} : { uid: o.uid, gid: o.gid }),
  });
  let output = '';
  child.stdout.on('data', (c) => { output += c; });
  child.stderr.on('data', (c) => { output += c; });
  const entry = { pgid: child.pid, signal: o.exitSignal, dir: o.dir };
  if (child.pid !== undefined) live.add(entry);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => { gone = true; });
  child.once('error', () => { gone = true; });
  return {
    child,
    output: () => output,
    gone: () => gone,
    exited,
    /** Stops the whole group, waits for the main process, removes the dir. */
    async stop() {
      if (!gone && child.pid !== undefined) {
        killGroup(child.pid, o.stopSignal);
        const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(entry);
      rmSync(o.dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 50 ms until it returns true or the engine exits or `ms` pass. */
export async function waitUntil(engine, name, check, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (engine.gone()) throw new Error(`${name} exited before it was ready:\n${engine.output()}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${name} was not ready within ${ms / 1000} s:\n${engine.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
