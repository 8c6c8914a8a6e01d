/**
 * `pnpm bench webhooks`: events per second delivered to a local receiver, and
 * the delay from a status change's commit to the receiver having the event,
 * through the real path (Store on SQLite with the outbox, the dispatcher).
 * Reference, same run, same receiver: a raw loop of signed POSTs with Node's
 * fetch at the dispatcher's concurrency (8), bodies prepared in advance — what
 * sending alone costs, without the outbox, claims or bookkeeping.
 * Options: --events 2000 (burst), --paced 300 (one change every --interval 10 ms).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Store } from '../packages/server/src/db/store.js';
import { WebhookDispatcher } from '../packages/server/src/webhooks/dispatcher.js';
import { eventBody } from '../packages/server/src/webhooks/event-body.js';
import { WebhookOutbox } from '../packages/server/src/webhooks/outbox.js';
import { signWebhookPayload } from '../packages/server/src/webhooks/signature.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '2000' }, paced: { type: 'string', default: '300' }, interval: { type: 'string', default: '10' } } });
const N = Number(values.events);
const PACED = Number(values.paced);
const INTERVAL = Number(values.interval);
const SECRET = 'whsec-bench-0123456789abcdef';
const CONCURRENCY = 8;

/** The receiver: answers 200 at once and notes when each event id first arrived. */
async function startReceiver(): Promise<{ url: string; arrived: Map<string, number>; waitFor(n: number): Promise<void>; close(): void }> {
  const arrived = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['sluice-event-id']);
      if (!arrived.has(id)) arrived.set(id, performance.now());
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, arrived,
    async waitFor(n) { while (arrived.size < n) await new Promise((r) => setTimeout(r, 2)); },
    close: () => { server.closeAllConnections(); server.close(); },
  };
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function reference(url: string, n: number): Promise<number> {
  const bodies = Array.from({ length: n }, (_, i) => eventBody('video.created', { id: `ref${i}`, status: 'uploading' }));
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) {
      const e = bodies[next++]!;
      const res = await fetch(url, { method: 'POST', body: e.body, headers: { 'content-type': 'application/json', 'sluice-signature': signWebhookPayload(e.body, SECRET), 'sluice-event-id': e.id, 'sluice-event-type': 'video.created' } });
      await res.arrayBuffer();
    }
  }));
  return n / ((performance.now() - started) / 1000);
}

async function sluice(url: string, receiver: Awaited<ReturnType<typeof startReceiver>>): Promise<{ burstRate: number; burstP50: number; burstP99: number; pacedP50: number; pacedP99: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-webhooks-'));
  const store = await Store.open(join(dir, 'sluice.db'));
  const dispatcher = new WebhookDispatcher({ store, secret: SECRET, timeoutMs: 10_000, retry: { baseMs: 100, capMs: 1000 }, concurrency: CONCURRENCY });
  // Events are named after their video: the receiver reports event ids, the rows map them back.
  store.useOutbox(new WebhookOutbox({ urls: [url], giveUpMs: 3_600_000, committed: () => dispatcher.wake() }));
  await dispatcher.start();
  try {
    const commits = new Map<string, number>();
    const change = async (id: string): Promise<void> => {
      await store.createVideo({ id, status: 'uploading', title: id, filename: `${id}.mp4`, size: 1 });
      commits.set(id, performance.now());
    };
    const delays = async (ids: string[]): Promise<number[]> => {
      const byVideo = new Map((await store.webhooks.list({ limit: 100_000 })).map((r) => [r.eventId, r.videoId]));
      const out: number[] = [];
      for (const [eventId, at] of receiver.arrived) {
        const video = byVideo.get(eventId);
        if (video && ids.includes(video)) out.push(at - commits.get(video)!);
      }
      return out;
    };
    const before = receiver.arrived.size;
    const burstIds = Array.from({ length: N }, (_, i) => `b${i}`);
    const started = performance.now();
    for (const id of burstIds) await change(id);
    await receiver.waitFor(before + N);
    const burstRate = N / ((performance.now() - started) / 1000);
    const burst = await delays(burstIds);

    const pacedIds = Array.from({ length: PACED }, (_, i) => `p${i}`);
    for (const id of pacedIds) {
      await change(id);
      await new Promise((r) => setTimeout(r, INTERVAL));
    }
    await receiver.waitFor(before + N + PACED);
    const paced = await delays(pacedIds);
    return { burstRate, burstP50: pct(burst, 50), burstP99: pct(burst, 99), pacedP50: pct(paced, 50), pacedP99: pct(paced, 99) };
  } finally {
    await dispatcher.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const receiver = await startReceiver();
  try {
    await reference(receiver.url, 200); // warm-up: connections, JIT
    const ref = await reference(receiver.url, N);
    receiver.arrived.clear();
    const s = await sluice(receiver.url, receiver);
    const f = (ms: number): string => `${ms.toFixed(1)} ms`;
    process.stdout.write(`reference: raw signed fetch POSTs, ${CONCURRENCY} at once: ${ref.toFixed(0)} events/s\n`);
    process.stdout.write(`sluice: ${N} status changes committed back to back (SQLite outbox → dispatcher): ${s.burstRate.toFixed(0)} events/s delivered; commit → receipt p50 ${f(s.burstP50)}, p99 ${f(s.burstP99)}\n`);
    process.stdout.write(`sluice: ${PACED} status changes, one every ${INTERVAL} ms: commit → receipt p50 ${f(s.pacedP50)}, p99 ${f(s.pacedP99)}\n`);
    process.stdout.write(`ratio sluice/reference events/s: ${(s.burstRate / ref).toFixed(3)}\n`);
  } finally {
    receiver.close();
  }
}

await main();
