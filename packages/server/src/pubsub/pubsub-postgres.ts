/**
 * PubSub over PostgreSQL LISTEN/NOTIFY: one dedicated client LISTENs (it is
 * rebuilt, and every channel re-LISTENed, when the connection drops) and a
 * small pool sends `pg_notify`. NOTIFY is transactional and delivered to every
 * listening session, this one included; payloads are limited to 8000 bytes.
 */
import pg from 'pg';
import { LocalDispatch, type MessageListener, type PubSub } from './pubsub.js';

export interface PostgresPubSubOptions {
  connectionString: string;
  /** Wait between reconnection attempts. */
  reconnectDelayMs?: number;
  /** Told about lost connections (never given the connection string). */
  onError?(err: Error): void;
}

export class PostgresPubSub implements PubSub {
  readonly #opts: PostgresPubSubOptions;
  readonly #pool: pg.Pool;
  readonly #local = new LocalDispatch();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #closed = false;

  private constructor(opts: PostgresPubSubOptions) {
    this.#opts = opts;
    this.#pool = new pg.Pool({ connectionString: opts.connectionString, max: 2, application_name: 'sluice-notify' });
    this.#pool.on('error', (err) => opts.onError?.(err)); // an idle pooled client was terminated
  }

  static async connect(opts: PostgresPubSubOptions): Promise<PostgresPubSub> {
    const bus = new PostgresPubSub(opts);
    await bus.#ensureClient();
    return bus;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#pool.query('SELECT pg_notify($1, $2)', [channel, message]);
  }

  async subscribe(channel: string, listener: MessageListener): Promise<() => void> {
    if (this.#local.add(channel, listener)) {
      const client = await this.#ensureClient();
      // A drop during LISTEN is repaired by the reconnection, which LISTENs every channel.
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch(() => this.#ensureClient());
    }
    return () => {
      if (this.#local.remove(channel, listener)) this.#client?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    };
  }

  onReconnect(listener: () => void): () => void {
    return this.#local.onReconnect(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    await Promise.allSettled([client?.end(), this.#pool.end()]);
  }

  /** The LISTEN connection's backend pid (tests terminate it to simulate a dropped connection). */
  get listenerPid(): number | undefined {
    return (this.#client as unknown as { processID?: number } | undefined)?.processID;
  }

  async #ensureClient(): Promise<pg.Client> {
    while (!this.#client) {
      if (this.#closed) throw new Error('the PostgreSQL pub/sub connection is closed');
      this.#connecting ??= this.#connect().finally(() => { this.#connecting = undefined; });
      await this.#connecting;
    }
    return this.#client;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#opts.connectionString, application_name: 'sluice-listen', keepAlive: true });
    client.on('notification', (n) => this.#local.deliver(n.channel, n.payload ?? ''));
    const lost = (err?: Error): void => {
      if (err) this.#opts.onError?.(err);
      if (this.#client !== client || this.#closed) return;
      this.#client = undefined;
      client.end().catch(() => undefined);
      void this.#reconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    for (const channel of this.#local.channels.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    this.#client = client;
  }

  async #reconnect(): Promise<void> {
    while (!this.#closed && !this.#client) {
      try {
        await this.#ensureClient();
        this.#local.reconnected();
        return;
      } catch (err) {
        if (err instanceof Error) this.#opts.onError?.(err);
        await new Promise((r) => setTimeout(r, this.#opts.reconnectDelayMs ?? 250));
      }
    }
  }
}
