/** Raw HTTP for attack tests: any Host header, any source address on the loopback net. */
import http from 'node:http';

export interface RawResponse { status: number; headers: http.IncomingHttpHeaders; text: string }

export interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Source address, e.g. 127.0.0.2 (all of 127.0.0.0/8 reaches the server on Linux). */
  from?: string;
}

export function raw(origin: string, path: string, options: RawOptions = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method: options.method ?? 'GET', headers: options.headers, localAddress: options.from, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Reads only the status line and headers (for endless responses such as SSE), then drops the connection. */
export function rawHead(origin: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, headers, agent: false }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      req.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

export function errorCode(text: string): string | undefined {
  try { return (JSON.parse(text) as { error?: { code?: string } }).error?.code; } catch { return undefined; }
}

/** The claims of a JWT, unverified (the tests check what the server put there). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

export const json = { 'content-type': 'application/json' };
