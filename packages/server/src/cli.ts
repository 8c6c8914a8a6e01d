#!/usr/bin/env node
/**
 * `sluice` — start the server, mint a token, import videos, print an nginx config.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { AUDIENCES, type Audience, mintToken, registerJwt } from './auth/tokens.js';
import { loadConfig, parseDuration, resolveSecret, type SluiceConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { renderNginxConfig } from './delivery/nginx-config.js';
import { isSluiceError } from './errors.js';
import { metricsListenerUrl } from './metrics/metrics-routes.js';
import { LocalLayout } from './storage/local-layout.js';
import { importFiles } from './uploads/import-files.js';
import { sendTestEvent } from './webhooks/test-event.js';
import { CAPTIONS_USAGE, captionsCommand } from './captions/captions-cli.js';

const USAGE = `Usage:
  sluice start                                     run the server: the HTTP API, and transcode jobs unless SLUICE_PROCESS_JOBS=off
                                                   (configured by environment, see docs/configuration.md)
  sluice worker                                    run transcode jobs only (scale-out), with GET /healthz on PORT/HOST
  sluice migrate                                   bring the configured database (SLUICE_DATABASE_URL, or the SQLite
                                                   file in the data dir) to the latest schema, then exit
  sluice token --aud <upload|playback|admin> [--sub <id> | --all] [--ttl 1h] [--media-ttl 30s] [--max-duration 10m]
                                                   print one JWT, alone on stdout (playback: --sub <video id>,
                                                   or --all for every video)
  sluice import <file…>                            ingest existing video files; prints one video id per line
  sluice nginx-config [--listen 127.0.0.1:8080] [--upstream 127.0.0.1:3000]
                                                   print an nginx config serving signed /media from disk
  sluice webhooks test <url>                       send one signed webhook.test event (SLUICE_WEBHOOK_SECRET) to <url>;
                                                   prints the status and latency, exits 0 on a 2xx answer

${CAPTIONS_USAGE}`;

/** The demo site built next to this package in the repo (demo/dist), if any. */
function defaultDemoDir(config: SluiceConfig): string | undefined {
  if (config.demoDir || !config.demo) return config.demoDir;
  const dir = fileURLToPath(new URL('../../../demo/dist', import.meta.url));
  const fromDist = fileURLToPath(new URL('../../../../demo/dist', import.meta.url));
  return existsSync(dir) ? dir : existsSync(fromDist) ? fromDist : undefined;
}

async function start(): Promise<void> {
  const loaded = resolveSecret(loadConfig());
  const config = { ...loaded, demoDir: defaultDemoDir(loaded) };
  const app = await buildApp({ config, processJobs: config.processJobs });
  const address = await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`Sluice listening on ${address}${config.processJobs ? '' : ' (API only: SLUICE_PROCESS_JOBS=off)'}\n`);
  printMetricsListener(app);
  stopOnSignals(app);
  if (config.demo) {
    process.stdout.write(config.demoForced
      ? `Demo mode is FORCED on ${config.host} (SLUICE_DEMO=force): anyone who can reach this port can mint admin tokens.\n`
      : `Demo mode is on (open token minting, loopback only): open ${address}/ in a browser.\n`);
  }
}

function stopOnSignals(app: FastifyInstance): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // close() waits for in-flight responses; a client that stopped reading
      // a media body would hold the process forever, so they get a grace period.
      setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
      void app.close().then(() => process.exit(0));
    });
  }
}

async function worker(): Promise<void> {
  const config = resolveSecret(loadConfig());
  const app = await buildApp({ config, role: 'worker' });
  const address = await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`Sluice worker running jobs; health on ${address}/healthz\n`);
  printMetricsListener(app);
  stopOnSignals(app);
}

function printMetricsListener(app: FastifyInstance): void {
  const url = metricsListenerUrl(app);
  if (url) process.stdout.write(`Prometheus metrics (no token) on ${url}/metrics\n`);
}

async function migrateCommand(): Promise<void> {
  // Only the database is needed: an incomplete scale-out setup may still be migrated ahead of a deploy.
  const config = loadConfig(process.env, { scaleOutChecks: false });
  const r = await migrate(config.databaseUrl ?? new LocalLayout(config.dataDir).dbFile);
  process.stdout.write(r.applied.length === 0
    ? `${r.dialect}: schema already at version ${r.to}; nothing to do.\n`
    : `${r.dialect}: schema version ${r.from} → ${r.to}; applied ${r.applied.map((m) => `${m.version} (${m.name})`).join(', ')}.\n`);
}

const SHUTDOWN_GRACE_MS = 5000;

