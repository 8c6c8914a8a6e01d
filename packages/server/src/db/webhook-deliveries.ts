/**
 * The webhook outbox table, every query once for both engines: rows are
 * inserted by the Store inside the transaction of the status change that
 * caused them (insertDeliveries), then claimed, settled and listed here by
 * the dispatcher and the admin API (webhooks/).
 *
 * Claims are atomic: on PostgreSQL the candidates are locked with SKIP
 * LOCKED and leased (`locked_until`), so two nodes never hold one row at
 * once; on SQLite the statement holds the write lock. Only a row with no
 * older pending row for the same (endpoint, video) is due: one video's
 * events reach an endpoint in order, other videos' are not held up.
 * Every claim counts an attempt, and settling is fenced on that count, so a
 * dispatcher whose lease ran out cannot overwrite the next one's result.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './engines.js';
import { toDelivery, type DeliveryState, type Tables, type WebhookDeliveryRecord } from './store-rows.js';

export type { DeliveryState, WebhookDeliveryRecord } from './store-rows.js';

export interface NewWebhookDelivery {
  eventId: string;
  endpoint: string;
  videoId: string;
  type: string;
  body: string;
  /** Retries stop after this instant (state failed). */
  giveUpAt: string;
}

/** What one attempt came to. */
export type DeliveryOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status: number | null; error: string; nextAttemptAt: string }
  | { kind: 'failed'; status: number | null; error: string }
  /** 410: this row, and every other pending row to this endpoint, stop. */
  | { kind: 'gone'; status: number; error: string };

export interface DeliveryQuery {
  state?: DeliveryState;
  videoId?: string;
  limit: number;
  /** Only rows with a smaller id (paging, newest first). */
  before?: number;
}

const now = (): string => new Date().toISOString();

export async function insertDeliveries(trx: Transaction<Tables>, rows: readonly NewWebhookDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  const t = now();
  await trx.insertInto('webhook_deliveries').values(rows.map((r) => ({
    event_id: r.eventId, endpoint: r.endpoint, video_id: r.videoId, type: r.type, body: r.body,
    state: 'pending' as const, next_attempt_at: t, give_up_at: r.giveUpAt, created_at: t,
  }))).execute();
}

export class WebhookDeliveries {
  constructor(
    private readonly dialect: Dialect,
    private readonly db: Kysely<Tables>,
  ) {}

  /** Leases up to `limit` due rows until `leaseMs` from now, oldest due first; each claim is one attempt. */
  async claimDue(limit: number, leaseMs: number): Promise<WebhookDeliveryRecord[]> {
    const t = now();
    // A materialized CTE: PostgreSQL may run an IN (… LIMIT n FOR UPDATE SKIP LOCKED) subquery more
    // than once and so lease more than n rows; the CTE is evaluated exactly once.
    const rows = await this.db.with((w) => w('due').materialized(), (db) => db.selectFrom('webhook_deliveries as d').select('d.id')
      .where('d.state', '=', 'pending').where('d.next_attempt_at', '<=', t)
      .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<', t)]))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('webhook_deliveries as o').select('o.id')
        .whereRef('o.endpoint', '=', 'd.endpoint').whereRef('o.video_id', '=', 'd.video_id')
        .where('o.state', '=', 'pending').whereRef('o.id', '<', 'd.id'))))
      .orderBy('d.next_attempt_at').orderBy('d.id').limit(limit)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate().skipLocked()))
      .updateTable('webhook_deliveries')
      .set((eb) => ({ locked_until: new Date(Date.now() + leaseMs).toISOString(), attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id')).where('state', '=', 'pending')
      .returningAll().execute();
    return rows.map(toDelivery).sort((a, b) => a.id - b.id);
  }

  /** Records the attempt made under this claim; false when the claim was stale (another dispatcher, a redelivery, a 410 elsewhere). */
  async settle(claimed: WebhookDeliveryRecord, outcome: DeliveryOutcome): Promise<boolean> {
    const t = now();
    const base = { locked_until: null, last_status: outcome.status, last_error: outcome.kind === 'delivered' ? null : outcome.error };
    const set = outcome.kind === 'delivered' ? { ...base, state: 'delivered' as const, delivered_at: t }
      : outcome.kind === 'retry' ? { ...base, next_attempt_at: outcome.nextAttemptAt }
        : { ...base, state: outcome.kind };
    const write = async (db: Kysely<Tables>): Promise<boolean> => {
      const r = await db.updateTable('webhook_deliveries').set(set)
        .where('id', '=', claimed.id).where('attempts', '=', claimed.attempts).where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    };
    // One statement, except for a 410, which also stops the endpoint's other pending rows.
    if (outcome.kind !== 'gone') return write(this.db);
    return this.db.transaction().execute(async (trx) => {
      if (!(await write(trx))) return false;
      await trx.updateTable('webhook_deliveries')
        .set({ state: 'gone', locked_until: null, last_error: `not attempted: the endpoint answered 410 Gone to delivery ${claimed.id}` })
        .where('endpoint', '=', claimed.endpoint).where('state', '=', 'pending').execute();
      return true;
    });
  }

  /** Frees leases without recording an attempt result (a dispatcher shutting down; embedded start after a crash). */
  async release(ids?: readonly number[]): Promise<number> {
    let q = this.db.updateTable('webhook_deliveries').set({ locked_until: null }).where('state', '=', 'pending').where('locked_until', 'is not', null);
    if (ids) {
      if (ids.length === 0) return 0;
      q = q.where('id', 'in', [...ids]);
    }
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  }

  async get(id: number): Promise<WebhookDeliveryRecord | undefined> {
    const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDelivery(row);
  }

  /** Newest first. */
  async list(q: DeliveryQuery): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.db.selectFrom('webhook_deliveries').selectAll()
      .$if(q.state !== undefined, (s) => s.where('state', '=', q.state!))
      .$if(q.videoId !== undefined, (s) => s.where('video_id', '=', q.videoId!))
      .$if(q.before !== undefined, (s) => s.where('id', '<', q.before!))
      .orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map(toDelivery);
  }

  /** Every row of one event, oldest first. */
  async byEvent(eventId: string): Promise<WebhookDeliveryRecord[]> {
    return (await this.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', eventId).orderBy('id').execute()).map(toDelivery);
  }

  /**
   * A new attempt of the same event: a new pending row with the same event
   * id and the same body bytes (the old row keeps its history). Undefined
   * when there is no such delivery.
   */
  async redeliver(id: number, giveUpAt: string): Promise<WebhookDeliveryRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const old = await trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      if (!old) return undefined;
      const t = now();
      const row = await trx.insertInto('webhook_deliveries').values({
        event_id: old.event_id, endpoint: old.endpoint, video_id: old.video_id, type: old.type, body: old.body,
        state: 'pending', next_attempt_at: t, give_up_at: giveUpAt, created_at: t,
      }).returningAll().executeTakeFirstOrThrow();
      return toDelivery(row);
    });
  }
}
