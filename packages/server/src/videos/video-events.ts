/**
 * In-process notifications that a video's record changed, for the SSE
 * endpoint. Subscribers re-read the record; payloads stay out of the bus.
 */
import { EventEmitter } from 'node:events';

/** What the routes and jobs use; ClusterVideoEvents (video-events-cluster.ts) has the same shape across nodes. */
export interface VideoEventBus {
  changed(videoId: string): void;
  /** Calls `listener` after every change of `videoId`; returns the unsubscribe function. */
  subscribe(videoId: string, listener: () => void): () => void;
}

export class VideoEvents implements VideoEventBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0); // one listener per open SSE stream
  }

  changed(videoId: string): void {
    this.#emitter.emit(videoId);
  }

  /** Calls `listener` after every change of `videoId`; returns the unsubscribe function. */
  subscribe(videoId: string, listener: () => void): () => void {
    this.#emitter.on(videoId, listener);
    return () => this.#emitter.off(videoId, listener);
  }
}
