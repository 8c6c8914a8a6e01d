/**
 * The metadata store, async, with every query written once (kysely) for both
 * engines: SQLite (better-sqlite3, the embedded default) and PostgreSQL (pg,
 * scale-out). Every query Sluice runs, plus what
 * at-least-once jobs need: every claim bumps the job's fence, and a worker's
 * writes made under a fence another claim has replaced are refused.
 */
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction, type Updateable } from 'kysely';
import { openPgPool, openSqlite, parseDatabaseTarget, type Dialect, type PoolOptions } from './engines.js';
import { migrate, migrateSqlite } from './migrate.js';
import { CaptionQueries } from './caption-queries.js';
import { LATEST_VERSION } from './migrations.js';
import type { CaptionTransition, VideoOutbox } from './video-outbox.js';
import { WebhookDeliveries, insertDeliveries, type NewWebhookDelivery } from './webhook-deliveries.js';
import { boolValue, toJob, toVideo, type JobState, type StoreJobRecord, type Tables, type VideoPatch, type VideoRecord, type VideoStatus, type VideosTable } from './store-rows.js';

export type { CaptionTransition, VideoOutbox, VideoTransition } from './video-outbox.js';
export type { DeliveryOutcome, DeliveryQuery, DeliveryState, NewWebhookDelivery, WebhookDeliveryRecord } from './webhook-deliveries.js';
export type { CaptionInsert, CaptionPatch, NewCaption } from './caption-queries.js';
export type { CaptionKind, CaptionRecord, CaptionSource } from './store-rows.js';
export type { JobRecord, JobState, RenditionInfo, StoreJobRecord, VideoPatch, VideoRecord, VideoStatus } from './store-rows.js';

/** What a worker holds after a claim: its writes are accepted while the job still carries this fence. */
export interface JobLease {
  jobId: number;
  fence: number;
}

/** The result of a fenced write: `stale` once the job was claimed again, requeued, finished or deleted. */
export type Fenced<T> = { ok: true; value: T } | { ok: false; reason: 'stale' };

export const leaseOf = (job: StoreJobRecord): JobLease => ({ jobId: job.id, fence: job.fence });

export interface NewVideo {
  id: string;
  status: VideoStatus;
  title: string;
  filename: string;
  size: number | null;
  owner?: string | null;
  maxDuration?: number | null;
}

type Report = (before: VideoRecord | undefined, after: VideoRecord | undefined) => Promise<void>;

export interface OpenStoreOptions extends PoolOptions {
  /** Apply pending migrations first (default). With false, a database behind the latest schema is refused. */
  migrate?: boolean;
}

const now = (): string => new Date().toISOString();
const STALE = { ok: false, reason: 'stale' } as const;

export class Store {
  /** The webhook outbox table: claims, settling, the delivery log. */
  readonly webhooks: WebhookDeliveries;
  #outbox: VideoOutbox | undefined;
  /** Text tracks (migration 5). */
  readonly captions: CaptionQueries;

  private constructor(
    readonly dialect: Dialect,
    private readonly db: Kysely<Tables>,
  ) {
    this.webhooks = new WebhookDeliveries(dialect, db);
    this.captions = new CaptionQueries(db, dialect, (write) => this.#outboxed((o, t: CaptionTransition) => o.captionDeliveriesFor(t), write));
  }

  /** From now on every video write adds the outbox's rows in its own transaction. */
  useOutbox(outbox: VideoOutbox | undefined): void {
    this.#outbox = outbox;
  }

  /** Opens a SQLite file or a postgres:// database, migrating it unless told not to. */
  static async open(target: string, options: OpenStoreOptions = {}): Promise<Store> {
    const t = parseDatabaseTarget(target);
    if (t.dialect === 'sqlite') {
      const file = openSqlite(t.file);
      try {
        if (options.migrate !== false) migrateSqlite(file);
      } catch (e) {
        file.close();
        throw e;
      }
      const store = new Store('sqlite', new Kysely<Tables>({ dialect: new SqliteDialect({ database: file }) }));
      return store.checked(options);
    }
    if (options.migrate !== false) await migrate(target);
    const store = new Store('postgres', new Kysely<Tables>({ dialect: new PostgresDialect({ pool: openPgPool(t.url, options) }) }));
    return store.checked(options);
  }

  private async checked(options: OpenStoreOptions): Promise<Store> {
    if (options.migrate !== false) return this;
    const version = await this.schemaVersion().catch(() => 0);
    if (version < LATEST_VERSION) {
      await this.close();
      throw new Error(`The ${this.dialect} database is at schema version ${version}, this Sluice needs ${LATEST_VERSION}: run \`sluice migrate\` first.`);
    }
    return this;
  }

  /** The applied schema version (db/migrations.ts). */
  async schemaVersion(): Promise<number> {
    if (this.dialect === 'sqlite') {
      const r = await sqlFirst<{ user_version: number }>(this.db, 'PRAGMA user_version');
      return r?.user_version ?? 0;
    }
    const r = await sqlFirst<{ v: number | null }>(this.db, 'SELECT max(version) AS v FROM sluice_migrations');
    return r?.v ?? 0;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async createVideo(v: NewVideo): Promise<VideoRecord> {
    return this.#changing(async (trx, report) => {
      const t = now();
      const row = await trx.insertInto('videos')
        .values({ id: v.id, status: v.status, title: v.title, filename: v.filename, size: v.size, owner: v.owner ?? null, max_duration: v.maxDuration ?? null, created_at: t, updated_at: t })
        .returningAll().executeTakeFirstOrThrow();
      const created = toVideo(row);
      await report(undefined, created);
      return created;
    });
  }

