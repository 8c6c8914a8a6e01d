/**
 * A real node parent runs a real ffmpeg; the parent is SIGKILLed (like an
 * OOM kill) and ffmpeg must be gone within seconds. The control run, without
 * the wrapper, shows the orphan this prevents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./support/ffmpeg-parent.ts', import.meta.url));

/** Alive = exists and is not a zombie waiting for a reaper. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function parentWithFfmpeg(mode: 'wrapped' | 'plain'): Promise<{ parent: number; ffmpeg: number; cmdline: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, mode], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', () => reject(new Error('the parent exited before starting ffmpeg')));
  });
  const { pid } = JSON.parse(line) as { pid: number };
  await new Promise((r) => setTimeout(r, 300)); // let sh → setpriv → ffmpeg exec through
  return { parent: child.pid!, ffmpeg: pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8') };
}

async function gone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

test('ffmpeg started through diesWithParent() dies when its node parent is SIGKILLed', { skip: process.platform !== 'linux' && 'parent death signals are Linux-only' }, async (t) => {
  const run = await parentWithFfmpeg('wrapped');
  assert.ok(run.cmdline.split('\0').some((a) => /ffmpeg$/.test(a)), `the pid is ffmpeg itself after the exec chain (${run.cmdline})`);
  assert.ok(alive(run.ffmpeg));
  const killedAt = Date.now();
  process.kill(run.parent, 'SIGKILL'); // the parent only, not its group
  const ok = await gone(run.ffmpeg, 5000);
  t.diagnostic(`ffmpeg gone ${Date.now() - killedAt} ms after its parent was killed`);
  if (!ok) process.kill(run.ffmpeg, 'SIGKILL');
  assert.ok(ok, 'ffmpeg outlived its parent');
});

test('control: a plain ffmpeg outlives its SIGKILLed parent (what the wrapper prevents)', async () => {
  const run = await parentWithFfmpeg('plain');
  process.kill(run.parent, 'SIGKILL');
  const died = await gone(run.ffmpeg, 1500);
  if (!died) process.kill(run.ffmpeg, 'SIGKILL');
  assert.equal(died, false, 'without the wrapper ffmpeg keeps running as an orphan');
});
