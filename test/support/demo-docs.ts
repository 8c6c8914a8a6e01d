/**
 * Code blocks from the docs that the tests run: a block is marked with
 * `<!-- tested: <file name> -->` on the line before its fence.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The marked block of docs/<doc>, written to a temp file; returns its path. */
export function extractTestedBlock(doc: string, name: string): string {
  const text = readFileSync(join(root, 'docs', doc), 'utf8');
  const re = new RegExp(`<!-- tested: ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``);
  const code = re.exec(text)?.[1];
  if (!code) throw new Error(`docs/${doc} has no block marked <!-- tested: ${name} -->`);
  const file = join(mkdtempSync(join(tmpdir(), 'sluice-docs-')), name);
  writeFileSync(file, code);
  return file;
}