  async getVideo(id: string): Promise<VideoRecord | undefined> {
    const row = await this.db.selectFrom('videos').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toVideo(row);
  }

  /** Newest first. */
  async listVideos(): Promise<VideoRecord[]> {
    return (await this.db.selectFrom('videos').selectAll().orderBy('created_at', 'desc').orderBy('id').execute()).map(toVideo);
  }

  /** Oldest first. */
  async listVideosByStatus(status: VideoStatus): Promise<VideoRecord[]> {
    return (await this.db.selectFrom('videos').selectAll().where('status', '=', status).orderBy('created_at').orderBy('id').execute()).map(toVideo);
  }

  async updateVideo(id: string, patch: VideoPatch): Promise<VideoRecord | undefined> {
    if (!this.#watched(patch)) {
      const row = await this.db.updateTable('videos').set(this.columns(patch)).where('id', '=', id).returningAll().executeTakeFirst();
      return row && toVideo(row);
    }
    return this.#changing((trx, report) => this.#patchVideo(trx, id, patch, report));
  }

  async deleteVideo(id: string): Promise<void> {
    await this.#changing(async (trx, report) => {
      // Jobs first, then the video: the lock order of updateVideoForJob (job row, then video row), so the two never deadlock.
      await trx.deleteFrom('jobs').where('video_id', '=', id).execute();
      await trx.deleteFrom('captions').where('video_id', '=', id).execute();
      const before = this.#outbox ? await this.#lockedVideo(trx, id) : undefined;
      await trx.deleteFrom('videos').where('id', '=', id).execute();
      if (before) await report(before, undefined);
    });
  }

  /** Marks the video queued and adds a job for it, atomically (a job still queued for it is superseded). */
  async enqueueJob(videoId: string): Promise<StoreJobRecord> {
    return this.#changing(async (trx, report) => {
      const t = now();
      await trx.updateTable('jobs')
        .set({ state: 'failed', error_code: 'SLUICE_ERR_MEDIA_INTERRUPTED', error_message: 'superseded by a new job', finished_at: t })
        .where('video_id', '=', videoId).where('state', '=', 'queued').execute();
      await this.#patchVideo(trx, videoId, { status: 'queued', progress: 0, playable: false, error: null }, report);
      return toJob(await trx.insertInto('jobs').values({ video_id: videoId, state: 'queued', created_at: t }).returningAll().executeTakeFirstOrThrow());
    });
  }

  async getJob(id: number): Promise<StoreJobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toJob(row);
  }

  /**
   * Takes the oldest queued job: running, attempts + 1, a new fence. One
   * statement, so concurrent claimers never share a job: on PostgreSQL the
   * candidate row is locked with SKIP LOCKED (a claimer passes over rows
   * another is taking), on SQLite the statement holds the write lock.
   * Undefined when nothing is queued, or every queued job is being claimed.
   */
  async claimNextJob(): Promise<StoreJobRecord | undefined> {
    const next = this.db.selectFrom('jobs').select('id').where('state', '=', 'queued').orderBy('id').limit(1)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate().skipLocked());
    const row = await this.db.updateTable('jobs')
      .set((eb) => ({ state: 'running', attempts: eb('attempts', '+', 1), fence: eb('fence', '+', 1), started_at: now(), pid: null }))
      .where('id', '=', next).where('state', '=', 'queued')
      .returningAll().executeTakeFirst();
    return row && toJob(row);
  }

  /**
   * Claims one given job (a queue engine delivered it, possibly again after
   * its first worker stalled): queued or running → running with a new fence,
   * which makes the previous worker's lease stale. Undefined when the job is
   * finished or gone.
   */
  async claimJob(id: number): Promise<StoreJobRecord | undefined> {
    const row = await this.db.updateTable('jobs')
      .set((eb) => ({ state: 'running', attempts: eb('attempts', '+', 1), fence: eb('fence', '+', 1), started_at: now(), pid: null }))
      .where('id', '=', id).where('state', 'in', ['queued', 'running'])
      .returningAll().executeTakeFirst();
    return row && toJob(row);
  }

  /** The video's newest job still to run or running (a queue engine delivered "process this video": this is the row it means). */
  async latestOpenJob(videoId: string): Promise<StoreJobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('video_id', '=', videoId).where('state', 'in', ['queued', 'running'])
      .orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row && toJob(row);
  }

  /** Fails the video's queued and running jobs as cancelled: every lease on them turns stale at once, on every node. */
  async cancelJobs(videoId: string): Promise<number> {
    const r = await this.db.updateTable('jobs').set(finished({ code: 'SLUICE_ERR_MEDIA_INTERRUPTED', message: 'cancelled' }))
      .where('video_id', '=', videoId).where('state', 'in', ['queued', 'running']).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Puts a job back in the queue (its handler threw and will be retried) while it still runs under this lease. */
  async requeueLeasedJob(lease: JobLease): Promise<boolean> {
    const r = await this.db.updateTable('jobs').set({ state: 'queued' })
      .where('id', '=', lease.jobId).where('fence', '=', lease.fence).where('state', '=', 'running').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setJobPid(id: number, pid: number | null): Promise<void> {
    await this.db.updateTable('jobs').set({ pid }).where('id', '=', id).execute();
  }

  /** Unfenced: for a job no worker holds (given up at start, cancelled). */
  async finishJob(id: number, error?: { code: string; message: string }): Promise<void> {
    await this.db.updateTable('jobs').set(finished(error)).where('id', '=', id).execute();
  }

  /** Completes or fails the job only while it still runs under this lease. */
  async finishLeasedJob(lease: JobLease, error?: { code: string; message: string }): Promise<Fenced<StoreJobRecord>> {
    const row = await this.db.updateTable('jobs').set(finished(error))
      .where('id', '=', lease.jobId).where('fence', '=', lease.fence).where('state', '=', 'running')
      .returningAll().executeTakeFirst();
    return row ? { ok: true, value: toJob(row) } : STALE;
  }

  /**
   * Updates the job's video only while the job still runs under this lease.
   * On PostgreSQL the job row is share-locked for the update, so a takeover
   * (which must update that row) is ordered strictly before or after it.
   */
  async updateVideoForJob(lease: JobLease, patch: VideoPatch): Promise<Fenced<VideoRecord>> {
    return this.#changing(async (trx, report) => {
      const job = await trx.selectFrom('jobs').select('video_id')
        .where('id', '=', lease.jobId).where('fence', '=', lease.fence).where('state', '=', 'running')
        .$if(this.dialect === 'postgres', (q) => q.forShare())
        .executeTakeFirst();
      if (!job) return STALE;
      const after = await this.#patchVideo(trx, job.video_id, patch, report);
      return after ? { ok: true as const, value: after } : STALE;
    });
  }

  /**
   * Runs `write` in one transaction; every transition it reports adds the
   * outbox's rows to that same transaction, and the outbox hears of the
   * commit. Without an outbox this is a plain transaction.
   */
  async #changing<T>(write: (trx: Transaction<Tables>, report: Report) => Promise<T>): Promise<T> {
    return this.#outboxed((o, t: { before: VideoRecord | undefined; after: VideoRecord | undefined }) => o.deliveriesFor(t),
      (trx, report) => write(trx, (before, after) => report({ before, after })));
  }

  /** Runs a write in one transaction with the outbox rows its reported changes cause; wakes the outbox after the commit. */
  async #outboxed<T, C>(rowsFor: (outbox: VideoOutbox, change: C) => NewWebhookDelivery[], write: (trx: Transaction<Tables>, report: (change: C) => Promise<void>) => Promise<T>): Promise<T> {
    const outbox = this.#outbox;
    let inserted = 0;
    const result = await this.db.transaction().execute((trx) => write(trx, async (change) => {
      const rows = outbox ? rowsFor(outbox, change) : [];
      await insertDeliveries(trx, rows);
      inserted += rows.length;
    }));
    if (inserted > 0) outbox?.committed();
    return result;
  }

  /** Updates one video; reads it first (locked on PostgreSQL) only when the patch can cause an outbox row. */
  async #patchVideo(trx: Transaction<Tables>, id: string, patch: VideoPatch, report: Report): Promise<VideoRecord | undefined> {
    const before = this.#watched(patch) ? await this.#lockedVideo(trx, id) : undefined;
    const row = await trx.updateTable('videos').set(this.columns(patch)).where('id', '=', id).returningAll().executeTakeFirst();
    const after = row && toVideo(row);
    if (before && after) await report(before, after);
    return after;
  }

  async #lockedVideo(trx: Transaction<Tables>, id: string): Promise<VideoRecord | undefined> {
    const row = await trx.selectFrom('videos').selectAll().where('id', '=', id)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate()).executeTakeFirst();
    return row && toVideo(row);
  }

  #watched(patch: VideoPatch): boolean {
    return this.#outbox?.watches.some((k) => patch[k] !== undefined) ?? false;
  }

  /** Jobs left `running` by a crash or restart go back to the queue; returns them as they were. Embedded mode only: in scale-out the queue engine detects stalled jobs. */
  async requeueInterruptedJobs(): Promise<StoreJobRecord[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('jobs').selectAll().where('state', '=', 'running').orderBy('id')
        .$if(this.dialect === 'postgres', (q) => q.forUpdate()).execute();
      if (rows.length > 0) await trx.updateTable('jobs').set({ state: 'queued' }).where('id', 'in', rows.map((r) => r.id)).execute();
      return rows.map(toJob);
    });
  }

  async jobCounts(): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, completed: 0, failed: 0 };
    const rows = await this.db.selectFrom('jobs').select((eb) => ['state', eb.fn.countAll().as('n')]).groupBy('state').execute();
    for (const r of rows) counts[r.state] = Number(r.n);
    return counts;
  }

  /** Latest failures first. */
  async recentFailedJobs(limit: number): Promise<StoreJobRecord[]> {
    return (await this.db.selectFrom('jobs').selectAll().where('state', '=', 'failed')
      .orderBy('finished_at', (o) => o.desc().nullsLast()).orderBy('id', 'desc').limit(limit).execute()).map(toJob);
  }

  async runningJobs(): Promise<StoreJobRecord[]> {
    return (await this.db.selectFrom('jobs').selectAll().where('state', '=', 'running').orderBy('id').execute()).map(toJob);
  }

  /** Columns for a patch; only keys present with a value are written, updated_at always. */
  private columns(p: VideoPatch): Updateable<VideosTable> {
    const c: Updateable<VideosTable> = { updated_at: now() };
    if (p.status !== undefined) c.status = p.status;
    if (p.title !== undefined) c.title = p.title;
    if (p.size !== undefined) c.size = p.size;
    if (p.progress !== undefined) c.progress = p.progress;
    if (p.playable !== undefined) c.playable = boolValue(this.dialect, p.playable);
    if (p.error !== undefined) {
      c.error_code = p.error?.code ?? null;
      c.error_message = p.error?.message ?? null;
    }
    if (p.duration !== undefined) c.duration = p.duration;
    if (p.width !== undefined) c.width = p.width;
    if (p.height !== undefined) c.height = p.height;
    if (p.renditions !== undefined) c.renditions = JSON.stringify(p.renditions);
    if (p.encoder !== undefined) c.encoder = p.encoder;
    return c;
  }
}

function finished(error?: { code: string; message: string }): Updateable<Tables['jobs']> {
  return { state: error ? 'failed' : 'completed', error_code: error?.code ?? null, error_message: error?.message ?? null, finished_at: now(), pid: null };
}

async function sqlFirst<T>(db: Kysely<Tables>, text: string): Promise<T | undefined> {
  const r = await sql<T>`${sql.raw(text)}`.execute(db);
  return r.rows[0];
}
