/**
 * `pnpm bench player-size`: what `<video-stream-player>` costs a page up
 * front (gzip, hls.js excluded: it is a lazy chunk, reported separately),
 * against the 20 KB budget and, measured in the same run, a page that
 * imports hls.js directly.
 */
import { bundle, kb, sum } from './support/player-build.js';

const BUDGET = 20 * 1024;

const ours = await bundle(`import './index.js';\n`);
const initial = sum(ours.initial, 'gzip');
const lazy = sum(ours.lazy, 'gzip');
console.log(`player initial JS: ${kb(sum(ours.initial, 'bytes'))} minified, ${kb(initial)} gzip (${ours.initial.map((c) => c.file).join(', ')})`);
console.log(`player lazy chunks: ${kb(lazy)} gzip (${ours.lazy.map((c) => `${c.file} ${kb(c.gzip)}`).join(', ')})`);

const bare = await bundle(`import Hls from 'hls.js';\nexport { Hls };\n`, undefined, 'bare');
const hls = sum(bare.initial, 'gzip');
console.log(`reference (import Hls from 'hls.js', nothing else): ${kb(hls)} gzip up front`);
console.log(`ratio player-initial/hls.js: ${(initial / hls).toFixed(2)}`);
console.log(`ratio player-initial/budget(20 KB): ${(initial / BUDGET).toFixed(2)} ${initial <= BUDGET ? '(within budget)' : '(over budget)'}`);
