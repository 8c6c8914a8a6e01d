/**
 * The tables as kysely sees them, and the one place where the two drivers'
 * values meet the records: better-sqlite3 gives 0/1, JSON text and ISO text;
 * pg gives booleans, parsed jsonb, Dates and int8 as strings.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Dialect } from './engines.js';

export type VideoStatus = 'uploading' | 'queued' | 'processing' | 'ready' | 'failed';
export type JobState = 'queued' | 'running' | 'completed' | 'failed';

export interface RenditionInfo { name: string; width: number; height: number; bandwidth: number }

export interface VideoRecord {
  id: string;
  status: VideoStatus;
  title: string;
  filename: string;
  size: number | null;
  progress: number;
  playable: boolean;
  error: { code: string; message: string } | null;
  duration: number | null;
  width: number | null;
  height: number | null;
  renditions: RenditionInfo[];
  encoder: string | null;
  /** The upload's owner: an opaque key derived from the token that created it (null for imports). */
  owner: string | null;
  /** The creating token's maxDuration claim, in seconds (checked when the upload is probed). */
  maxDuration: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface JobRecord {
  id: number;
  videoId: string;
  state: JobState;
  attempts: number;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Legacy column (the pid of a job's ffmpeg); no longer written: ffmpeg dies with its worker (transcode/child-lifetime.ts). */
  pid: number | null;
}

export type VideoPatch = Partial<Pick<VideoRecord, 'status' | 'title' | 'size' | 'progress' | 'playable' | 'error' | 'duration' | 'width' | 'height' | 'renditions' | 'encoder'>>;

type Timestamp = ColumnType<string | Date, string, string>;
type NullableTimestamp = ColumnType<string | Date | null, string | null, string | null>;

export interface VideosTable {
  id: string;
  status: VideoStatus;
  title: Generated<string>;
  filename: Generated<string>;
  size: ColumnType<number | string | null, number | null, number | null>;
  progress: Generated<number>;
  playable: ColumnType<number | boolean, number | boolean | undefined, number | boolean>;
  error_code: string | null;
  error_message: string | null;
  duration: number | null;
  width: number | null;
  height: number | null;
  renditions: ColumnType<string | RenditionInfo[], string | undefined, string>;
  encoder: string | null;
  owner: string | null;
  max_duration: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface JobsTable {
  id: Generated<number>;
  video_id: string;
  state: JobState;
  attempts: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  pid: number | null;
  fence: Generated<number>;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'gone';

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  event_id: string;
  endpoint: string;
  video_id: string;
  type: string;
  body: string;
  state: DeliveryState;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_until: NullableTimestamp;
  last_status: number | null;
  last_error: string | null;
  give_up_at: Timestamp;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
}

export type CaptionKind = 'subtitles' | 'captions';
export type CaptionSource = 'upload' | 'embedded';

/** A text track as stored (captions/); its canonical WebVTT is read apart (CaptionQueries.text), being up to megabytes. */
export interface CaptionRecord {
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
  createdAt: string;
  updatedAt: string;
}

export interface CaptionsTable {
  id: string;
  video_id: string;
  lang: string;
  label: string;
  kind: CaptionKind;
  is_default: ColumnType<number | boolean, number | boolean, number | boolean>;
  closed_captions: ColumnType<number | boolean, number | boolean, number | boolean>;
  source: CaptionSource;
  cue_count: number;
  bytes: number;
  vtt: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Tables {
  videos: VideosTable;
  jobs: JobsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  captions: CaptionsTable;
}

export type VideoRow = Selectable<VideosTable>;
export type JobRow = Selectable<JobsTable>;
export type NewVideoRow = Insertable<VideosTable>;

/** A job as the store returns it: today's record plus the fence of its latest claim. */
export interface StoreJobRecord extends JobRecord {
  /** Bumped by every claim; 0 until first claimed. */
  fence: number;
}

/** One webhook event × endpoint, as the outbox holds it (webhooks/). */
export interface WebhookDeliveryRecord {
  id: number;
  eventId: string;
  type: string;
  endpoint: string;
  videoId: string;
  /** The exact JSON sent, byte for byte, on every attempt. */
  body: string;
  state: DeliveryState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string;
  /** Held by a dispatcher until then (an attempt in flight); null when free. */
  lockedUntil: string | null;
  giveUpAt: string;
  createdAt: string;
  deliveredAt: string | null;
}

const iso = (v: string | Date): string => (v instanceof Date ? v.toISOString() : v);
const isoOrNull = (v: string | Date | null): string | null => (v === null ? null : iso(v));

export function toVideo(r: VideoRow): VideoRecord {
  return {
    id: r.id, status: r.status, title: r.title, filename: r.filename,
    size: r.size === null ? null : Number(r.size),
    progress: r.progress, playable: r.playable === true || r.playable === 1,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    duration: r.duration, width: r.width, height: r.height,
    renditions: typeof r.renditions === 'string' ? (JSON.parse(r.renditions) as RenditionInfo[]) : r.renditions,
    encoder: r.encoder, owner: r.owner, maxDuration: r.max_duration,
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

export function toJob(r: JobRow): StoreJobRecord {
  return {
    id: r.id, videoId: r.video_id, state: r.state, attempts: r.attempts,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    createdAt: iso(r.created_at), startedAt: isoOrNull(r.started_at), finishedAt: isoOrNull(r.finished_at),
    pid: r.pid, fence: r.fence,
  };
}

export function toCaption(r: Omit<Selectable<CaptionsTable>, 'vtt'>): CaptionRecord {
  return {
    id: r.id, videoId: r.video_id, lang: r.lang, label: r.label, kind: r.kind,
    isDefault: r.is_default === true || r.is_default === 1, closedCaptions: r.closed_captions === true || r.closed_captions === 1,
    source: r.source, cueCount: r.cue_count, bytes: r.bytes,
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

/** better-sqlite3 binds no booleans; PostgreSQL's column is a real boolean. */
export function boolValue(dialect: Dialect, v: boolean): number | boolean {
  return dialect === 'sqlite' ? (v ? 1 : 0) : v;
}

export function toDelivery(r: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: r.id, eventId: r.event_id, type: r.type, endpoint: r.endpoint, videoId: r.video_id, body: r.body, state: r.state,
    attempts: r.attempts, lastStatus: r.last_status, lastError: r.last_error, nextAttemptAt: iso(r.next_attempt_at),
    lockedUntil: isoOrNull(r.locked_until), giveUpAt: iso(r.give_up_at), createdAt: iso(r.created_at), deliveredAt: isoOrNull(r.delivered_at),
  };
}
