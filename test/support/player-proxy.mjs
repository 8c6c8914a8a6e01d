// A fault-injecting HTTP proxy in front of a real server, for player tests:
// the Host header passes through unchanged, so a server that builds absolute
// URLs from it keeps every playlist, segment and MP4 request on the proxy.
// Rules answer a status instead of forwarding, for paths matching a regex
// (optionally after letting the first `after` matches through); every
// request is logged as { method, path, query, status }.
import { createServer, request } from 'node:http';

export async function startFaultProxy(target) {
  const upstream = new URL(target);
  /** @type {{ re: RegExp, status: number, after: number, seen: number }[]} */
  let rules = [];
  const log = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const entry = { method: req.method, path: u.pathname, query: u.search, status: 0 };
    log.push(entry);
    const rule = rules.find((r) => r.re.test(u.pathname) && req.method !== 'OPTIONS');
    if (rule && (rule.seen += 1) > rule.after) {
      entry.status = rule.status;
      res.writeHead(rule.status, {
        'content-type': 'application/json', 'cache-control': 'no-store',
        'access-control-allow-origin': req.headers.origin ?? '*',
      });
      res.end(JSON.stringify({ error: { code: 'TEST_FAULT', message: `injected ${rule.status}` } }));
      return;
    }
    const up = request({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers,
    }, (upRes) => {
      entry.status = upRes.statusCode;
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => { entry.status = 502; if (!res.headersSent) res.writeHead(502); res.end(); });
    // A client that goes away mid-response (the browser's own HLS abandons segment
    // requests) must not leave the upstream response paused forever: that open
    // connection would keep the Sluice server from stopping gracefully.
    res.on('close', () => { if (!res.writableFinished) up.destroy(); });
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    log,
    /** @param {{ pattern: string, status: number, after?: number }[]} list */
    setFaults(list) { rules = list.map((f) => ({ re: new RegExp(f.pattern), status: f.status, after: f.after ?? 0, seen: 0 })); },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
