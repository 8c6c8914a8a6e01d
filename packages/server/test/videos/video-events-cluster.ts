/**
 * The cross-node status events suite: two nodes on one engine. Prints the
 * node-to-node delay (p50/p99 over 200 changes) as a diagnostic; timing
 * goals are not asserted here.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { ClusterVideoEvents } from '../../src/videos/video-events-cluster.js';

export interface EventsNode { events: ClusterVideoEvents; close(): Promise<void> }

export interface EventsSubject {
  /** A node with its own connection; safetyIntervalMs 0 = no periodic re-read. */
  node(safetyIntervalMs: number): Promise<EventsNode>;
  /** Cuts every pub/sub listening connection on the server side (they must reconnect). */
  dropListeners(): Promise<void>;
  cleanup(): Promise<void>;
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export function describeClusterEvents(name: string, factory: () => Promise<EventsSubject>): void {
  describe(`Video events across nodes: ${name}`, () => {
    let subject: EventsSubject;
    let a: EventsNode;
    let b: EventsNode;
    before(async () => { subject = await factory(); a = await subject.node(0); b = await subject.node(0); });
    after(async () => { await a?.close(); await b?.close(); await subject?.cleanup(); });

    test('a change on one node reaches subscribers on both, once each, and only for that video', async () => {
      let onA = 0; let onB = 0; let other = 0;
      const offA = a.events.subscribe('v1', () => { onA += 1; });
      const offB = b.events.subscribe('v1', () => { onB += 1; });
      const offOther = b.events.subscribe('v2', () => { other += 1; });
      a.events.changed('v1');
      await until('B heard v1', () => onB === 1);
      b.events.changed('v2');
      await until('B heard v2', () => other === 1); // sent after v1: every earlier delivery is in by now
      assert.equal(onA, 1, 'the sending node hears its change once (no echo from the bus)');
      assert.equal(onB, 1);
      offA(); offB(); offOther();
    });

    test('unsubscribe stops the calls', async () => {
      let calls = 0; let marker = 0;
      const off = b.events.subscribe('v3', () => { calls += 1; });
      const offMarker = b.events.subscribe('v4', () => { marker += 1; });
      off();
      a.events.changed('v3');
      a.events.changed('v4');
      await until('marker', () => marker === 1);
      assert.equal(calls, 0);
      offMarker();
    });

    test('delay from changed() on one node to the listener on the other (200 changes)', async (t) => {
      const delays: number[] = [];
      let sentAt = 0;
      let got = 0;
      const off = b.events.subscribe('lat', () => { delays.push(performance.now() - sentAt); got += 1; });
      for (let i = 0; i < 200; i += 1) {
        sentAt = performance.now();
        a.events.changed('lat');
        await until(`change ${i}`, () => got === i + 1);
      }
      off();
      const sorted = [...delays].sort((x, y) => x - y);
      t.diagnostic(`${name}: node-to-node delay over 200 changes: p50 ${pct(sorted, 50).toFixed(2)} ms, p99 ${pct(sorted, 99).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`);
      assert.equal(delays.length, 200);
    });

    test('a subscriber survives a dropped connection: re-read on reconnect, then changes flow again', async () => {
      let calls = 0;
      const off = b.events.subscribe('v5', () => { calls += 1; });
      await subject.dropListeners();
      await until('the reconnect re-read', () => calls >= 1);
      const base = calls;
      // The other node may be reconnecting too: send until one arrives (a lost one is the safety net's job).
      await until('a change after the reconnect', () => { if (calls === base) a.events.changed('v5'); return calls > base; }, 30_000);
      off();
    });

    test('the safety net re-reads subscribed videos periodically without any message', async () => {
      const c = await subject.node(100);
      let calls = 0;
      const off = c.events.subscribe('v6', () => { calls += 1; });
      await until('two periodic re-reads', () => calls >= 2);
      off();
      await c.close();
    });
  });
}
