/**
 * "Another site" for the Embed snippet: a plain HTTP server on its own port
 * (so its own origin) that serves one HTML page, set after it starts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmbedHost { origin: string; setPage(html: string): void; close(): Promise<void> }

export async function startEmbedHost(): Promise<EmbedHost> {
  let page = '<!doctype html><title>empty</title>';
  const server: Server = createServer((req, res) => {
    if (req.url !== '/') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // localhost, not 127.0.0.1: a different origin from the Sluice server even on the same interface.
    origin: `http://localhost:${port}`,
    setPage(html) { page = html; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
