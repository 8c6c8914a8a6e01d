/**
 * Environment → typed, validated options. A bad variable stops the server
 * with a sentence naming the variable, the value and what is expected.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDuration, parseSize } from '@sluice/protocol';
import { SluiceError } from './errors.js';
import { isLoopbackHost } from './http/loopback.js';
import { parseTrustProxy } from './http/proxy-trust.js';

export type SigningMode = 'hmac' | 'nginx';
export type StorageKind = 'local' | 's3' | 'gcs' | 'azure';
export type DeliveryMode = 'proxy' | 'direct';

export interface SluiceConfig {
  port: number;
  host: string;
  dataDir: string;
  /** JWT + URL signing key; undefined until resolveSecret() ran. */
  secret: string;
  publicUrl?: string;
  mediaTtlSeconds: number;
  signing: SigningMode;
  maxUploadBytes: number;
  demo: boolean;
  /** SLUICE_DEMO=force: demo mode allowed on a non-loopback HOST (docs/security.md). */
  demoForced: boolean;
  production: boolean;
  /** SLUICE_TRUST_PROXY: proxy addresses/CIDRs whose X-Forwarded-Host/-Proto are believed; empty = none. */
  trustProxy: string[];
  storage: StorageKind;
  delivery: DeliveryMode;
  encoder: string;
  segmentSeconds: 2 | 4;
  ffmpegPath: string;
  ffprobePath: string;
  corsOrigins: string[];
  /** Kill ffmpeg after this long without progress. */
  stallSeconds: number;
  /** Longest accepted video, in seconds (an upload token's maxDuration claim can only lower it). */
  maxDurationSeconds: number;
  /** Most decoded pixels per second accepted: width × height × fps. */
  maxPixelRate: number;
  /** Abandoned (unfinished) uploads are removed after this long. */
  uploadExpirySeconds: number;
  /** Folder with the built demo site, served at / when set. */
  demoDir?: string;
  /** Bucket backends: where and how (validated; the SDK is loaded only for the chosen one). */
  s3?: { bucket: string; region: string; endpoint?: string; forcePathStyle: boolean };
  gcs?: { bucket: string; keyFilename?: string };
  azure?: { container: string; connectionString?: string; account?: string; accountKey?: string };
  /** Disk cache for originals fetched from a bucket. */
  cacheDir: string;
  cacheMaxBytes: number;
  cacheTtlSeconds: number;
  logLevel: string;
  /** SLUICE_DATABASE_URL: postgres://… selects scale-out mode (PostgreSQL metadata, BullMQ on PostgreSQL, cross-node events and tus locks). */
  databaseUrl?: string;
  /** SLUICE_REDIS_URL: in scale-out mode, BullMQ, events and tus locks on Redis instead of PostgreSQL. */
  redisUrl?: string;
  /** SLUICE_PROCESS_JOBS: `sluice start` runs transcode jobs too (default on). */
  processJobs: boolean;
  /** SLUICE_METRICS_PORT: a separate listener serving GET /metrics without a token; undefined: only the admin-guarded route on PORT. */
  metricsPort?: number;
  /** SLUICE_METRICS_HOST: the metrics listener's address (default 127.0.0.1). */
  metricsHost: string;
  /** SLUICE_WEBHOOK_*: signed, durable event delivery (docs/webhooks.md); undefined when SLUICE_WEBHOOK_URLS is unset. */
  webhooks?: WebhookConfig;
  /** SLUICE_WEBHOOK_SECRET alone (`sluice webhooks test` signs with it even when no URL is configured). */
  webhookSecret?: string;
}

export interface WebhookConfig {
  urls: string[];
  /** The HMAC-SHA256 key receivers verify with. Never logged. */
  secret: string;
  /** SLUICE_WEBHOOK_RETRY `<base>..<cap>`: the first retry waits up to base, each next one up to twice as long, never more than cap. */
  retryBaseMs: number;
  retryCapMs: number;
  /** SLUICE_WEBHOOK_GIVE_UP: a row still undelivered this long after its event is marked failed. */
  giveUpMs: number;
  /** SLUICE_WEBHOOK_TIMEOUT: one attempt's wait for a response. */
  timeoutMs: number;
}

