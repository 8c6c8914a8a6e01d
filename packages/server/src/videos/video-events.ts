/**
 * In-process notifications that a video's record changed, for the SSE
 * endpoint. Subscribers re-read the record; payloads stay out of the bus.
 */
import { EventEmitter } from 'node:events';

export class VideoEvents {
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
