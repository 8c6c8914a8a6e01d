/**
 * `pnpm bench uploader-size`: gzip size of everything `<chunked-uploader>`
 * loads (element + Lit + tus-js-client), bundled and minified with esbuild,
 * against the 18 KB budget — and, measured in the same run, the same element
 * built on tus-js-client's default (babel + regenerator) entry, which is what
 * `import { Upload } from 'tus-js-client'` would have cost.
 */
import { bundleUploader } from './support/uploader-bundle.js';

const BUDGET = 18 * 1024;
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

const ours = await bundleUploader();
console.log(`uploader bundle: ${kb(ours.bytes)} minified, ${kb(ours.gzip)} gzip (${ours.file})`);
for (const [part, bytes] of Object.entries(ours.parts).sort((a, b) => b[1] - a[1])) console.log(`  ${part.padEnd(14)} ${kb(bytes)} minified`);

// Reference: Lit + tus-js-client's default browser entry, no element code at all.
const reference = await bundleUploader(`import { Upload } from 'tus-js-client';\nimport { LitElement, html, css } from 'lit';\nexport { Upload, LitElement, html, css };\n`);
console.log(`reference (Lit + tus-js-client default entry, no element): ${kb(reference.gzip)} gzip`);
console.log(`ratio uploader/reference: ${(ours.gzip / reference.gzip).toFixed(2)}`);
console.log(`ratio uploader/budget(18 KB): ${(ours.gzip / BUDGET).toFixed(2)} ${ours.gzip <= BUDGET ? '(within budget)' : '(over budget)'}`);