async function token(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { aud: { type: 'string' }, sub: { type: 'string' }, all: { type: 'boolean', default: false }, ttl: { type: 'string', default: '1h' }, 'media-ttl': { type: 'string' }, 'max-duration': { type: 'string' } } });
  const aud = values.aud as Audience;
  if (!AUDIENCES.includes(aud)) throw new Error(`--aud must be one of ${AUDIENCES.join(', ')}`);
  const ttl = parseDuration(values.ttl ?? '1h');
  if (!ttl) throw new Error(`--ttl "${values.ttl}" is not a duration like 90s, 15m or 1h`);
  const mediaTtl = values['media-ttl'] === undefined ? undefined : parseDuration(values['media-ttl']);
  if (values['media-ttl'] !== undefined && !mediaTtl) throw new Error(`--media-ttl "${values['media-ttl']}" is not a duration`);
  const maxDuration = values['max-duration'] === undefined ? undefined : parseDuration(values['max-duration']);
  if (values['max-duration'] !== undefined && !(maxDuration && maxDuration >= 1)) throw new Error(`--max-duration "${values['max-duration']}" is not a duration of at least 1s, like 10m`);
  // A playback token for every video is a choice to make out loud, not a default.
  if (values.all && values.sub !== undefined) throw new Error('--all and --sub exclude each other');
  if (values.all && aud !== 'playback') throw new Error('--all applies to --aud playback only');
  if (aud === 'playback' && values.sub === undefined && !values.all) throw new Error('--aud playback needs --sub <video id> (one video) or --all (every video)');
  const sub = values.all ? '*' : values.sub;
  const config = resolveSecret(loadConfig());
  const app = Fastify({ logger: false });
  await registerJwt(app, config.secret);
  await app.ready();
  process.stdout.write(`${mintToken(app, { aud, sub, mediaTtl, maxDuration }, ttl).token}\n`);
  await app.close();
}

async function importCommand(files: string[]): Promise<void> {
  if (files.length === 0) throw new Error('sluice import needs at least one file');
  const config = resolveSecret(loadConfig());
  const app = await buildApp({ config, logger: false, processJobs: false });
  await app.ready();
  try {
    for (const id of await importFiles(app.sluice, files)) process.stdout.write(`${id}\n`);
  } finally {
    await app.close();
  }
}

async function captions(args: string[]): Promise<void> {
  const config = resolveSecret(loadConfig());
  const app = await buildApp({ config, logger: false, processJobs: false });
  await app.ready();
  try {
    process.stdout.write(await captionsCommand(app.sluice, args));
  } finally {
    await app.close();
  }
}

async function nginxConfig(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { listen: { type: 'string', default: '127.0.0.1:8080' }, upstream: { type: 'string', default: '127.0.0.1:3000' } } });
  const config = resolveSecret(loadConfig());
  if (config.signing !== 'nginx') process.stderr.write('note: set SLUICE_SIGNING=nginx on the server so that it signs URLs in the format this config checks.\n');
  process.stdout.write(renderNginxConfig({ listen: values.listen!, upstream: values.upstream!, mediaRoot: `${config.dataDir}/media`, secret: config.secret, corsOrigins: config.corsOrigins }));
}

async function webhooksCommand(args: string[]): Promise<void> {
  const [sub, url, ...extra] = args;
  if (sub !== 'test' || !url || extra.length > 0) throw new Error('usage: sluice webhooks test <url>');
  if (!/^https?:\/\/[^/]+/.test(url)) throw new Error(`"${url}" is not an http(s) URL`);
  const config = loadConfig(process.env, { scaleOutChecks: false });
  const secret = config.webhooks?.secret ?? config.webhookSecret;
  if (!secret) throw new Error('SLUICE_WEBHOOK_SECRET is not set: the test event is signed with the secret receivers verify with.');
  const r = await sendTestEvent(url, secret, config.webhooks?.timeoutMs ?? 10_000);
  const ok = r.status !== null && r.status >= 200 && r.status < 300;
  process.stdout.write(`${ok ? 'delivered' : 'not delivered'}: ${r.status === null ? 'no response' : `HTTP ${r.status}`} in ${Math.round(r.ms)} ms (event ${r.eventId})${r.error ? `; ${r.error}` : ''}\n`);
  if (!ok) process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': return start();
    case 'worker': return worker();
    case 'migrate': return migrateCommand();
    case 'token': return token(rest);
    case 'import': return importCommand(rest);
    case 'nginx-config': return nginxConfig(rest);
    case 'webhooks': return webhooksCommand(rest);
    case 'captions': return captions(rest);
    case undefined: case '-h': case '--help': process.stdout.write(`${USAGE}\n`); return;
    default: throw new Error(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`sluice: ${isSluiceError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
