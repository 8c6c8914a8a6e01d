/** Debian Chromium through playwright-core, and a tiny static file server, for benches. */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../../test/support/chromium.mjs';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript' };

/** Serves `routes` (URL path → file path or inline HTML) on 127.0.0.1:0. */
export async function serveStatic(routes: Record<string, { file?: string; html?: string }>): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const route = routes[(req.url ?? '/').split('?')[0]!];
    if (!route) { res.writeHead(404).end(); return; }
    if (route.html !== undefined) { res.writeHead(200, { 'content-type': 'text/html' }).end(route.html); return; }
    readFile(route.file!).then((body) => res.writeHead(200, { 'content-type': TYPES[extname(route.file!)] ?? 'application/octet-stream' }).end(body), () => res.writeHead(500).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { origin: `http://127.0.0.1:${address.port}`, server };
}
