/**
 * Builds the demo (vite build → demo/dist) when it is missing or older than
 * any of its sources, including the elements' sources it compiles. Quick and
 * idempotent: an up-to-date build is only stat'ed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const DEMO_DIR = join(root, 'demo');
export const DEMO_DIST = join(DEMO_DIR, 'dist');

const SOURCES = [
  join(DEMO_DIR, 'index.html'), join(DEMO_DIR, 'vite.config.ts'), join(DEMO_DIR, 'package.json'), join(DEMO_DIR, 'src'),
  join(root, 'packages', 'player', 'src'), join(root, 'packages', 'uploader', 'src'),
];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, entry) => Math.max(m, newest(join(path, entry))), st.mtimeMs);
}

/** True when demo/dist/index.html exists and is newer than every source. */
export function demoIsFresh(): boolean {
  const built = join(DEMO_DIST, 'index.html');
  return existsSync(built) && statSync(built).mtimeMs >= Math.max(...SOURCES.map(newest));
}

/** Runs `vite build` in demo/ unless the build is fresh; returns demo/dist. */
export function ensureDemoBuilt(): string {
  if (demoIsFresh()) return DEMO_DIST;
  const vite = join(DEMO_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: DEMO_DIR, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build of the demo failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return DEMO_DIST;
}
