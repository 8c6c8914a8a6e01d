/**
 * Every Prometheus metric Sluice exports, on a registry of its own per app
 * (not prom-client's global one: several apps in one process, as in the
 * tests, must not share counters). Parts get this object through Services
 * and call one method per event; names, types, buckets and label bounds
 * live here only (labels.ts; docs/metrics.md lists them all).
 * Counters that other parts already keep (the caches', the queue's counts)
 * are read at scrape time instead of being counted twice.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  type CacheName, type JobResult, type PlaylistKind, type WebhookResult,
  codeLabel, rungLabel, statusLabel,
} from './labels.js';

const PREFIX = 'sluice_';
/** Whole jobs and one rung's encode: a 2 s clip to a 2 h film on a small machine. */
const DURATION_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];
/** Media seconds per wall second: below 1 a live viewer overtakes the encoder (FINDINGS.md). */
const REALTIME_BUCKETS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5, 10, 20, 50];
const WEBHOOK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Cumulative counts a cache keeps itself; read at each scrape. */
export interface CacheStats { hits: number; misses: number; evictions: number; bytes: number; /** Entries that aged out; counted as evictions. */ expirations?: number }
/** What the queue engine reports (queue-engine.ts counts()); shared by every node on scale-out engines. */
export interface QueueDepth { counts(): Promise<{ waiting: number; active: number }> }

/** What one tus request did (tus-transport.ts): bytes it added to an upload, and its error code if it failed. */
export interface UploadOutcome { bytes: number; code?: string | undefined }

/** What pipeline.ts reports of a processed video (its ProcessResult). */
export interface EncodedVideo {
  probe: { duration: number };
  /** Rungs of the one-decode HLS run: they are encoded together, so each took the whole run. */
  renditions: Array<{ name: string }>;
  seconds: { hls: number; mp4: number };
}

export class Metrics {
  readonly registry = new Registry();
  readonly #caches = new Map<CacheName, { read: () => CacheStats; last: CacheStats }>();
  #queue: QueueDepth | undefined;

  readonly #uploadBytes = this.#counter('upload_bytes_total', 'Bytes added to uploads (from the Upload-Offset of successful tus PATCH/POST answers).');
  readonly #uploadsInFlight = this.#gauge('uploads_in_flight', 'tus PATCH/POST requests streaming bytes into this process now.');
  readonly #uploadsCompleted = this.#counter('uploads_completed_total', 'Uploads that received their last byte and were queued for processing.');
  readonly #uploadsFailed = this.#counter('uploads_failed_total', 'tus requests answered with an error, by error code.', ['code']);

  readonly #jobDuration = new Histogram({ name: `${PREFIX}job_duration_seconds`, help: 'Wall time of processing runs in this process, by result.', labelNames: ['result'], buckets: DURATION_BUCKETS, registers: [this.registry] });
  readonly #rungEncode = new Histogram({ name: `${PREFIX}rung_encode_seconds`, help: 'Wall time to encode one rung (HLS rungs share one ffmpeg run) or the MP4 fallback.', labelNames: ['rung'], buckets: DURATION_BUCKETS, registers: [this.registry] });
  readonly #rungRealtime = new Histogram({ name: `${PREFIX}rung_realtime_factor`, help: 'Media seconds encoded per wall second, by rung (above 1: faster than realtime).', labelNames: ['rung'], buckets: REALTIME_BUCKETS, registers: [this.registry] });
  readonly #jobFailures = this.#counter('job_failures_total', 'Processing runs that failed, by error code.', ['code']);
  readonly #watchdogKills = this.#counter('watchdog_kills_total', 'ffmpeg runs killed by the stall watchdog (SLUICE_STALL_TIMEOUT).');

  /** /media is the hot path (tens of thousands of requests/s): counted in plain numbers, handed to prom-client at scrape time. */
  readonly #media = { bytes: 0, syncedBytes: 0, byAnswer: new Map<number, { labels: { status: string; kind: string }; n: number; synced: number }>() };
  readonly #mediaRequests = this.#counter('media_requests_total', 'GET/HEAD /media requests, by status and by whether they asked for a range.', ['status', 'kind'], () => this.#syncMedia());
  readonly #mediaBytes = this.#counter('media_bytes_total', 'Body bytes of answered GET /media requests (Content-Length).', [], () => this.#syncMedia());
  readonly #playlistRequests = this.#counter('playlist_requests_total', 'Playlist and storyboard track requests, by kind and status.', ['kind', 'status']);

  readonly #cacheHits = this.#counter('cache_hits_total', 'Cache lookups answered from the cache.', ['cache'], () => this.#syncCaches());
  readonly #cacheMisses = this.#counter('cache_misses_total', 'Cache lookups that had to fetch, open or revalidate.', ['cache'], () => this.#syncCaches());
  readonly #cacheEvictions = this.#counter('cache_evictions_total', 'Entries removed to fit the cache or because they aged out.', ['cache'], () => this.#syncCaches());
  readonly #cacheBytes = this.#gauge('cache_bytes', 'Bytes held by the cache (originals: on disk; fd: file bytes held in RAM).', ['cache'], () => this.#syncCaches());

  readonly #sseConnections = this.#gauge('sse_connections', 'Open status event streams (GET /api/videos/:id/events).');