export interface LoadConfigOptions {
  /** Refuse an incomplete scale-out setup (secret, public URL, bucket). Off for `sluice migrate`, which only needs the database. */
  scaleOutChecks?: boolean;
}

// One meaning for sizes and durations in every package (`20GB` = 20·10⁹ bytes).
export { parseDuration, parseSize };

/** `3840x2160@60`, `3840x2160x60` or a bare number → pixels per second. */
export function parsePixelRate(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const m = /^(\d+)\s*x\s*(\d+)\s*[@x]\s*(\d+(?:\.\d+)?)$/i.exec(t);
  return m ? Number(m[1]) * Number(m[2]) * Number(m[3]) : undefined;
}

function invalid(name: string, value: string, expected: string): never {
  throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', `${name}=${JSON.stringify(value)} is invalid: expected ${expected}.`);
}

type Env = Record<string, string | undefined>;

function read<T>(env: Env, name: string, fallback: T, parse: (v: string) => T | undefined, expected: string): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = parse(raw);
  return v === undefined ? invalid(name, raw, expected) : v;
}

const oneOf = <T extends string>(...values: T[]) => (v: string): T | undefined => values.find((x) => x === v.toLowerCase());
const bool = (v: string): boolean | undefined => (/^(1|true|yes|on)$/i.test(v) ? true : /^(0|false|no|off)$/i.test(v) ? false : undefined);
function demoSetting(v: string): 'on' | 'off' | 'force' | undefined {
  if (/^force$/i.test(v)) return 'force';
  const on = bool(v);
  return on === undefined ? undefined : on ? 'on' : 'off';
}

