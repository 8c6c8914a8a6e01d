/**
 * PubSub over Redis: one connection in subscriber mode (ioredis reconnects and
 * re-subscribes by itself) and one for PUBLISH, which a subscribed connection
 * may not send.
 */
import { Redis } from 'ioredis';
import { LocalDispatch, type MessageListener, type PubSub } from './pubsub.js';

export interface RedisPubSubOptions {
  url: string;
  /** Told about connection errors (never given the URL). */
  onError?(err: Error): void;
}

export class RedisPubSub implements PubSub {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #local = new LocalDispatch();
  #readyOnce = false;

  private constructor(opts: RedisPubSubOptions) {
    const options = { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: (n: number) => Math.min(n * 100, 2000) };
    this.#pub = new Redis(opts.url, options);
    this.#sub = new Redis(opts.url, { ...options, connectionName: 'sluice-subscribe' });
    for (const c of [this.#pub, this.#sub]) c.on('error', (err: Error) => opts.onError?.(err));
    this.#sub.on('message', (channel: string, message: string) => this.#local.deliver(channel, message));
    this.#sub.on('ready', () => {
      if (this.#readyOnce) this.#local.reconnected();
      this.#readyOnce = true;
    });
  }

  static async connect(opts: RedisPubSubOptions): Promise<RedisPubSub> {
    const bus = new RedisPubSub(opts);
    await Promise.all([bus.#pub.connect(), bus.#sub.connect()]);
    return bus;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#pub.publish(channel, message);
  }

  async subscribe(channel: string, listener: MessageListener): Promise<() => void> {
    if (this.#local.add(channel, listener)) await this.#sub.subscribe(channel);
    return () => {
      if (this.#local.remove(channel, listener)) this.#sub.unsubscribe(channel).catch(() => undefined);
    };
  }

  onReconnect(listener: () => void): () => void {
    return this.#local.onReconnect(listener);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#pub.quit(), this.#sub.quit()]);
  }
}
