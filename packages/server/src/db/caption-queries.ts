/**
 * The captions table (migration 5), for the Store: text tracks of a video,
 * at most one of them `default`. Every query once, for both engines.
 */
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Dialect } from './engines.js';
import type { CaptionTransition } from './video-outbox.js';
import { boolValue, toCaption, type CaptionKind, type CaptionRecord, type CaptionSource, type CaptionsTable, type Tables } from './store-rows.js';

/** Every column but the text. */
const COLUMNS = ['id', 'video_id', 'lang', 'label', 'kind', 'is_default', 'closed_captions', 'source', 'cue_count', 'bytes', 'created_at', 'updated_at'] as const;

export interface NewCaption {
  id: string;
  videoId: string;
  lang: string;
  label: string;
  kind: CaptionKind;
  isDefault: boolean;
  closedCaptions: boolean;
  source: CaptionSource;
  cueCount: number;
  bytes: number;
  vtt: string;
}

export type CaptionPatch = Omit<NewCaption, 'id' | 'videoId' | 'source'>;

/** Why an insert was refused: the video is gone, or already has `limit` tracks. */
export type CaptionInsert = { ok: true; value: CaptionRecord } | { ok: false; reason: 'no-video' | 'limit' };

/** Runs a write in one transaction; each change it reports adds its webhook outbox rows there (Store). */
export type TrackWrites = <T>(write: (trx: Transaction<Tables>, report: (t: CaptionTransition) => Promise<void>) => Promise<T>) => Promise<T>;

export class CaptionQueries {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: Dialect,
    private readonly changing: TrackWrites,
  ) {}

  /** In the order they were added. */
  async list(videoId: string): Promise<CaptionRecord[]> {
    return (await this.db.selectFrom('captions').select(COLUMNS).where('video_id', '=', videoId).orderBy('created_at').orderBy('id').execute()).map(toCaption);
  }

  async get(videoId: string, id: string): Promise<CaptionRecord | undefined> {
    const row = await this.db.selectFrom('captions').select(COLUMNS).where('video_id', '=', videoId).where('id', '=', id).executeTakeFirst();
    return row && toCaption(row);
  }

  /** A track's canonical WebVTT. */
  async text(videoId: string, id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('captions').select('vtt').where('video_id', '=', videoId).where('id', '=', id).executeTakeFirst();
    return row?.vtt;
  }

  /**
   * Adds a track unless the video is gone or has `limit` tracks already;
   * a default track takes the flag from the others, in the same transaction.
   */
  async insert(c: NewCaption, limit: number): Promise<CaptionInsert> {
    return this.changing(async (trx, report) => {
      // PostgreSQL: the video row is locked so that concurrent adds count one after the other (SQLite holds the write lock).
      const video = await trx.selectFrom('videos').select('id').where('id', '=', c.videoId)
        .$if(this.dialect === 'postgres', (q) => q.forUpdate()).executeTakeFirst();
      if (!video) return { ok: false as const, reason: 'no-video' as const };
      const { n } = await trx.selectFrom('captions').select((eb) => eb.fn.countAll().as('n')).where('video_id', '=', c.videoId).executeTakeFirstOrThrow();
      if (Number(n) >= limit) return { ok: false as const, reason: 'limit' as const };
      if (c.isDefault) await trx.updateTable('captions').set({ is_default: boolValue(this.dialect, false) }).where('video_id', '=', c.videoId).execute();
      const t = new Date().toISOString();
      const row = await trx.insertInto('captions').values({
        id: c.id, video_id: c.videoId, lang: c.lang, label: c.label, kind: c.kind,
        is_default: boolValue(this.dialect, c.isDefault), closed_captions: boolValue(this.dialect, c.closedCaptions),
        source: c.source, cue_count: c.cueCount, bytes: c.bytes, vtt: c.vtt, created_at: t, updated_at: t,
      }).returning(COLUMNS).executeTakeFirstOrThrow();
      const track = toCaption(row);
      await report({ change: 'created', track });
      return { ok: true as const, value: track };
    });
  }

  /** Replaces a track's text and fields; undefined when there is no such track. */
  async replace(videoId: string, id: string, p: CaptionPatch): Promise<CaptionRecord | undefined> {
    return this.changing(async (trx, report) => {
      if (p.isDefault) await trx.updateTable('captions').set({ is_default: boolValue(this.dialect, false) }).where('video_id', '=', videoId).where('id', '!=', id).execute();
      const set: Updateable<CaptionsTable> = {
        lang: p.lang, label: p.label, kind: p.kind, is_default: boolValue(this.dialect, p.isDefault), closed_captions: boolValue(this.dialect, p.closedCaptions),
        cue_count: p.cueCount, bytes: p.bytes, vtt: p.vtt, updated_at: new Date().toISOString(),
      };
      const row = await trx.updateTable('captions').set(set).where('video_id', '=', videoId).where('id', '=', id).returning(COLUMNS).executeTakeFirst();
      const track = row && toCaption(row);
      if (track) await report({ change: 'updated', track });
      return track;
    });
  }

  /** True when a track was deleted. */
  async delete(videoId: string, id: string): Promise<boolean> {
    return this.changing(async (trx, report) => {
      const row = await trx.deleteFrom('captions').where('video_id', '=', videoId).where('id', '=', id).returning(COLUMNS).executeTakeFirst();
      if (row) await report({ change: 'deleted', track: toCaption(row) });
      return row !== undefined;
    });
  }

  /** Deletes a video's tracks of one source (reprocessing replaces `embedded` ones); returns their ids. */
  async deleteBySource(videoId: string, source: CaptionSource): Promise<string[]> {
    return this.changing(async (trx, report) => {
      const rows = await trx.deleteFrom('captions').where('video_id', '=', videoId).where('source', '=', source).returning(COLUMNS).execute();
      for (const row of rows) await report({ change: 'deleted', track: toCaption(row) });
      return rows.map((r) => r.id);
    });
  }
}
