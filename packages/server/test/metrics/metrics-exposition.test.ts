// GET /metrics: who may read it, where (SLUICE_METRICS_PORT), that it parses
// as the Prometheus text format, follows the naming conventions, stays
// bounded in series whatever the traffic, and that docs and the Grafana
// dashboard name only metrics that exist.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
import { mintToken } from '../../src/auth/tokens.js';
import { loadConfig, resolveSecret } from '../../src/config.js';
import { LABEL_VALUES } from '../../src/metrics/labels.js';
import { metricsListenerUrl } from '../../src/metrics/metrics-routes.js';
import { FIXTURES, startTestApp, type TestApp } from '../support/test-app.js';
import { tusUpload } from '../support/tus.js';
import { labelSets, parseExposition, scrape, scrapeParsed, seriesCount, value, type Families } from './metrics-support.js';

const DOCS = join(import.meta.dirname, '..', '..', '..', '..', 'docs');
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** Labels that would make one series per video, viewer or request. */
const FORBIDDEN_LABELS = new Set(['id', 'video', 'video_id', 'videoid', 'upload', 'upload_id', 'path', 'url', 'file', 'filename', 'token', 'sub', 'owner', 'ip', 'user']);
/** prom-client's default process and Node.js metrics (prefixed), documented as a group. */
const isDefault = (name: string): boolean => /^sluice_(process|nodejs)_/.test(name);
const hex = (): string => randomBytes(16).toString('hex');

let t: TestApp;
let admin: string;
before(async () => {
  t = await startTestApp();
  admin = t.token({ aud: 'admin' });
});
after(() => t.close());

