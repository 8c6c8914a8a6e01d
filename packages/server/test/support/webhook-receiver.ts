/**
 * A real HTTP webhook receiver on 127.0.0.1:0 for tests: records every
 * request (raw body bytes, headers, whether the signature verifies with the
 * exported helper) and answers as `respond` says — a status, a dropped
 * connection, or never.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifyWebhookSignature } from '../../src/index.js';

export interface Received {
  eventId: string;
  type: string;
  signature: string;
  userAgent: string;
  body: string;
  event: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  verified: boolean;
  at: number;
}

/** A status code (now, or after `afterMs`); 'drop' destroys the socket without answering; 'hang' never answers (until the receiver closes). */
export type Answer = number | { status: number; afterMs: number } | 'drop' | 'hang';

export interface WebhookReceiver {
  url: string;
  port: number;
  received: Received[];
  /** Requests whose answer is 'hang', still open. */
  hanging(): number;
  /** Changes how later requests are answered. */
  respond: (r: Received, nth: number) => Answer;
  /** Resolves once `predicate` holds over everything received (polls). */
  waitFor(what: string, predicate: (received: Received[]) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(secret: string, respond: (r: Received, nth: number) => Answer = () => 200, port = 0): Promise<WebhookReceiver> {
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  const r: WebhookReceiver = {
    url: '', port: 0, received: [], respond,
    hanging: () => held.size,
    async waitFor(what, predicate, ms = 120_000) {
      const end = Date.now() + ms;
      while (!predicate(r.received)) {
        if (Date.now() > end) throw new Error(`webhook receiver: timed out waiting for ${what}; received ${JSON.stringify(r.received.map((x) => x.type))}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    close: () => new Promise<void>((res) => {
      for (const s of sockets) s.destroy();
      server.close(() => res());
    }),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const signature = String(req.headers['sluice-signature'] ?? '');
      const got: Received = {
        eventId: String(req.headers['sluice-event-id'] ?? ''), type: String(req.headers['sluice-event-type'] ?? ''), signature,
        userAgent: String(req.headers['user-agent'] ?? ''), body, event: JSON.parse(body) as Received['event'],
        verified: verifyWebhookSignature(raw, signature, secret), at: Date.now(),
      };
      r.received.push(got);
      const answer = r.respond(got, r.received.length);
      if (answer === 'drop') { req.socket.destroy(); return; }
      if (answer === 'hang') { held.add(res); res.on('close', () => held.delete(res)); return; }
      if (typeof answer === 'number') { res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok'); return; }
      setTimeout(() => res.writeHead(answer.status, { 'content-type': 'text/plain' }).end('ok'), answer.afterMs);
    });
  });
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', () => res()));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}/hooks`;
  return r;
}

/** The types received for one video, in arrival order, duplicates (same event id) removed. */
export function eventTypes(received: Received[], videoId: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of received) {
    if (x.event.data.id !== videoId || seen.has(x.eventId)) continue;
    seen.add(x.eventId);
    out.push(x.type);
  }
  return out;
}
