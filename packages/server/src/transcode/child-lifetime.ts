/**
 * ffmpeg must die with the worker that runs it, on any host: when a node is
 * SIGKILLed or OOM-killed, its job runs again on another node, and an
 * orphaned ffmpeg would keep burning CPU (and, on local disk, keep writing).
 * A pid file cannot reach across machines, so the kernel does it: Linux
 * delivers a "parent death signal" (prctl PR_SET_PDEATHSIG) to a process
 * whose parent exits. Node cannot call prctl, so ffmpeg is started through
 * `setpriv --pdeathsig KILL` (util-linux, Essential on Debian/Ubuntu), which
 * sets it and then execs ffmpeg in the same process: same pid, same parent,
 * and the setting survives exec.
 *
 * fluent-ffmpeg only takes a binary path, so the wrapper is a two-line shell
 * script (sh execs setpriv, which execs ffmpeg). Without setpriv, or off
 * Linux, the real path is returned unchanged.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const wrappers = new Map<string, string>();
let dir: string | undefined;

function findSetpriv(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  for (const d of [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/bin']) {
    if (existsSync(join(d, 'setpriv'))) return join(d, 'setpriv');
  }
  return undefined;
}

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * The path to give fluent-ffmpeg (`setFfmpegPath`) so that `ffmpegPath` gets
 * SIGKILL when this process dies. Reuses one wrapper per binary.
 */
export function diesWithParent(ffmpegPath: string): string {
  const known = wrappers.get(ffmpegPath);
  if (known) return known;
  const setpriv = findSetpriv();
  if (!setpriv) return ffmpegPath;
  if (!dir) {
    const made = mkdtempSync(join(tmpdir(), 'sluice-ffmpeg-'));
    dir = made;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  const file = join(dir, `ffmpeg-${createHash('sha256').update(ffmpegPath).digest('hex').slice(0, 12)}`);
  writeFileSync(`${file}.tmp`, `#!/bin/sh\nexec ${quote(setpriv)} --pdeathsig KILL -- ${quote(ffmpegPath)} "$@"\n`);
  chmodSync(`${file}.tmp`, 0o755);
  renameSync(`${file}.tmp`, file);
  wrappers.set(ffmpegPath, file);
  return file;
}
