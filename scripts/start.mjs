#!/usr/bin/env node
// `pnpm start`: the embedded default on this machine — finds (or installs)
// ffmpeg, builds the server and the demo site, then runs `sluice start`
// (local disk under ./data, SQLite, demo mode) and prints the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensure, find } from './system-deps.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

ensure(['ffmpeg']);
const env = { ...process.env };
if (!env.FFMPEG_PATH) env.FFMPEG_PATH = find('ffmpeg');
run(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'packages/server']);
if (existsSync(join(root, 'demo', 'package.json'))) run('pnpm', ['--filter', '@sluice/demo', 'build']);

const child = spawn(process.execPath, [join(root, 'packages', 'server', 'dist', 'src', 'cli.js'), 'start'], { cwd: root, stdio: 'inherit', env });
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
child.on('exit', (code) => process.exit(code ?? 0));
