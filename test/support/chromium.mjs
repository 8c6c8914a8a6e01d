// Debian Chromium, headless, with the flags this machine needs (no sandbox as
// root; no background networking, which the closed network would refuse).
import { find } from '../../scripts/system-deps.mjs';

export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
];

export function chromiumPath() {
  const p = find('chromium');
  if (!p) throw new Error('Chromium not found: run `node scripts/system-deps.mjs chromium` or set CHROME_PATH');
  return p;
}
