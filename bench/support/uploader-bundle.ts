/**
 * Bundles @sluice/uploader the way a site would ship it: everything the
 * element loads (Lit, tus-js-client and their dependencies), one minified
 * ES module, with esbuild, into a temporary folder.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('../../', import.meta.url);
export const UPLOADER_ENTRY = new URL('packages/uploader/src/index.ts', root).pathname;

export interface BundleReport {
  file: string;
  bytes: number;
  gzip: number;
  /** Minified bytes per origin: `lit`, `tus-js-client` (with its dependencies), `element`. */
  parts: Record<string, number>;
}

function origin(input: string): string {
  if (/node_modules\/(lit|lit-html|lit-element|@lit)\//.test(input) || /\/(lit|lit-html|lit-element|@lit\+[^/]+)@/.test(input)) return 'lit';
  if (input.includes('node_modules')) return 'tus-js-client';
  return 'element';
}

/**
 * Bundles the uploader (or `source`, a module resolved from the uploader's
 * folder, for references) and measures it.
 */
export async function bundleUploader(source?: string): Promise<BundleReport> {
  const file = join(mkdtempSync(join(tmpdir(), 'sluice-uploader-bundle-')), 'uploader.js');
  const input = source === undefined
    ? { entryPoints: [UPLOADER_ENTRY] }
    : { stdin: { contents: source, resolveDir: new URL('packages/uploader/', root).pathname, loader: 'ts' as const } };
  const result = await build({
    ...input, outfile: file, bundle: true, minify: true, format: 'esm', platform: 'browser',
    target: 'es2022', metafile: true, legalComments: 'none', logLevel: 'silent',
    tsconfig: new URL('packages/uploader/tsconfig.json', root).pathname,
  });
  const output = Object.values(result.metafile.outputs)[0];
  const parts: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const key = origin(input);
    parts[key] = (parts[key] ?? 0) + bytesInOutput;
  }
  const body = readFileSync(file);
  return { file, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length, parts };
}
