/**
 * Wires webhooks into one process: the Store's outbox policy (every process
 * that writes statuses, API-only nodes and `sluice import` included), the
 * dispatcher (processes that run jobs), the wake-up message between nodes,
 * and the admin routes.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookConfig } from '../config.js';
import type { Store } from '../db/store.js';
import type { PubSub } from '../pubsub/pubsub.js';
import { WebhookDispatcher, type DeliveryResult } from './dispatcher.js';
import { WebhookOutbox } from './outbox.js';

/** Carries "the outbox has new rows" to every node's dispatcher. */
const CHANNEL = 'sluice_webhooks';

export interface WebhooksOptions {
  config: WebhookConfig | undefined;
  store: Store;
  pubsub?: PubSub;
  /** Embedded: this is the only process delivering. */
  embedded: boolean;
  log: FastifyBaseLogger;
  onResult?(result: DeliveryResult, ms: number): void;
}

export class Webhooks {
  readonly #o: WebhooksOptions;
  readonly dispatcher: WebhookDispatcher | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(o: WebhooksOptions) {
    this.#o = o;
    const c = o.config;
    if (!c) return;
    this.dispatcher = new WebhookDispatcher({
      store: o.store, secret: c.secret, timeoutMs: c.timeoutMs, retry: { baseMs: c.retryBaseMs, capMs: c.retryCapMs },
      releaseLeasesAtStart: o.embedded, log: o.log, onResult: o.onResult,
    });
    o.store.useOutbox(new WebhookOutbox({ urls: c.urls, giveUpMs: c.giveUpMs, committed: () => this.wake() }));
  }

  get giveUpMs(): number | undefined {
    return this.#o.config?.giveUpMs;
  }

  /** New rows committed here: deliver them here if this process delivers, and tell the other nodes. */
  wake(): void {
    this.dispatcher?.wake();
    void this.#o.pubsub?.publish(CHANNEL, '1').catch((err: unknown) => this.#o.log.warn({ err }, 'webhooks: wake-up message not sent (the poll finds the rows)'));
  }

  /** Starts delivering in this process (one that runs jobs). */
  async start(): Promise<void> {
    if (!this.dispatcher) return;
    const d = this.dispatcher;
    this.#unsubscribe = await this.#o.pubsub?.subscribe(CHANNEL, () => d.wake());
    await d.start();
  }

  async close(): Promise<void> {
    this.#unsubscribe?.();
    await this.dispatcher?.close();
  }
}
