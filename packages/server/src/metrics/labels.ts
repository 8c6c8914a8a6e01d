/**
 * Every value a Sluice metric label may take, so the number of series is
 * bounded by construction: anything else (a rung below 360p, a code not in
 * the catalogue, an unusual status) is counted under `other`. No label ever
 * carries a video id, a path or a token (docs/metrics.md, "Cardinality").
 */
import { ERRORS } from '../errors.js';

export const OTHER = 'other';

/** Error codes of the one catalogue (errors.ts), and `other`. */
export const CODES: readonly string[] = [...Object.keys(ERRORS), OTHER];

/** HTTP statuses Sluice answers with: the catalogue's, the successes, and `other`. */
export const STATUSES: readonly string[] = [
  ...new Set(['200', '201', '204', '206', '304', ...Object.values(ERRORS).map((e) => String(e.status))]),
  OTHER,
];

/** The ladder's rungs (ladder.ts names them by short side), the MP4 fallback, and `other` (sources below 360p). */
export const RUNGS = ['1080p', '720p', '480p', '360p', 'mp4', OTHER] as const;
export type RungLabel = (typeof RUNGS)[number];

export const JOB_RESULTS = ['ready', 'failed', 'interrupted'] as const;
export type JobResult = (typeof JOB_RESULTS)[number];

/** `range`: the request carried a Range header (whatever the answer); `whole`: it did not. */
export const REQUEST_KINDS = ['range', 'whole'] as const;

export const PLAYLIST_KINDS = ['master', 'media', 'storyboard'] as const;
export type PlaylistKind = (typeof PLAYLIST_KINDS)[number];

/** `originals`: the disk cache of originals fetched from a bucket; `fd`: the open-descriptor cache of /media on local disk. */
export const CACHES = ['originals', 'fd'] as const;
export type CacheName = (typeof CACHES)[number];

export const WEBHOOK_RESULTS = ['delivered', 'retry', 'gone', 'failed'] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

/** The values each label name may take, for docs and the cardinality test. */
export const LABEL_VALUES: Readonly<Record<string, readonly string[]>> = {
  code: CODES,
  status: STATUSES,
  rung: RUNGS,
  result: [...new Set<string>([...JOB_RESULTS, ...WEBHOOK_RESULTS])],
  kind: [...new Set<string>([...REQUEST_KINDS, ...PLAYLIST_KINDS])],
  cache: CACHES,
};

const CODE_SET = new Set(CODES);
const STATUS_SET = new Set(STATUSES);
const RUNG_SET = new Set<string>(RUNGS);

export const codeLabel = (code: string): string => (CODE_SET.has(code) ? code : OTHER);
export const statusLabel = (status: number): string => { const s = String(status); return STATUS_SET.has(s) ? s : OTHER; };
export const rungLabel = (name: string): RungLabel => (RUNG_SET.has(name) ? name as RungLabel : OTHER);
