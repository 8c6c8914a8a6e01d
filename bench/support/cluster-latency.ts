/**
 * Latencies the cluster bench measures between two "nodes" in one process
 * (each with its own connections, as two processes would have):
 * enqueue on one node → handler start on the other, and a status change on
 * one node → an SSE client connected to the other.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { QueueEngine } from '../../packages/server/src/queue/queue-engine.js';

export interface Percentiles { n: number; p50: number; p99: number; max: number }

export function percentiles(samples: number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s.at(-1)! };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `samples` jobs, one at a time, each enqueued on `producer` while the
 * worker of `consumer` is idle: ms from enqueue() to the handler's first line.
 * `videoIds` (at least samples + 5) for engines whose jobs need a video row.
 */
export async function enqueueToStart(producer: QueueEngine, consumer: QueueEngine, samples: number, videoIds: string[] = []): Promise<number[]> {
  let started: ((at: number) => void) | undefined;
  await consumer.run(async () => { started?.(performance.now()); }, { concurrency: 1 });
  const out: number[] = [];
  for (let i = 0; i < samples + 5; i++) {
    const seen = new Promise<number>((r) => { started = r; });
    const t0 = performance.now();
    await producer.enqueue(videoIds[i] ?? `bench-${i}`);
    const t1 = await seen;
    if (i >= 5) out.push(t1 - t0); // the first few warm connections and prepared statements
    await pause(20);
  }
  return out;
}

/** What the SSE route needs of VideoEvents / ClusterVideoEvents. */
export interface Events {
  changed(videoId: string): void;
  subscribe(videoId: string, listener: () => void): () => void;
}

/**
 * The SSE route's shape, on a node: one `data:` line per change of the
 * video. (Sluice's route also re-reads the record per change: one indexed
 * query, the same on every engine, left out here.)
 */
export async function sseNode(events: Events): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const id = (req.url ?? '/').slice(1);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': open\n\n');
    let n = 0;
    const off = events.subscribe(id, () => res.write(`data: ${++n}\n\n`));
    req.once('close', off);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(() => r())); },
  };
}

/** `samples` changes made on `from`, each timed until the SSE client on the `to` node reads it. */
export async function changeToSse(from: Events, toUrl: string, samples: number): Promise<number[]> {
  const id = `bench-video-${Date.now()}`;
  const res = await fetch(`${toUrl}/${id}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const nextData = async (): Promise<void> => {
    for (;;) {
      const m = /data: \d+\n\n/.exec(buffer);
      if (m) { buffer = buffer.slice(m.index + m[0].length); return; }
      const { done, value } = await reader.read();
      if (done) throw new Error('SSE stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
  };
  // Wait for the stream to be open (the subscription exists) before the first change.
  while (!buffer.includes(': open')) {
    const { value } = await reader.read();
    buffer += decoder.decode(value, { stream: true });
  }
  buffer = '';
  const out: number[] = [];
  for (let i = 0; i < samples + 5; i++) {
    const t0 = performance.now();
    from.changed(id);
    await nextData();
    if (i >= 5) out.push(performance.now() - t0);
    await pause(10);
  }
  await reader.cancel();
  return out;
}