  readonly #webhookDeliveries = this.#counter('webhook_deliveries_total', 'Webhook delivery attempts, by result.', ['result']);
  readonly #webhookDuration = new Histogram({ name: `${PREFIX}webhook_delivery_seconds`, help: 'Time of one webhook delivery attempt, by result.', labelNames: ['result'], buckets: WEBHOOK_BUCKETS, registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.#gauge('jobs_queued', 'Processing jobs waiting in the queue (every node of a shared queue).', [], async (g) => g.set((await this.#depth())?.waiting ?? 0));
    this.#gauge('jobs_active', 'Processing jobs running (every node of a shared queue).', [], async (g) => g.set((await this.#depth())?.active ?? 0));
  }

  /** The text exposition format (version 0.0.4). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Queue depth is read from the engine at each scrape. */
  watchQueue(queue: QueueDepth): void {
    this.#queue = queue;
  }

  /** A cache's own cumulative counts, read at each scrape. */
  watchCache(cache: CacheName, read: () => CacheStats): void {
    this.#caches.set(cache, { read, last: { hits: 0, misses: 0, evictions: 0, bytes: 0 } });
  }

  /** A tus PATCH/POST started streaming; call the result when it has been answered. */
  uploadStarted(): () => void {
    this.#uploadsInFlight.inc();
    let done = false;
    return () => { if (!done) { done = true; this.#uploadsInFlight.dec(); } };
  }

  uploadAnswered(o: UploadOutcome): void {
    if (o.bytes > 0) this.#uploadBytes.inc(o.bytes);
    if (o.code !== undefined) this.uploadFailed(o.code);
  }

  uploadFailed(code: string): void {
    this.#uploadsFailed.inc({ code: codeLabel(code) });
  }

  uploadCompleted(): void {
    this.#uploadsCompleted.inc();
  }

  /** One processing run ended; `code` for a failure. */
  jobFinished(result: JobResult, seconds: number, code?: string): void {
    this.#jobDuration.observe({ result }, seconds);
    if (result === 'failed' && code !== undefined) this.jobFailed(code);
  }

  /** A job failed for good: a run that failed, or one the engine gave up on (its worker died each time). */
  jobFailed(code: string): void {
    this.#jobFailures.inc({ code: codeLabel(code) });
    // The watchdog's kill is the only way a run ends with this code (ffmpeg-run.ts).
    if (code === 'SLUICE_ERR_MEDIA_TRANSCODE_STALLED') this.#watchdogKills.inc();
  }

  /** A run that brought its video to ready: its duration, and each rung's encode time and realtime factor. */
  jobReady(seconds: number, v: EncodedVideo): void {
    this.jobFinished('ready', seconds);
    for (const rung of new Set(v.renditions.map((r) => rungLabel(r.name)))) this.#rung(rung, v.probe.duration, v.seconds.hls);
    this.#rung('mp4', v.probe.duration, v.seconds.mp4);
  }

  mediaRequest(status: number, range: boolean, bytes: number): void {
    const key = status * 2 + (range ? 1 : 0);
    let answer = this.#media.byAnswer.get(key);
    if (!answer) {
      answer = { labels: { status: statusLabel(status), kind: range ? 'range' : 'whole' }, n: 0, synced: 0 };
      this.#media.byAnswer.set(key, answer);
    }
    answer.n += 1;
    this.#media.bytes += bytes;
  }

  playlistRequest(kind: PlaylistKind, status: number): void {
    this.#playlistRequests.inc({ kind, status: statusLabel(status) });
  }

  /** An event stream opened; call the result when it closes. */
  sseOpened(): () => void {
    this.#sseConnections.inc();
    let done = false;
    return () => { if (!done) { done = true; this.#sseConnections.dec(); } };
  }

  /** One webhook delivery attempt (the webhook dispatcher's observer calls this). */
  webhookDelivery(result: WebhookResult, seconds: number): void {
    this.#webhookDeliveries.inc({ result });
    this.#webhookDuration.observe({ result }, seconds);
  }

  #rung(rung: string, mediaSeconds: number, wallSeconds: number): void {
    if (!(wallSeconds > 0)) return;
    this.#rungEncode.observe({ rung }, wallSeconds);
    if (mediaSeconds > 0) this.#rungRealtime.observe({ rung }, mediaSeconds / wallSeconds);
  }

  #syncMedia(): void {
    for (const a of this.#media.byAnswer.values()) {
      if (a.n > a.synced) this.#mediaRequests.inc(a.labels, a.n - a.synced);
      a.synced = a.n;
    }
    if (this.#media.bytes > this.#media.syncedBytes) this.#mediaBytes.inc(this.#media.bytes - this.#media.syncedBytes);
    this.#media.syncedBytes = this.#media.bytes;
  }

  async #depth(): Promise<{ waiting: number; active: number } | undefined> {
    // A database that does not answer must not fail the whole scrape: the gauges read 0 then.
    return this.#queue?.counts().catch(() => undefined);
  }

  /** Counters follow the caches' own cumulative counts (never backwards: a restarted count starts over). */
  #syncCaches(): void {
    for (const [cache, c] of this.#caches) {
      const read = c.read();
      const now = { ...read, evictions: read.evictions + (read.expirations ?? 0) };
      for (const [key, counter] of [['hits', this.#cacheHits], ['misses', this.#cacheMisses], ['evictions', this.#cacheEvictions]] as const) {
        const delta = now[key] - c.last[key];
        if (delta > 0) counter.inc({ cache }, delta);
      }
      this.#cacheBytes.set({ cache }, now.bytes);
      c.last = now;
    }
  }

  #counter(name: string, help: string, labelNames: string[] = [], collect?: () => void): Counter {
    return new Counter({ name: PREFIX + name, help, labelNames, registers: [this.registry], ...(collect ? { collect } : {}) });
  }

  #gauge(name: string, help: string, labelNames: string[] = [], collect?: (g: Gauge) => void | Promise<void>): Gauge {
    return new Gauge({ name: PREFIX + name, help, labelNames, registers: [this.registry], ...(collect ? { collect() { return collect(this); } } : {}) });
  }
}