/** Reads and validates every SLUICE_* variable. Throws SLUICE_ERR_CONFIG_INVALID. */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): SluiceConfig {
  const production = env.NODE_ENV === 'production';
  const storage = read(env, 'SLUICE_STORAGE', 'local' as StorageKind, oneOf('local', 's3', 'gcs', 'azure'), 'one of local, s3, gcs, azure');
  const demoMode = read(env, 'SLUICE_DEMO', production ? 'off' : 'on', demoSetting, 'on, off or force');
  const config: SluiceConfig = {
    port: read(env, 'PORT', 3000, (v) => (/^\d+$/.test(v) && Number(v) < 65536 ? Number(v) : undefined), 'a port number (0-65535)'),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.SLUICE_DATA_DIR || './data'),
    secret: env.SLUICE_SECRET ?? '',
    publicUrl: read(env, 'SLUICE_PUBLIC_URL', undefined, (v) => (/^https?:\/\/[^/]+/.test(v) ? v.replace(/\/+$/, '') : undefined), 'an absolute http(s) URL such as https://video.example.com'),
    mediaTtlSeconds: read(env, 'SLUICE_MEDIA_TTL', 6 * 3600, (v) => { const s = parseDuration(v); return s !== undefined && s >= 1 ? s : undefined; }, 'a duration of at least 1s, like 90s, 15m or 6h'),
    signing: read(env, 'SLUICE_SIGNING', 'hmac' as SigningMode, oneOf('hmac', 'nginx'), 'hmac or nginx'),
    maxUploadBytes: read(env, 'SLUICE_MAX_UPLOAD', 20e9, (v) => { const b = parseSize(v); return b && b > 0 ? b : undefined; }, 'a size like 512MB or 20GB'),
    demo: demoMode !== 'off',
    demoForced: demoMode === 'force',
    production,
    trustProxy: readTrustProxy(env),
    storage,
    delivery: read(env, 'SLUICE_DELIVERY', (storage === 'local' ? 'proxy' : 'direct') as DeliveryMode, oneOf('proxy', 'direct'), 'proxy or direct'),
    encoder: read(env, 'SLUICE_ENCODER', 'libx264', (v) => (/^[a-z0-9_]+$/i.test(v) ? v : undefined), 'an ffmpeg H.264 encoder name such as libx264 or h264_nvenc'),
    segmentSeconds: read(env, 'SLUICE_SEGMENT_SECONDS', 4 as 2 | 4, (v) => (v === '2' ? 2 : v === '4' ? 4 : undefined), '2 or 4'),
    ffmpegPath: env.FFMPEG_PATH || 'ffmpeg',
    ffprobePath: env.FFPROBE_PATH || 'ffprobe',
    corsOrigins: (env.SLUICE_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    stallSeconds: read(env, 'SLUICE_STALL_TIMEOUT', 60, (v) => { const s = parseDuration(v); return s && s > 0 ? s : undefined; }, 'a duration like 60s'),
    maxDurationSeconds: read(env, 'SLUICE_MAX_DURATION', 12 * 3600, (v) => { const s = parseDuration(v); return s !== undefined && s >= 1 ? s : undefined; }, 'a duration of at least 1s, like 10m or 12h'),
    maxPixelRate: read(env, 'SLUICE_MAX_PIXEL_RATE', 3840 * 2160 * 60, (v) => { const r = parsePixelRate(v); return r && r > 0 ? r : undefined; }, 'width x height @ frames per second, like 3840x2160@60, or a number of pixels per second'),
    uploadExpirySeconds: read(env, 'SLUICE_UPLOAD_EXPIRY', 24 * 3600, (v) => { const s = parseDuration(v); return s && s > 0 ? s : undefined; }, 'a duration like 24h'),
    demoDir: env.SLUICE_DEMO_DIR || undefined,
    cacheDir: resolve(env.SLUICE_CACHE_DIR || join(resolve(env.SLUICE_DATA_DIR || './data'), 'cache')),
    cacheMaxBytes: read(env, 'SLUICE_CACHE_MAX', 10e9, (v) => { const b = parseSize(v); return b && b > 0 ? b : undefined; }, 'a size like 10GB'),
    cacheTtlSeconds: read(env, 'SLUICE_CACHE_TTL', 24 * 3600, (v) => { const s = parseDuration(v); return s && s > 0 ? s : undefined; }, 'a duration like 24h'),
    logLevel: env.LOG_LEVEL || 'info',
    databaseUrl: read(env, 'SLUICE_DATABASE_URL', undefined, (v) => (/^postgres(ql)?:\/\/[^\s]+$/i.test(v) ? v : undefined), 'a PostgreSQL URL such as postgres://sluice:secret@db.internal:5432/sluice (leave it unset for the embedded SQLite file)'),
    redisUrl: read(env, 'SLUICE_REDIS_URL', undefined, (v) => (/^rediss?:\/\/[^\s]+$/i.test(v) ? v : undefined), 'a Redis URL such as redis://redis.internal:6379'),
    processJobs: read(env, 'SLUICE_PROCESS_JOBS', true, bool, 'on or off'),
    metricsPort: read(env, 'SLUICE_METRICS_PORT', undefined, (v) => (/^\d+$/.test(v) && Number(v) < 65536 ? Number(v) : undefined), 'a port number (0-65535) for a separate /metrics listener'),
    metricsHost: read(env, 'SLUICE_METRICS_HOST', '127.0.0.1', (v) => (/^[A-Za-z0-9.:-]+$/.test(v) ? v : undefined), 'an address to listen on, like 127.0.0.1, 0.0.0.0 or ::'),
  };
  for (const origin of config.corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin)) invalid('SLUICE_CORS_ORIGINS', origin, 'comma-separated origins like https://www.example.com (no path)');
  }
  if (config.secret && config.secret.length < 32) invalid('SLUICE_SECRET', '<hidden>', 'at least 32 characters (try: openssl rand -base64 48)');
  if (!config.secret && production) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'SLUICE_SECRET is required when NODE_ENV=production (try: openssl rand -base64 48); it is only generated automatically in development.');
  }
  if (config.demo && !config.demoForced && !isLoopbackHost(config.host)) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', `Demo mode is on (SLUICE_DEMO, on unless NODE_ENV=production) and HOST=${config.host} is not a loopback address: demo mode hands admin tokens to anyone who asks, so it only listens on 127.0.0.1, ::1 or localhost. For a real deployment set NODE_ENV=production (or SLUICE_DEMO=off) and SLUICE_SECRET; to try the demo use HOST=127.0.0.1; SLUICE_DEMO=force opens it to your network anyway (anyone who can reach it gets admin rights).`);
  }
  readBucket(config, env);
  if (config.storage === 'local' && config.delivery === 'direct') {
    invalid('SLUICE_DELIVERY', 'direct', 'proxy with SLUICE_STORAGE=local (local disk has no presigned URLs; put nginx in front with `sluice nginx-config` to offload delivery)');
  }
  if (config.metricsPort !== undefined && config.metricsPort === config.port && config.port !== 0) {
    invalid('SLUICE_METRICS_PORT', String(config.metricsPort), `a port other than PORT (${config.port}); leave it unset to serve /metrics on PORT with an admin token`);
  }
  if (options.scaleOutChecks !== false) checkScaleOut(config, env);
  readWebhooks(config, env);
  return config;
}

