/**
 * Cross-node messages for scale-out mode: one connection per node carries
 * every channel (status changes, job cancellation, tus release requests), and
 * each consumer dispatches locally. Delivery is at-most-once — a message sent
 * while a node is reconnecting is lost — so consumers that must not miss one
 * treat `onReconnect` as "anything may have happened" and re-read.
 */
export type MessageListener = (message: string) => void;

export interface PubSub {
  /** Sends `message` to every node subscribed to `channel`, this one included. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the server delivers `channel` to this node; returns the unsubscribe function. */
  subscribe(channel: string, listener: MessageListener): Promise<() => void>;
  /** Called after the connection was lost and re-established (messages may have been missed). */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Channel names are PostgreSQL identifiers too, so keep them to one safe alphabet. */
const CHANNEL = /^[a-z][a-z0-9_]{0,62}$/;

export function assertChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new TypeError(`pub/sub channel "${channel}" must match ${String(CHANNEL)}`);
}

/** The local half every engine shares: channel → listeners, and reconnect listeners. */
export class LocalDispatch {
  readonly channels = new Map<string, Set<MessageListener>>();
  readonly #reconnect = new Set<() => void>();

  /** Adds a listener; true when it is the channel's first (the engine must subscribe). */
  add(channel: string, listener: MessageListener): boolean {
    assertChannel(channel);
    let set = this.channels.get(channel);
    const first = !set;
    if (!set) this.channels.set(channel, set = new Set());
    set.add(listener);
    return first;
  }

  /** Removes a listener; true when the channel has none left (the engine may unsubscribe). */
  remove(channel: string, listener: MessageListener): boolean {
    const set = this.channels.get(channel);
    if (!set?.delete(listener) || set.size > 0) return false;
    this.channels.delete(channel);
    return true;
  }

  deliver(channel: string, message: string): void {
    for (const listener of [...(this.channels.get(channel) ?? [])]) listener(message);
  }

  onReconnect(listener: () => void): () => void {
    this.#reconnect.add(listener);
    return () => this.#reconnect.delete(listener);
  }

  reconnected(): void {
    for (const listener of [...this.#reconnect]) listener();
  }
}
