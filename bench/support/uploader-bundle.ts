/**
 * Bundles @sluice/uploader the way a site would ship it: everything the
 * element loads (Lit, tus-js-client and their dependencies), minified ES
 * modules, with esbuild, into a temporary folder. Split (the default), the
 * page loads the entry chunk up front and the tus chunk when the first file
 * starts; unsplit, it is one file (the dynamic import is inlined).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const root = new URL('../../', import.meta.url);
export const UPLOADER_ENTRY = new URL('packages/uploader/src/index.ts', root).pathname;

export interface ChunkReport {
  file: string;
  bytes: number;
  gzip: number;
  /** Minified bytes per module (path relative to the repository, `node_modules/…` shortened to the package). */
  modules: Record<string, number>;
}

export interface BundleReport {
  /** The entry file (the one a page's <script type=module> loads). */
  file: string;
  bytes: number;
  gzip: number;
  /** Minified bytes per origin: `lit`, `tus-js-client` (with its dependencies), `element` (with @sluice/protocol). */
  parts: Record<string, number>;
  /** Chunks loaded up front (the entry and its static imports). */
  initial: ChunkReport[];
  /** Chunks loaded on demand (dynamic import()). */
  lazy: ChunkReport[];
}

function origin(input: string): string {
  if (/node_modules\/(lit|lit-html|lit-element|@lit)\//.test(input) || /\/(lit|lit-html|lit-element|@lit\+[^/]+)@/.test(input)) return 'lit';
  if (input.includes('node_modules')) return 'tus-js-client';
  return 'element';
}

function moduleName(input: string): string {
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(input);
  return dep ? `${dep[1]}/${dep[2]}` : input;
}

/**
 * Bundles the uploader (or `source`, a module resolved from the uploader's
 * folder, for references) and measures it.
 */
export async function bundleUploader(source?: string, options: { split?: boolean } = {}): Promise<BundleReport> {
  const split = options.split ?? true;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-uploader-bundle-'));
  const input = source === undefined
    ? { entryPoints: { uploader: UPLOADER_ENTRY } }
    : { stdin: { contents: source, resolveDir: new URL('packages/uploader/', root).pathname, loader: 'ts' as const, sourcefile: 'uploader.ts' } };
  const result = await build({
    ...input, outdir: dir, entryNames: '[name]', chunkNames: '[name]-[hash]', bundle: true, splitting: split,
    minify: true, format: 'esm', platform: 'browser', target: 'es2022', metafile: true, legalComments: 'none',
    logLevel: 'silent', tsconfig: new URL('packages/uploader/tsconfig.json', root).pathname,
  });
  const outputs: Metafile['outputs'] = result.metafile.outputs;
  const js = Object.keys(outputs).filter((o) => o.endsWith('.js'));
  const entry = js.find((o) => outputs[o]?.entryPoint !== undefined) ?? js[0]!;
  // Everything reachable from the entry through static imports loads up front.
  const initial = new Set<string>();
  const walk = (o: string): void => {
    if (initial.has(o)) return;
    initial.add(o);
    for (const i of outputs[o]?.imports ?? []) if (i.kind === 'import-statement') walk(i.path);
  };
  walk(entry);
  const parts: Record<string, number> = {};
  const report = (o: string): ChunkReport => {
    const body = readFileSync(join(process.cwd(), o));
    const modules: Record<string, number> = {};
    for (const [path, { bytesInOutput }] of Object.entries(outputs[o]?.inputs ?? {})) {
      if (bytesInOutput === 0) continue;
      modules[moduleName(path)] = bytesInOutput;
      parts[origin(path)] = (parts[origin(path)] ?? 0) + bytesInOutput;
    }
    return { file: join(dir, basename(o)), bytes: body.length, gzip: gzipSync(body, { level: 9 }).length, modules };
  };
  const chunks = { initial: js.filter((o) => initial.has(o)).map(report), lazy: js.filter((o) => !initial.has(o)).map(report) };
  const sum = (key: 'bytes' | 'gzip'): number => chunks.initial.reduce((n, c) => n + c[key], 0);
  return { file: join(dir, basename(entry)), bytes: sum('bytes'), gzip: sum('gzip'), parts, ...chunks };
}