/** SLUICE_WEBHOOK_URLS (comma-separated http(s) URLs) needs SLUICE_WEBHOOK_SECRET; retry, give-up and timeout have defaults. */
function readWebhooks(config: SluiceConfig, env: Env): void {
  const secret = env.SLUICE_WEBHOOK_SECRET || undefined;
  if (secret !== undefined && secret.length < 16) invalid('SLUICE_WEBHOOK_SECRET', '<hidden>', 'at least 16 characters (try: openssl rand -hex 32)');
  config.webhookSecret = secret;
  const urls = (env.SLUICE_WEBHOOK_URLS ?? '').split(/[\s,]+/).filter(Boolean);
  for (const u of urls) {
    let ok = false;
    try { const p = new URL(u); ok = (p.protocol === 'http:' || p.protocol === 'https:') && p.username === '' && p.password === ''; } catch { ok = false; }
    if (!ok) invalid('SLUICE_WEBHOOK_URLS', u, 'comma-separated absolute http(s) URLs such as https://example.com/hooks/sluice (no user:password@)');
  }
  if (urls.length === 0) return;
  if (!secret) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'SLUICE_WEBHOOK_URLS is set without SLUICE_WEBHOOK_SECRET: every webhook is signed with it so receivers can tell Sluice\'s requests from forgeries; set SLUICE_WEBHOOK_SECRET (try: openssl rand -hex 32) and give the same value to each receiver.');
  }
  const retry = read(env, 'SLUICE_WEBHOOK_RETRY', { base: 5, cap: 3600 }, (v) => {
    const m = /^(.+)\.\.(.+)$/.exec(v);
    const base = m ? parseDuration(m[1]!) : undefined;
    const cap = m ? parseDuration(m[2]!) : undefined;
    return base !== undefined && cap !== undefined && base >= 0.01 && cap >= base ? { base, cap } : undefined;
  }, 'two durations <base>..<cap> with base ≥ 10ms and cap ≥ base, like 5s..1h');
  const positive = (min: number) => (v: string): number | undefined => { const s = parseDuration(v); return s !== undefined && s >= min ? s : undefined; };
  config.webhooks = {
    urls: [...new Set(urls)], secret,
    retryBaseMs: retry.base * 1000, retryCapMs: retry.cap * 1000,
    giveUpMs: read(env, 'SLUICE_WEBHOOK_GIVE_UP', 24 * 3600, positive(1), 'a duration of at least 1s, like 24h') * 1000,
    timeoutMs: read(env, 'SLUICE_WEBHOOK_TIMEOUT', 10, positive(0.1), 'a duration of at least 100ms, like 10s') * 1000,
  };
}

