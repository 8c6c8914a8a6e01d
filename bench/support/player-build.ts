/**
 * Builds `<video-stream-player>` the way an app would ship it: esbuild,
 * minified ESM with code splitting (hls.js lands in its own lazy chunk), and
 * sorts the output into what the page loads up front vs on demand.
 */
import { build, type Metafile } from 'esbuild';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const tsconfig = join(root, 'packages/player/tsconfig.json');

export interface ChunkSize { file: string; bytes: number; gzip: number }
export interface PlayerBuild { dir: string; entry: string; initial: ChunkSize[]; lazy: ChunkSize[] }

/** Bundles `source` (an ES module, resolved from packages/player/src) into `dir`. */
export async function bundle(source: string, dir = mkdtempSync(join(tmpdir(), 'sluice-player-build-')), name = 'main'): Promise<PlayerBuild> {
  const r = await build({
    stdin: { contents: source, resolveDir: join(root, 'packages/player/src'), sourcefile: `${name}.ts`, loader: 'ts' },
    entryNames: name, bundle: true, splitting: true, format: 'esm', minify: true, metafile: true,
    outdir: dir, target: 'es2022', platform: 'browser', tsconfig, legalComments: 'none', logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const meta: Metafile = r.metafile;
  const outputs = meta.outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o]?.entryPoint && o.endsWith('.js'))!;
  // Everything reachable from the entry through static imports loads up front.
  const initial = new Set<string>();
  const walk = (o: string): void => {
    if (initial.has(o)) return;
    initial.add(o);
    for (const i of outputs[o]?.imports ?? []) if (i.kind === 'import-statement') walk(i.path);
  };
  walk(entry);
  const size = (o: string): ChunkSize => {
    const buf = readFileSync(join(root, o));
    return { file: relative(dir, join(root, o)), bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  };
  const js = Object.keys(outputs).filter((o) => o.endsWith('.js'));
  return {
    dir, entry: relative(dir, join(root, entry)),
    initial: js.filter((o) => initial.has(o)).map(size),
    lazy: js.filter((o) => !initial.has(o)).map(size),
  };
}

export const sum = (list: ChunkSize[], key: 'bytes' | 'gzip'): number => list.reduce((n, c) => n + c[key], 0);
export const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
