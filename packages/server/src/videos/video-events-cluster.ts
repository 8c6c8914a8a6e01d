/**
 * VideoEvents across nodes: the same changed(id) / subscribe(id, listener)
 * shape as video-events.ts, with every change also sent over PubSub so an
 * SSE stream on any node hears it. Local subscribers are told at once; the
 * node's own message coming back is ignored. PubSub is at-most-once, so
 * subscribers are also called after a reconnection and every
 * `safetyIntervalMs` — they re-read the record, which makes a missed message
 * a late update instead of a lost one.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { PubSub } from '../pubsub/pubsub.js';

export interface ClusterVideoEventsOptions {
  pubsub: PubSub;
  /** Re-read interval for every subscribed video; 0 turns the safety net off. */
  safetyIntervalMs?: number;
  /** Told when a change could not be sent (the safety net still covers it). */
  onError?(err: unknown): void;
}

const CHANNEL = 'sluice_video_changed';

export class ClusterVideoEvents {
  readonly #emitter = new EventEmitter();
  readonly #node = randomBytes(8).toString('hex');
  readonly #opts: ClusterVideoEventsOptions;
  readonly #subscribed = new Map<string, number>();
  #stop: Array<() => void> = [];

  private constructor(opts: ClusterVideoEventsOptions) {
    this.#opts = opts;
    this.#emitter.setMaxListeners(0); // one listener per open SSE stream
  }

  static async connect(opts: ClusterVideoEventsOptions): Promise<ClusterVideoEvents> {
    const events = new ClusterVideoEvents(opts);
    const unsubscribe = await opts.pubsub.subscribe(CHANNEL, (message) => {
      const space = message.indexOf(' ');
      if (space < 0 || message.slice(0, space) === events.#node) return;
      events.#emitter.emit(message.slice(space + 1));
    });
    const unReconnect = opts.pubsub.onReconnect(() => events.#everyone());
    events.#stop = [unsubscribe, unReconnect];
    const every = opts.safetyIntervalMs ?? 10_000;
    if (every > 0) {
      const timer = setInterval(() => events.#everyone(), every);
      timer.unref();
      events.#stop.push(() => clearInterval(timer));
    }
    return events;
  }

  changed(videoId: string): void {
    this.#emitter.emit(videoId);
    this.#opts.pubsub.publish(CHANNEL, `${this.#node} ${videoId}`).catch((err: unknown) => this.#opts.onError?.(err));
  }

  /** Calls `listener` after every change of `videoId` on any node; returns the unsubscribe function. */
  subscribe(videoId: string, listener: () => void): () => void {
    this.#emitter.on(videoId, listener);
    this.#subscribed.set(videoId, (this.#subscribed.get(videoId) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#emitter.off(videoId, listener);
      const n = (this.#subscribed.get(videoId) ?? 1) - 1;
      if (n > 0) this.#subscribed.set(videoId, n);
      else this.#subscribed.delete(videoId);
    };
  }

  /** Stops listening (the PubSub itself belongs to the caller). */
  close(): void {
    for (const stop of this.#stop) stop();
    this.#stop = [];
  }

  #everyone(): void {
    for (const id of [...this.#subscribed.keys()]) this.#emitter.emit(id);
  }
}