describe('GET /metrics on the API port', () => {
  test('needs an admin token: none → 401, playback or upload → 403, admin → 200 in the text format', async () => {
    const none = await scrape(`${t.url}/metrics`);
    assert.equal(none.status, 401);
    assert.equal((JSON.parse(none.text) as { error: { code: string } }).error.code, 'SLUICE_ERR_AUTH_MISSING');
    for (const aud of ['playback', 'upload'] as const) {
      const other = await scrape(`${t.url}/metrics`, t.token({ aud, sub: '*' }));
      assert.equal(other.status, 403, aud);
      assert.equal((JSON.parse(other.text) as { error: { code: string } }).error.code, 'SLUICE_ERR_AUTH_FORBIDDEN');
    }
    const invalid = await scrape(`${t.url}/metrics`, 'not-a-token');
    assert.equal(invalid.status, 401);
    const ok = await scrape(`${t.url}/metrics`, admin);
    assert.equal(ok.status, 200);
    assert.equal(ok.contentType, CONTENT_TYPE);
    const families = await parseExposition(ok.text);
    assert.ok(families.has('sluice_upload_bytes_total'));
    assert.ok(families.has('sluice_process_cpu_user_seconds_total'), 'default process metrics, prefixed');
  });

  test('names, types and labels follow the Prometheus conventions; every metric is documented', async () => {
    // Some traffic, so that labelled series exist.
    await fetch(`${t.url}/media/${hex()}/hls/720p/seg_00001.m4s?exp=1&sig=x`);
    await fetch(`${t.url}/api/videos/${hex()}/hls/master.m3u8?token=${admin}`);
    t.app.sluice.metrics.webhookDelivery('delivered', 0.2);
    const families = await scrapeParsed(t.url, admin);
    const doc = readFileSync(join(DOCS, 'metrics.md'), 'utf8');
    for (const [name, f] of families) {
      assert.match(name, /^sluice_[a-z][a-z0-9_]*[a-z0-9]$/, 'snake_case with the sluice_ prefix');
      assert.doesNotMatch(name, /__/, name);
      if (f.type === 'counter') assert.match(name, /_total$/, `counter ${name}`);
      // prom-client's own sluice_nodejs_active_resources_total is a gauge: the suffix rule holds for ours.
      else if (!isDefault(name)) assert.doesNotMatch(name, /_total$/, `${f.type} ${name}`);
      if (f.type === 'histogram' && !isDefault(name)) assert.match(name, /_(seconds|bytes|factor)$/, `histogram ${name} names its unit`);
      for (const labels of labelSets(families, name)) {
        for (const label of Object.keys(labels)) {
          assert.match(label, /^[a-z][a-z0-9_]*$/, `${name}{${label}}`);
          assert.ok(!FORBIDDEN_LABELS.has(label), `${name} has an unbounded label ${label}`);
        }
      }
      if (!isDefault(name)) assert.ok(doc.includes(`\`${name}\``), `${name} is documented in docs/metrics.md`);
    }
    for (const documented of doc.matchAll(/`(sluice_[a-z0-9_]+)`/g)) {
      const base = documented[1]!.replace(/_(bucket|sum|count)$/, '');
      assert.ok(families.has(documented[1]!) || families.has(base), `docs/metrics.md names ${documented[1]}, which is not exported`);
    }
    assert.equal(value(families, 'sluice_webhook_deliveries_total', { result: 'delivered' }), 1);
    assert.equal(value(families, 'sluice_webhook_delivery_seconds', { result: 'delivered' }), 1);
  });

  test('the number of series stays bounded whatever ids and paths are requested', async () => {
    const ids: string[] = [];
    const round = async (n: number): Promise<void> => {
      await Promise.all(Array.from({ length: n }, async (_, i) => {
        const id = hex();
        ids.push(id);
        const urls = [
          `${t.url}/media/${id}/hls/720p/seg_${String(i).padStart(5, '0')}.m4s?exp=${2e9 + i}&sig=${hex()}`,
          `${t.url}/media/${id}/${hex()}.mp4`,
          `${t.url}/api/videos/${id}/hls/master.m3u8?token=${admin}`,
          `${t.url}/api/videos/${id}/hls/${i}p.m3u8?token=${admin}`,
          `${t.url}/api/videos/${id}/storyboard.vtt?token=${admin}`,
          `${t.url}/api/videos/${id}/events?token=${admin}`,
        ];
        for (const url of urls) await (await fetch(url, { headers: i % 2 ? { range: `bytes=${i}-` } : {} })).arrayBuffer();
        await (await fetch(`${t.url}/api/uploads/${id}.${hex()}`, { method: 'HEAD', headers: { authorization: `Bearer ${t.token({ aud: 'upload' })}`, 'tus-resumable': '1.0.0' } })).arrayBuffer();
      }));
    };
    const ours = (name: string): boolean => !isDefault(name);
    await round(10);
    const first = await scrapeParsed(t.url, admin);
    await round(60);
    const text = (await scrape(`${t.url}/metrics`, admin)).text;
    const second = await parseExposition(text);
    assert.equal(seriesCount(second, ours), seriesCount(first, ours), 'six times more distinct ids and paths added no series');
    assert.ok(value(second, 'sluice_media_requests_total') - value(first, 'sluice_media_requests_total') >= 120, 'the requests were counted');
    for (const id of ids) assert.ok(!text.includes(id), 'no id in any label');

    // The bound by construction: every label value comes from its fixed set (labels.ts).
    let bound = 0;
    for (const [name, f] of second) {
      if (!ours(name)) continue;
      const sets = labelSets(second, name);
      for (const labels of sets) {
        for (const [label, v] of Object.entries(labels)) assert.ok(LABEL_VALUES[label]?.includes(v), `${name}{${label}="${v}"} is outside its fixed set`);
      }
      const names = new Set(sets.flatMap((l) => Object.keys(l)));
      const combinations = [...names].reduce((n, label) => n * (LABEL_VALUES[label]?.length ?? Infinity), 1);
      const perSeries = f.type === 'histogram' ? 20 : 1; // ≤ 13 buckets + +Inf + _sum + _count
      bound += combinations * perSeries;
    }
    assert.ok(Number.isFinite(bound));
    assert.ok(seriesCount(second, ours) <= bound, `${seriesCount(second, ours)} series ≤ ${bound}`);
  });

  test('a code outside the catalogue is counted as other; a stalled run counts as a watchdog kill', async () => {
    const before = await scrapeParsed(t.url, admin);
    // The watchdog path is driven for real in transcode/watchdog.test.ts; here only what the metrics make of its code.
    t.app.sluice.metrics.jobFinished('failed', 3, 'SLUICE_ERR_MEDIA_TRANSCODE_STALLED');
    t.app.sluice.metrics.jobFinished('failed', 1, `SLUICE_ERR_${hex()}`);
    t.app.sluice.metrics.uploadFailed(hex());
    const after = await scrapeParsed(t.url, admin);
    const moved = (name: string, labels: Record<string, string> = {}): number => value(after, name, labels) - value(before, name, labels);
    assert.equal(moved('sluice_watchdog_kills_total'), 1);
    assert.equal(moved('sluice_job_failures_total', { code: 'SLUICE_ERR_MEDIA_TRANSCODE_STALLED' }), 1);
    assert.equal(moved('sluice_job_failures_total', { code: 'other' }), 1);
    assert.equal(moved('sluice_uploads_failed_total', { code: 'other' }), 1);
    assert.equal(moved('sluice_job_duration_seconds', { result: 'failed' }), 2);
  });

  test('the Grafana dashboard is valid JSON whose queries name only exported metrics', async () => {
    const dashboard = JSON.parse(readFileSync(join(DOCS, 'grafana-dashboard.json'), 'utf8')) as { title: string; panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    assert.ok(dashboard.title);
    const families = await scrapeParsed(t.url, admin);
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      assert.ok(panel.targets.length > 0, panel.title);
      for (const { expr } of panel.targets) {
        for (const m of expr.matchAll(/\bsluice_[a-z0-9_]+/g)) {
          const name = m[0];
          const base = name.replace(/_(bucket|sum|count)$/, '');
          assert.ok(families.has(name) || families.get(base)?.type === 'histogram', `${panel.title}: ${name} is not exported`);
          used.add(families.has(name) ? name : base);
        }
      }
    }
    for (const needed of ['sluice_upload_bytes_total', 'sluice_jobs_queued', 'sluice_job_duration_seconds', 'sluice_rung_realtime_factor', 'sluice_media_requests_total', 'sluice_cache_hits_total', 'sluice_sse_connections', 'sluice_webhook_deliveries_total']) {
      assert.ok(used.has(needed), `the dashboard shows ${needed}`);
    }
  });
});