/** Several processes share one database, queue and bucket: each needs the same secret, one public address and the bucket. */
function checkScaleOut(config: SluiceConfig, env: Env): void {
  if (config.redisUrl && !config.databaseUrl) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'SLUICE_REDIS_URL is set without SLUICE_DATABASE_URL: scale-out mode keeps its metadata in PostgreSQL, so set SLUICE_DATABASE_URL=postgres://… too (or unset SLUICE_REDIS_URL for the embedded mode).');
  }
  if (!config.databaseUrl) return;
  const missing = [
    ...(env.SLUICE_SECRET ? [] : ['SLUICE_SECRET (the same on every node, or each node would sign tokens and URLs the others refuse)']),
    ...(config.publicUrl ? [] : ['SLUICE_PUBLIC_URL (the load balancer\'s address, used in every link)']),
    ...(config.storage !== 'local' ? [] : ['bucket storage (SLUICE_STORAGE=s3, gcs or azure: nodes share no disk)']),
  ];
  if (missing.length > 0) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', `Scale-out mode (SLUICE_DATABASE_URL is set) refuses to start without ${missing.join(', ')}.`);
  }
}

function readTrustProxy(env: Env): string[] {
  const raw = env.SLUICE_TRUST_PROXY ?? '';
  const parsed = parseTrustProxy(raw);
  if (Array.isArray(parsed)) return parsed;
  throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', `SLUICE_TRUST_PROXY=${JSON.stringify(raw)} is invalid: ${parsed.error}.`);
}

function required(env: Env, name: string, storage: string, example: string): string {
  const v = env[name];
  if (!v) throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', `${name} is required when SLUICE_STORAGE=${storage} (for example ${name}=${example}).`);
  return v;
}

/** Each bucket backend's variables, checked only when that backend is chosen. */
function readBucket(config: SluiceConfig, env: Env): void {
  if (config.storage === 's3') {
    const endpoint = read(env, 'SLUICE_S3_ENDPOINT', undefined, (v) => (/^https?:\/\/[^/]+/.test(v) ? v : undefined), 'an http(s) URL such as https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000');
    config.s3 = {
      bucket: required(env, 'SLUICE_S3_BUCKET', 's3', 'my-videos'),
      region: env.SLUICE_S3_REGION || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
      endpoint,
      forcePathStyle: read(env, 'SLUICE_S3_FORCE_PATH_STYLE', false, bool, 'on or off'),
    };
  } else if (config.storage === 'gcs') {
    config.gcs = { bucket: required(env, 'SLUICE_GCS_BUCKET', 'gcs', 'my-videos'), keyFilename: env.GOOGLE_APPLICATION_CREDENTIALS || undefined };
  } else if (config.storage === 'azure') {
    const connectionString = env.AZURE_STORAGE_CONNECTION_STRING || undefined;
    const account = env.SLUICE_AZURE_ACCOUNT || undefined;
    if (!connectionString && !account) {
      throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'SLUICE_STORAGE=azure needs AZURE_STORAGE_CONNECTION_STRING, or SLUICE_AZURE_ACCOUNT (with AZURE_STORAGE_KEY, or a managed identity / token credential for user-delegation SAS).');
    }
    config.azure = { container: required(env, 'SLUICE_AZURE_CONTAINER', 'azure', 'videos'), connectionString, account, accountKey: env.AZURE_STORAGE_KEY || undefined };
  }
}

/**
 * Fills config.secret: SLUICE_SECRET if set, else a secret generated once
 * into <dataDir>/secret (mode 0600) and reused on every later start.
 */
export function resolveSecret(config: SluiceConfig): SluiceConfig {
  if (config.secret) return config;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  return { ...config, secret: readFileSync(file, 'utf8').trim() };
}
