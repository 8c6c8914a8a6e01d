/**
 * `pnpm bench <name>` runs bench/<name>.bench.ts; `pnpm bench` lists them.
 * Every bench measures Sluice and a reference in the same run and prints
 * `ratio` lines; none is a pass/fail test.
 */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  process.stdout.write(`${name ? `unknown bench "${name}". ` : ''}Benches: ${names.join(', ') || '(none yet)'}\nUsage: pnpm bench <name>\n`);
  process.exit(name ? 1 : 0);
}
// Benches load @sluice/protocol from its built dist/, like every package does: build it first.
spawnSync(join(dir, '..', 'node_modules', '.bin', 'tsc'), ['-b', join(dir, '..', 'packages', 'protocol')], { stdio: 'inherit' });
const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, `${name}.bench.ts`), ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