describe('SLUICE_METRICS_PORT', () => {
  test('a separate listener serves /metrics without a token; the API port still wants an admin token', async () => {
    const app = await startTestApp({ SLUICE_METRICS_PORT: '0' });
    try {
      const listener = metricsListenerUrl(app.app);
      assert.ok(listener, 'the listener is up once the app is ready');
      assert.match(listener, /^http:\/\/127\.0\.0\.1:\d+$/, 'SLUICE_METRICS_HOST defaults to 127.0.0.1');
      assert.notEqual(new URL(listener).port, new URL(app.url).port);
      await (await fetch(`${app.url}/media/${hex()}/a.mp4?exp=1&sig=x`)).arrayBuffer();

      const open = await scrape(`${listener}/metrics`);
      assert.equal(open.status, 200);
      assert.equal(open.contentType, CONTENT_TYPE);
      const families = await parseExposition(open.text);
      assert.equal(value(families, 'sluice_media_requests_total', { status: '403' }), 1, 'the same registry as the app');

      assert.equal((await scrape(`${app.url}/metrics`)).status, 401);
      assert.equal((await scrape(`${app.url}/metrics`, app.token({ aud: 'admin' }))).status, 200);
      const elsewhere = await scrape(`${listener}/api/videos`);
      assert.equal(elsewhere.status, 404);
      assert.equal((JSON.parse(elsewhere.text) as { error: { code: string } }).error.code, 'SLUICE_ERR_REQUEST_NOT_FOUND');
      assert.equal((await fetch(`${listener}/metrics`, { method: 'POST' })).status, 400);
    } finally {
      await app.close();
    }
  });

  test('bad values stop the server with a sentence naming the variable', () => {
    for (const [env, name] of [
      [{ SLUICE_METRICS_PORT: 'nine' }, 'SLUICE_METRICS_PORT'],
      [{ SLUICE_METRICS_PORT: '70000' }, 'SLUICE_METRICS_PORT'],
      [{ PORT: '3000', SLUICE_METRICS_PORT: '3000' }, 'SLUICE_METRICS_PORT'],
      [{ SLUICE_METRICS_PORT: '9464', SLUICE_METRICS_HOST: 'my host' }, 'SLUICE_METRICS_HOST'],
    ] as const) {
      assert.throws(() => loadConfig(env), (err: Error) => err.message.includes(name), JSON.stringify(env));
    }
    const ok = loadConfig({ SLUICE_METRICS_PORT: '9464', SLUICE_METRICS_HOST: '0.0.0.0' });
    assert.equal(ok.metricsPort, 9464);
    assert.equal(ok.metricsHost, '0.0.0.0');
    assert.equal(loadConfig({}).metricsPort, undefined);
  });
});

test('the queue gauges read the queue: an API node that runs no jobs shows an uploaded video as queued', async () => {
  const config = resolveSecret(loadConfig({ SLUICE_DATA_DIR: t.config.dataDir + '-api-only', SLUICE_SEGMENT_SECONDS: '2' }));
  const api = await buildApp({ config, processJobs: false, logger: false });
  try {
    const url = await api.listen({ port: 0, host: '127.0.0.1' });
    const admin = mintToken(api, { aud: 'admin' }, 60).token;
    await tusUpload(`${url}/api/uploads`, join(FIXTURES, 'tiny-2s.mp4'), mintToken(api, { aud: 'upload' }, 60).token);
    const families = await scrapeParsed(url, admin);
    assert.equal(value(families, 'sluice_jobs_queued'), 1);
    assert.equal(value(families, 'sluice_jobs_active'), 0);
    assert.equal(value(families, 'sluice_uploads_completed_total'), 1);
  } finally {
    await api.close();
  }
});

test('sluice worker serves /metrics with the same rules, queue gauges included', async () => {
  const config = resolveSecret(loadConfig({ SLUICE_DATA_DIR: t.config.dataDir + '-worker' }));
  const worker = await buildApp({ config, role: 'worker', logger: false });
  try {
    const url = await worker.listen({ port: 0, host: '127.0.0.1' });
    assert.equal((await scrape(`${url}/metrics`)).status, 401);
    assert.equal((await scrape(`${url}/metrics`, mintToken(worker, { aud: 'playback', sub: '*' }, 60).token)).status, 403);
    const families: Families = await scrapeParsed(url, mintToken(worker, { aud: 'admin' }, 60).token);
    assert.equal(value(families, 'sluice_jobs_queued'), 0);
    assert.equal(value(families, 'sluice_jobs_active'), 0);
    assert.ok(families.has('sluice_job_duration_seconds'));
  } finally {
    await worker.close();
  }
});
