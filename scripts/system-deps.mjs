#!/usr/bin/env node
// Finds the system binaries Sluice needs (ffmpeg/ffprobe, Chromium for tests,
// nginx/wrk for tests and benches, PostgreSQL and Redis for the scale-out tests,
// python3 for the webhooks docs test). Order: explicit env var, then PATH; when
// missing and running as root on Debian/Ubuntu, installs them with apt;
// otherwise stops with the exact command to run. Never downloads anything
// from outside apt. Usage: node scripts/system-deps.mjs [ffmpeg] [chromium] [nginx] [wrk] [postgresql] [redis] [python]
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * name → { env var that may point at it, binaries to look for, apt package }.
 * PostgreSQL is the exception: Debian keeps its server binaries off PATH in
 * /usr/lib/postgresql/<major>/bin, so it is found as that directory.
 */
const DEPS = {
  ffmpeg: { env: 'FFMPEG_PATH', bins: ['ffmpeg', 'ffprobe'], apt: 'ffmpeg' },
  chromium: { env: 'CHROME_PATH', bins: ['chromium', 'chromium-browser', 'google-chrome'], anyOf: true, apt: 'chromium' },
  nginx: { env: 'NGINX_PATH', bins: ['nginx'], apt: 'nginx', sbin: true },
  wrk: { env: 'WRK_PATH', bins: ['wrk'], apt: 'wrk' },
  redis: { env: 'REDIS_SERVER_PATH', bins: ['redis-server'], apt: 'redis-server' },
  // The webhooks docs test runs the documented Python verifier for real.
  python: { env: 'PYTHON_PATH', bins: ['python3'], apt: 'python3' },
  postgresql: { env: 'PG_BIN_DIR', bins: ['initdb', 'pg_ctl', 'postgres'], apt: 'postgresql-15', binDir: '/usr/lib/postgresql' },
};

function hasAll(dir, bins) {
  return bins.every((b) => {
    try { accessSync(join(dir, b), constants.X_OK); return true; } catch { return false; }
  });
}

/** The newest /usr/lib/postgresql/<major>/bin holding every binary. */
function newestBinDir(root, bins) {
  let majors = [];
  try { majors = readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)); } catch { return undefined; }
  return majors.map((m) => join(root, m, 'bin')).find((d) => hasAll(d, bins));
}

function onPath(bin) {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/bin']);
  for (const dir of dirs) {
    const p = join(dir, bin);
    try { accessSync(p, constants.X_OK); return p; } catch { /* keep looking */ }
  }
  return undefined;
}

/** @returns {string | undefined} path of the first binary found (for postgresql: its bin directory) */
export function find(name) {
  const dep = DEPS[name];
  if (dep.binDir) {
    const dir = process.env[dep.env];
    if (dir && hasAll(dir, dep.bins)) return dir;
    return newestBinDir(dep.binDir, dep.bins);
  }
  const fromEnv = process.env[dep.env];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const found = dep.bins.map(onPath);
  if (dep.anyOf) return found.find(Boolean);
  return found.every(Boolean) ? found[0] : undefined;
}

function canApt() {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

let updated = false;
export function ensure(names) {
  const missing = names.filter((n) => !find(n));
  if (missing.length === 0) return;
  const pkgs = missing.map((n) => DEPS[n].apt);
  if (!canApt()) {
    console.error(`Sluice needs ${missing.join(', ')}. Install with:\n  sudo apt-get update && sudo apt-get install -y ${pkgs.join(' ')}\n` +
      `or point ${missing.map((n) => DEPS[n].env).join(' / ')} at the binaries.`);
    process.exit(1);
  }
  console.error(`installing ${pkgs.join(' ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) { execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env }); updated = true; }
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env });
  if (r.status !== 0) { console.error(`apt-get install ${pkgs.join(' ')} failed`); process.exit(1); }
  const still = missing.filter((n) => !find(n));
  if (still.length) { console.error(`still missing after apt: ${still.join(', ')}`); process.exit(1); }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv.slice(2);
  ensure(names.length ? names : Object.keys(DEPS));
  for (const n of names.length ? names : Object.keys(DEPS)) console.log(`${n}: ${find(n)}`);
}
