/**
 * `pnpm bench storage-direct`: media bytes through the Sluice server while a
 * video plays from a bucket (s3rver on loopback), `direct` delivery vs the
 * reference measured in the same run, `proxy` delivery of the same clip.
 * Aim: 0 media bytes through the server in direct mode.
 * Options: --seconds 20 (of playback per run)
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig } from '../packages/server/src/storage/s3.js';
import { startS3rver, s3rverBucket } from '../packages/server/test/storage/support/s3rver.js';
import { tusUpload } from '../packages/server/test/support/tus.js';
import { waitSettled } from '../packages/server/test/support/api.js';
import { FIXTURES } from '../packages/server/test/support/test-app.js';
import { startSluice } from '../test/support/sluice-server.mjs';
import { launchChromium, serveStatic } from './support/browser.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' } } });
const seconds = Number(values.seconds);
const require = createRequire(import.meta.url);
const PAGE = `<!doctype html><video id="v" muted playsinline></video><script src="/hls.js"></script><script>
window.play = (src) => new Promise((resolve, reject) => {
  const v = document.getElementById('v');
  const hls = new Hls({ startPosition: 0 });
  hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) reject(new Error(d.details)); });
  hls.loadSource(src); hls.attachMedia(v);
  v.play().then(resolve, reject);
});
</script>`;

async function main(): Promise<void> {
  const s3 = await startS3rver();
  const { origin, server: page } = await serveStatic({ '/': { html: PAGE }, '/hls.js': { file: require.resolve('hls.js/dist/hls.min.js') } });
  const browser = await launchChromium();
  const rows: Array<{ mode: string; server: number; bucket: number }> = [];
  try {
    for (const mode of ['direct', 'proxy'] as const) {
      const bucket = await s3rverBucket(s3);
      const client = new S3Client(s3ClientConfig(bucket));
      await client.send(new PutBucketCorsCommand({ Bucket: bucket.bucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ['GET', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['Content-Range', 'Content-Length', 'ETag'] }] } }));
      client.destroy();
      const sluice = await startSluice({ env: {
        SLUICE_STORAGE: 's3', SLUICE_S3_BUCKET: bucket.bucket, SLUICE_S3_ENDPOINT: s3.endpoint, SLUICE_S3_FORCE_PATH_STYLE: 'on', SLUICE_DELIVERY: mode,
        SLUICE_CORS_ORIGINS: origin, SLUICE_SEGMENT_SECONDS: '2', AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey, LOG_LEVEL: 'warn',
      } });
      try {
        const mint = async (body: object) => ((await (await fetch(`${sluice.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string }).token;
        const { videoId, videoToken } = await tusUpload(`${sluice.url}/api/uploads`, join(FIXTURES, 'clip-1080p-30s.mp4'), await mint({ aud: 'upload' }));
        const doc = await waitSettled(sluice.url, videoId, videoToken, 600_000);
        if (doc.status !== 'ready') throw new Error(`processing failed: ${JSON.stringify(doc.error)}`);
        const tab = await browser.newPage();
        let bucketBytes = 0;
        tab.on('response', (r) => { if (r.url().startsWith(s3.endpoint)) void r.body().then((b) => { bucketBytes += b.length; }, () => undefined); });
        await tab.goto(origin);
        await tab.evaluate((src) => (window as unknown as { play(s: string): Promise<void> }).play(src), doc.hls!);
        await tab.waitForTimeout(seconds * 1000);
        await tab.close();
        const jobs = (await (await fetch(`${sluice.url}/api/admin/jobs?token=${await mint({ aud: 'admin' })}`)).json()) as { storage: { proxiedBytes: number } };
        rows.push({ mode, server: jobs.storage.proxiedBytes, bucket: bucketBytes });
      } finally {
        await sluice.stop();
      }
    }
  } finally {
    await browser.close();
    page.close();
    await s3.stop();
  }
  const mb = (b: number): string => `${(b / 1e6).toFixed(2)} MB`;
  for (const r of rows) process.stdout.write(`${r.mode.padEnd(6)} ${seconds} s of playback: media through the server ${mb(r.server)}, straight from the bucket ${mb(r.bucket)}\n`);
  const [direct, proxy] = rows;
  process.stdout.write(`ratio direct/proxy server media bytes: ${(direct!.server / Math.max(1, proxy!.server)).toFixed(3)} (aim 0: the server moves no media bytes in direct mode)\n`);
}

await main();
