/**
 * Every query Sluice runs, behind one small API, so another SQL engine can
 * replace SQLite by reimplementing this file.
 */
import type { Db } from './database.js';

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
  /** The job's current ffmpeg process, while it runs. */
  pid: number | null;
}

interface VideoRow {
  id: string; status: VideoStatus; title: string; filename: string; size: number | null; progress: number; playable: number;
  error_code: string | null; error_message: string | null; duration: number | null; width: number | null; height: number | null;
  renditions: string; encoder: string | null; owner: string | null; max_duration: number | null; created_at: string; updated_at: string;
}
interface JobRow {
  id: number; video_id: string; state: JobState; attempts: number; error_code: string | null; error_message: string | null;
  created_at: string; started_at: string | null; finished_at: string | null; pid: number | null;
}

const now = (): string => new Date().toISOString();

function toVideo(r: VideoRow): VideoRecord {
  return {
    id: r.id, status: r.status, title: r.title, filename: r.filename, size: r.size, progress: r.progress, playable: r.playable === 1,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    duration: r.duration, width: r.width, height: r.height, renditions: JSON.parse(r.renditions) as RenditionInfo[], encoder: r.encoder,
    owner: r.owner, maxDuration: r.max_duration,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
function toJob(r: JobRow): JobRecord {
  return {
    id: r.id, videoId: r.video_id, state: r.state, attempts: r.attempts,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at, pid: r.pid,
  };
}

export type VideoPatch = Partial<Pick<VideoRecord, 'status' | 'title' | 'size' | 'progress' | 'playable' | 'error' | 'duration' | 'width' | 'height' | 'renditions' | 'encoder'>>;

const COLUMNS: Record<keyof VideoPatch, (v: VideoPatch) => Record<string, unknown>> = {
  status: (p) => ({ status: p.status }),
  title: (p) => ({ title: p.title }),
  size: (p) => ({ size: p.size }),
  progress: (p) => ({ progress: p.progress }),
  playable: (p) => ({ playable: p.playable ? 1 : 0 }),
  error: (p) => ({ error_code: p.error?.code ?? null, error_message: p.error?.message ?? null }),
  duration: (p) => ({ duration: p.duration }),
  width: (p) => ({ width: p.width }),
  height: (p) => ({ height: p.height }),
  renditions: (p) => ({ renditions: JSON.stringify(p.renditions ?? []) }),
  encoder: (p) => ({ encoder: p.encoder }),
};

export class Repository {
  constructor(private readonly db: Db) {}

  createVideo(v: { id: string; status: VideoStatus; title: string; filename: string; size: number | null; owner?: string | null; maxDuration?: number | null }): VideoRecord {
    const t = now();
    this.db.prepare(`INSERT INTO videos (id, status, title, filename, size, owner, max_duration, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(v.id, v.status, v.title, v.filename, v.size, v.owner ?? null, v.maxDuration ?? null, t, t);
    return this.getVideo(v.id)!;
  }

  getVideo(id: string): VideoRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM videos WHERE id = ?`).get(id) as VideoRow | undefined;
    return row && toVideo(row);
  }

  listVideos(): VideoRecord[] {
    return (this.db.prepare(`SELECT * FROM videos ORDER BY created_at DESC, id`).all() as VideoRow[]).map(toVideo);
  }

  listVideosByStatus(status: VideoStatus): VideoRecord[] {
    return (this.db.prepare(`SELECT * FROM videos WHERE status = ?`).all(status) as VideoRow[]).map(toVideo);
  }

  updateVideo(id: string, patch: VideoPatch): VideoRecord | undefined {
    const cols: Record<string, unknown> = {};
    for (const key of Object.keys(patch) as Array<keyof VideoPatch>) Object.assign(cols, COLUMNS[key](patch));
    cols.updated_at = now();
    const names = Object.keys(cols);
    this.db.prepare(`UPDATE videos SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id`).run({ ...cols, id });
    return this.getVideo(id);
  }

  deleteVideo(id: string): void {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM jobs WHERE video_id = ?`).run(id);
      this.db.prepare(`DELETE FROM videos WHERE id = ?`).run(id);
    })();
  }

  /** Marks the video queued and adds a job for it, atomically. */
  enqueueJob(videoId: string): JobRecord {
    return this.db.transaction(() => {
      this.db.prepare(`UPDATE jobs SET state = 'failed', error_code = 'SLUICE_ERR_MEDIA_INTERRUPTED', error_message = 'superseded by a new job', finished_at = ? WHERE video_id = ? AND state IN ('queued')`).run(now(), videoId);
      this.updateVideo(videoId, { status: 'queued', progress: 0, playable: false, error: null });
      const r = this.db.prepare(`INSERT INTO jobs (video_id, state, created_at) VALUES (?, 'queued', ?)`).run(videoId, now());
      return this.getJob(Number(r.lastInsertRowid))!;
    })();
  }

  getJob(id: number): JobRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM jobs WHERE id = ?`).get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  /** Takes the oldest queued job and marks it running (attempts + 1). */
  claimNextJob(): JobRecord | undefined {
    return this.db.transaction(() => {
      const row = this.db.prepare(`SELECT * FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1`).get() as JobRow | undefined;
      if (!row) return undefined;
      this.db.prepare(`UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ? WHERE id = ?`).run(now(), row.id);
      return this.getJob(row.id);
    })();
  }

  setJobPid(id: number, pid: number | null): void {
    this.db.prepare(`UPDATE jobs SET pid = ? WHERE id = ?`).run(pid, id);
  }

  finishJob(id: number, error?: { code: string; message: string }): void {
    this.db.prepare(`UPDATE jobs SET state = ?, error_code = ?, error_message = ?, finished_at = ?, pid = NULL WHERE id = ?`)
      .run(error ? 'failed' : 'completed', error?.code ?? null, error?.message ?? null, now(), id);
  }

  /** Jobs left `running` by a crash or restart go back to the queue. */
  requeueInterruptedJobs(): JobRecord[] {
    const rows = this.db.prepare(`SELECT * FROM jobs WHERE state = 'running'`).all() as JobRow[];
    this.db.prepare(`UPDATE jobs SET state = 'queued' WHERE state = 'running'`).run();
    return rows.map(toJob);
  }

  jobCounts(): Record<JobState, number> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, completed: 0, failed: 0 };
    for (const r of this.db.prepare(`SELECT state, COUNT(*) AS n FROM jobs GROUP BY state`).all() as Array<{ state: JobState; n: number }>) counts[r.state] = r.n;
    return counts;
  }

  recentFailedJobs(limit: number): JobRecord[] {
    return (this.db.prepare(`SELECT * FROM jobs WHERE state = 'failed' ORDER BY finished_at DESC, id DESC LIMIT ?`).all(limit) as JobRow[]).map(toJob);
  }

  runningJobs(): JobRecord[] {
    return (this.db.prepare(`SELECT * FROM jobs WHERE state = 'running' ORDER BY id`).all() as JobRow[]).map(toJob);
  }
}
