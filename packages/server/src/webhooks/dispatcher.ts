/**
 * Delivers the outbox ("the job machinery" for webhooks): runs in every
 * process that runs jobs, on its own loop — processing never awaits it, so a
 * receiver that hangs or answers slowly only holds one of this loop's slots.
 *
 * Woken by a commit that added rows (in-process, and over pub/sub from other
 * nodes), by a timer at the earliest retry it scheduled, and by a poll (rows
 * other nodes scheduled, a lost message). Each claimed row is leased in the
 * database, so two dispatchers never send one row at once; a dispatcher that
 * dies mid-attempt leaves a lease that runs out, and the row is sent again
 * (at-least-once: receivers dedupe on the event id).
 *
 * 2xx → delivered; 410 → gone (this row and the endpoint's other pending
 * rows); anything else, a timeout or a dropped connection → retried with
 * backoff until the row's give-up time, then failed.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { DeliveryOutcome, Store, WebhookDeliveryRecord } from '../db/store.js';
import { retryDelayMs, type Backoff } from './backoff.js';
import { postEvent, type PostResult } from './post-event.js';

export type DeliveryResult = 'delivered' | 'retry' | 'gone' | 'failed';

export interface WebhookDispatcherOptions {
  store: Store;
  secret: string;
  timeoutMs: number;
  retry: Backoff;
  /** Attempts in flight at once in this process (default 8). */
  concurrency?: number;
  /** Look at the table this often for rows no wake-up announced (default 2 s). */
  pollMs?: number;
  /** Embedded (one process): leases left by a crash are freed at start instead of waiting for them to run out. */
  releaseLeasesAtStart?: boolean;
  log?: FastifyBaseLogger;
  /** Every attempt's result and duration (metrics). */
  onResult?(result: DeliveryResult, ms: number): void;
}

/** A lease outlives the attempt's timeout by this much before another node may take the row. */
const LEASE_MARGIN_MS = 30_000;

export class WebhookDispatcher {
  readonly #o: WebhookDispatcherOptions;
  readonly #inflight = new Map<number, Promise<void>>();
  readonly #abort = new AbortController();
  #pumping: Promise<void> | undefined;
  #again = false;
  #poll: NodeJS.Timeout | undefined;
  #retryTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  #started = false;
  #closed = false;

  constructor(options: WebhookDispatcherOptions) {
    this.#o = options;
  }

  get #concurrency(): number {
    return this.#o.concurrency ?? 8;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    if (this.#o.releaseLeasesAtStart) await this.#o.store.webhooks.release();
    this.#poll = setInterval(() => this.wake(), this.#o.pollMs ?? 2000);
    this.#poll.unref();
    this.wake();
  }

  /** Looks for due rows now (a commit added some, another node announced some, a retry is due). */
  wake(): void {
    if (!this.#started || this.#closed) return;
    if (this.#pumping) { this.#again = true; return; }
    this.#pumping = this.#pump()
      .catch((err: unknown) => this.#o.log?.warn({ err }, 'webhooks: claiming deliveries failed'))
      .finally(() => {
        this.#pumping = undefined;
        if (this.#again) { this.#again = false; this.wake(); }
      });
  }

  /** Stops claiming, cancels attempts in flight and frees their leases (they are sent again later, here or elsewhere). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#poll);
    if (this.#retryTimer) clearTimeout(this.#retryTimer.timer);
    await this.#pumping;
    const ids = [...this.#inflight.keys()];
    this.#abort.abort();
    await Promise.allSettled([...this.#inflight.values()]);
    await this.#o.store.webhooks.release(ids).catch(() => undefined);
  }

  async #pump(): Promise<void> {
    while (!this.#closed) {
      const free = this.#concurrency - this.#inflight.size;
      // Under load, claim in batches (half the slots at least): one claim query per row costs more than the POST.
      if (free <= 0 || (this.#inflight.size > 0 && free < Math.ceil(this.#concurrency / 2))) return;
      const rows = await this.#o.store.webhooks.claimDue(free, this.#o.timeoutMs + LEASE_MARGIN_MS);
      if (rows.length === 0) return;
      for (const row of rows) {
        const run = this.#attempt(row).finally(() => { this.#inflight.delete(row.id); this.wake(); });
        this.#inflight.set(row.id, run);
      }
    }
  }

  async #attempt(row: WebhookDeliveryRecord): Promise<void> {
    const r = await postEvent({ url: row.endpoint, body: row.body, eventId: row.eventId, type: row.type, secret: this.#o.secret, timeoutMs: this.#o.timeoutMs, signal: this.#abort.signal });
    if (this.#abort.signal.aborted) return; // close() frees the lease
    const outcome = this.#outcome(row, r);
    try {
      const settled = await this.#o.store.webhooks.settle(row, outcome);
      if (!settled) return;
      this.#o.onResult?.(outcome.kind, r.ms);
      if (outcome.kind === 'retry') this.#wakeAt(Date.parse(outcome.nextAttemptAt));
      if (outcome.kind === 'gone' || outcome.kind === 'failed') {
        this.#o.log?.warn({ deliveryId: row.id, eventId: row.eventId, endpoint: endpointForLog(row.endpoint), status: r.status, err: outcome.error }, `webhook delivery ${outcome.kind}`);
      }
    } catch (err) {
      this.#o.log?.warn({ err, deliveryId: row.id }, 'webhooks: recording a delivery attempt failed (the lease runs out and it is sent again)');
    }
  }

  #outcome(row: WebhookDeliveryRecord, r: PostResult): DeliveryOutcome {
    if (r.status !== null && r.status >= 200 && r.status < 300) return { kind: 'delivered', status: r.status };
    const error = r.error ?? 'not delivered';
    if (r.status === 410) return { kind: 'gone', status: 410, error };
    const next = Date.now() + retryDelayMs(row.attempts, this.#o.retry);
    if (next > Date.parse(row.giveUpAt)) return { kind: 'failed', status: r.status, error: `${error} (gave up after ${row.attempts} attempts)` };
    return { kind: 'retry', status: r.status, error, nextAttemptAt: new Date(next).toISOString() };
  }

  /** One timer, at the earliest retry this process scheduled (the poll covers the rest). */
  #wakeAt(at: number): void {
    if (this.#closed) return;
    if (this.#retryTimer && this.#retryTimer.at <= at) return;
    if (this.#retryTimer) clearTimeout(this.#retryTimer.timer);
    const timer = setTimeout(() => { this.#retryTimer = undefined; this.wake(); }, Math.max(0, at - Date.now()) + 5);
    timer.unref();
    this.#retryTimer = { at, timer };
  }
}

/** Receivers sometimes carry a credential in the URL's query: logs get the origin and path only. */
function endpointForLog(url: string): string {
  try { const u = new URL(url); return `${u.origin}${u.pathname}`; } catch { return '<invalid url>'; }
}
