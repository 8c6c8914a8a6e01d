/**
 * Raw HTTP for tests: node:http with the path sent exactly as given (fetch
 * would normalise `..` away), and a multipart/byteranges parser.
 */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function request(origin: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface BodyPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits a multipart/byteranges body (RFC 9110 §14.6) into its parts. */
export function parseMultipart(body: Buffer, contentType: string | undefined): BodyPart[] {
  const m = /^multipart\/byteranges; boundary=(\S+)$/.exec(contentType ?? '');
  if (!m) throw new Error(`not multipart/byteranges: ${contentType}`);
  const delimiter = Buffer.from(`\r\n--${m[1]}`);
  const parts: BodyPart[] = [];
  let at = body.indexOf(delimiter);
  if (at !== 0) throw new Error('multipart body does not start with CRLF--boundary');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 4).toString() === '--\r\n') {
      if (at + 4 !== body.length) throw new Error('bytes after the closing boundary');
      return parts;
    }
    if (body.subarray(at, at + 2).toString() !== '\r\n') throw new Error('boundary not followed by CRLF');
    const headEnd = body.indexOf('\r\n\r\n', at);
    const headers: Record<string, string> = {};
    for (const line of body.subarray(at + 2, headEnd).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const range = /^bytes (\d+)-(\d+)\/\d+$/.exec(headers['content-range'] ?? '');
    if (!range) throw new Error(`part without a Content-Range: ${JSON.stringify(headers)}`);
    const start = headEnd + 4;
    const end = start + Number(range[2]) - Number(range[1]) + 1;
    parts.push({ headers, body: body.subarray(start, end) });
    at = end;
    if (!body.subarray(at, at + delimiter.length).equals(delimiter)) throw new Error('part longer than its Content-Range');
  }
}
