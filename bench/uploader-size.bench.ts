/**
 * `pnpm bench uploader-size`: what `<chunked-uploader>` costs a page, gzip,
 * bundled and minified with esbuild: the initial chunk (Lit + the element,
 * loaded with the page) against the 10 KB aim and Mux Uploader's 16.1 KB,
 * and beside it the lazy chunk (tus-js-client and the upload engine, fetched
 * when the first file is chosen or dropped). Every module of the initial
 * chunk is listed, so a regression shows where it came from.
 */
import { bundleUploader } from './support/uploader-bundle.js';

const AIM = 10 * 1024;
/** Mux Uploader's published initial size (@mux/mux-uploader, gzip), the element this one competes with. */
const MUX_UPLOADER = 16.1 * 1024;
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

const ours = await bundleUploader();
const lazy = ours.lazy.reduce((n, c) => n + c.gzip, 0);
console.log(`uploader initial: ${kb(ours.bytes)} minified, ${kb(ours.gzip)} gzip (${ours.initial.map((c) => c.file).join(', ')})`);
for (const chunk of ours.initial) {
  for (const [name, bytes] of Object.entries(chunk.modules).sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(60)} ${kb(bytes)} minified`);
}
console.log(`uploader lazy (first file): ${kb(lazy)} gzip (${ours.lazy.map((c) => `${c.file} ${kb(c.gzip)}`).join(', ')})`);
for (const [part, bytes] of Object.entries(ours.parts).sort((a, b) => b[1] - a[1])) console.log(`  all chunks, ${part.padEnd(14)} ${kb(bytes)} minified`);

// Measured in the same run: Lit alone, the floor of any Lit element.
const lit = await bundleUploader(`import { LitElement, html, css } from 'lit';\nimport { property, state, query } from 'lit/decorators.js';\nexport { LitElement, html, css, property, state, query };\n`);
console.log(`Lit alone (LitElement, html, css, decorators): ${kb(lit.gzip)} gzip`);
console.log(`reference Mux Uploader: ${kb(MUX_UPLOADER)} gzip up front; aim ${kb(AIM)}`);
console.log(`ratio uploader-initial/mux-uploader(16.1 KB): ${(ours.gzip / MUX_UPLOADER).toFixed(2)}`);
console.log(`ratio uploader-initial/aim(10 KB): ${(ours.gzip / AIM).toFixed(2)} ${ours.gzip <= AIM ? '(within aim)' : '(over aim)'}`);
