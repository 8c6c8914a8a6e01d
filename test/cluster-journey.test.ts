// Scale-out journey: nginx (round-robin) in front of 2 API nodes
// (`sluice start`, SLUICE_PROCESS_JOBS=off) and 2 `sluice worker`s, on
// PostgreSQL + s3rver, with BullMQ on PostgreSQL and then on Redis. Six videos
// go up through nginx with tus-js-client; the API node carrying a PATCH is
// SIGKILLed mid-body and the worker running a transcode is SIGKILLed past
// 20 %. Every video still ends `ready` with its original byte for byte, one
// consistent rendition in the bucket, `ready` seen over SSE through nginx,
// and the video plays in Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StatusDocument } from '../packages/protocol/src/status-document.js';
import { startCluster, type Cluster, type ClusterEngine, type ClusterNode } from './support/cluster.js';
import { checkRenditions, objectBytes, sha256 } from './support/cluster-checks.js';
import { clusterUpload, followEvents, PatchGate, type ClusterUpload, type FollowResult } from './support/cluster-client.js';
import { apiConnections, ffmpegOf, nodeCarryingRequest, workerRunning } from './support/cluster-kill.js';
import { launchChromium } from './support/demo-browser.js';
import { groupMembers } from './support/proc.js';

const run = promisify(execFile);

interface Clip { name: string; file: string; seconds: number }

/** Short synthetic clips, each a different picture (so their originals differ), small enough for 2 cores. */
async function makeClips(dir: string): Promise<Clip[]> {
  const specs = [
    // 0: the upload whose API node dies mid-PATCH (several 256 KiB chunks).
    { source: 'testsrc2=size=640x360:rate=25', seconds: 4, bitrate: '3M' },
    // 1: the transcode whose worker dies past 20 % (long enough to catch it there).
    { source: 'testsrc=size=854x480:rate=25', seconds: 16, bitrate: '1M' },
    { source: 'smptebars=size=640x360:rate=25', seconds: 3, bitrate: '1M' },
    { source: 'rgbtestsrc=size=640x360:rate=25', seconds: 3, bitrate: '1M' },
    { source: 'mandelbrot=size=640x360:rate=25', seconds: 3, bitrate: '1M' },
    { source: 'testsrc2=size=480x270:rate=30', seconds: 3, bitrate: '1M' },
  ];
  return Promise.all(specs.map(async (s, i) => {
    const file = join(dir, `clip-${i}.mp4`);
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', s.source, '-f', 'lavfi', '-i', `sine=frequency=${300 + 100 * i}`, '-t', String(s.seconds),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', s.bitrate, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file]);
    return { name: `clip-${i}.mp4`, file, seconds: s.seconds };
  }));
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms: number, every = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

async function status(cluster: Cluster, id: string, token: string): Promise<StatusDocument> {
  const res = await fetch(`${cluster.url}/api/videos/${id}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`status of ${id} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as StatusDocument;
}

for (const engine of ['postgres', 'redis'] as const satisfies readonly ClusterEngine[]) {
  describe(`cluster journey, BullMQ on ${engine === 'postgres' ? 'PostgreSQL' : 'Redis'}`, () => {
    let cluster: Cluster;
    let clips: Clip[];
    let clipDir: string;
    let uploadToken: string;
    let admin: string;
    const uploads: ClusterUpload[] = [];
    const follows: Array<Promise<FollowResult>> = [];
    const stopFollowing = new AbortController();
    let killedWorkerAt = 0;
    let killedWorker: ClusterNode | undefined;

    const follow = (id: string, token: string): void => {
      const p = followEvents(cluster.url, id, token, stopFollowing.signal);
      p.catch(() => undefined);
      follows.push(p);
    };
    const explain = (e: unknown): never => {
      console.error(`${cluster.logs()}\n----- nginx -----\n${cluster.lb.nginx.log().slice(-3000)}`);
      throw e;
    };

    before(async () => {
      const t0 = Date.now();
      clipDir = mkdtempSync(join(tmpdir(), 'sluice-cluster-clips-'));
      const making = makeClips(clipDir);
      making.catch(() => undefined); // awaited below, once the cluster is held for after() to stop
      cluster = await startCluster({ engine, apis: 2, workers: 2 });
      clips = await making;
      // One token through the CLI (as an operator would), the other minted here with the secret.
      uploadToken = await cluster.token('upload');
      admin = cluster.mint('admin');
      console.log(`# ${engine}: PostgreSQL${cluster.redis ? ' + Redis' : ''}, s3rver, nginx, migrate, 2 API nodes and 2 workers up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });
    after(async () => {
      stopFollowing.abort();
      await cluster?.stop();
      rmSync(clipDir, { recursive: true, force: true });
    });

    test('an upload survives the death of the API node carrying its PATCH', { timeout: 120_000 }, async () => {
      const gate = new PatchGate();
      const before = apiConnections(cluster);
      const held = gate.arm();
      const done = clusterUpload(`${cluster.url}/api/uploads`, readFileSync(clips[0]!.file), clips[0]!.name, uploadToken, { chunkSize: 256 * 1024, delayMs: 10, gate });
      done.catch(() => undefined);
      try {
        const offset = await held;
        const victim = nodeCarryingRequest(cluster, before);
        await victim.crash();
        const killedAt = Date.now();
        gate.release();
        const up = await done;
        uploads.push(up);
        follow(up.videoId, up.videoToken);
        console.log(`# PATCH at offset ${offset} held on ${victim.name}, which was SIGKILLed; client retries: ${up.retries.join(', ')}; upload complete ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
        assert.ok(up.retries.length > 0, 'the client saw the dead node and retried');
        const onDead = cluster.lb.accessLog().filter((l) => l.upstreams.includes(`127.0.0.1:${victim.port}`) && l.method === 'PATCH' && l.status === 502);
        assert.ok(onDead.length >= 1, 'nginx answered the PATCH held on the killed node with 502');
        // Back to two API nodes for the rest of the journey (same port: nginx's upstream list is fixed).
        await cluster.startNode('api', victim.port);
      } catch (e) { explain(e); }
    });

    test('five more uploads go through both API nodes while transcodes run', { timeout: 120_000 }, async () => {
      try {
        const send = (c: Clip): Promise<ClusterUpload> => clusterUpload(`${cluster.url}/api/uploads`, readFileSync(c.file), c.name, uploadToken, {
          chunkSize: 512 * 1024, delayMs: 1, onCreated: (id, token) => follow(id, token),
        });
        // The long clip first, so that a worker takes it at once.
        uploads.push(await send(clips[1]!));
        uploads.push(...await Promise.all(clips.slice(2).map(send)));
        const served = new Set(cluster.lb.accessLog().filter((l) => l.status < 300 && (l.method === 'PATCH' || l.method === 'POST')).flatMap((l) => l.upstreams));
        assert.ok(cluster.apis().every((n) => served.has(`127.0.0.1:${n.port}`)), `uploads reached every API node: ${[...served].join(' ')}`);
      } catch (e) { explain(e); }
    });

    test('a transcode survives the death of its worker past 20 %; its ffmpeg dies with it', { timeout: 120_000 }, async () => {
      const id = uploads[1]!.videoId;
      try {
        await waitFor('video 1 processing past 20 %', async () => {
          const doc = await status(cluster, id, admin);
          assert.notEqual(doc.status, 'ready', 'the transcode finished before the worker could be killed: use a longer clip');
          return doc.status === 'processing' && (doc.progress ?? 0) > 0.2 ? doc : undefined;
        }, 90_000, 50);
        const worker = await waitFor('the worker running video 1', () => workerRunning(cluster, id), 10_000);
        const ffmpeg = ffmpegOf(worker, id);
        killedWorkerAt = Date.now();
        killedWorker = worker;
        await worker.crash();
        // Nothing else kills the group: ffmpeg has to go on its own (parent-death signal).
        await waitFor(`the ffmpeg of ${worker.name} (${ffmpeg.join(', ')}) to die with it`, () => (groupMembers(worker.pid).length === 0 ? true : undefined), 15_000);
        console.log(`# ${worker.name} SIGKILLed while running ${id} (ffmpeg ${ffmpeg.join(', ') || 'not seen'}); its process group is empty`);
      } catch (e) { explain(e); }
    });

    test('SSE streams survive the death of the API node holding them', { timeout: 60_000 }, async () => {
      try {
        // Every follower not yet done holds a stream through nginx to one API node (no other request is in flight now).
        const open = apiConnections(cluster);
        const [victim, streams] = [...open].sort((a, b) => b[1] - a[1])[0]!;
        assert.ok(streams > 0, `an API node holds SSE streams: ${[...open].map(([n, c]) => `${n.name}=${c}`).join(' ')}`);
        await victim.crash();
        await cluster.startNode('api', victim.port);
        console.log(`# ${victim.name} SIGKILLed while holding ${streams} SSE stream(s), then started again`);
      } catch (e) { explain(e); }
    });

    test('every video ends ready, seen over SSE through nginx; originals byte-identical; one consistent rendition each', { timeout: 180_000 }, async () => {
      try {
        assert.equal(uploads.length, 6);
        const settled = await Promise.race([
          Promise.all(follows),
          new Promise<never>((_r, reject) => setTimeout(() => reject(new Error('SSE followers did not all see ready/failed within 170 s')), 170_000).unref()),
        ]);
        for (const [i, f] of settled.entries()) {
          assert.equal(f.final.status, 'ready', `video ${i} (${f.final.id}): ${JSON.stringify(f.final.error)}`);
        }
        const seen = settled[1]!.events;
        const lastBefore = seen.filter((e) => e.at < killedWorkerAt).at(-1);
        const restart = seen.find((e) => e.at > killedWorkerAt && e.status === 'processing' && e.progress < (lastBefore?.progress ?? 0));
        console.log(`# video 1: progress ${lastBefore?.progress.toFixed(2)} when its worker died; taken over (progress back to ${restart?.progress.toFixed(2)}) after ${restart ? ((restart.at - killedWorkerAt) / 1000).toFixed(1) : '?'} s; ready after ${((seen.at(-1)!.at - killedWorkerAt) / 1000).toFixed(1)} s`);
        console.log(`# SSE: ${settled.map((f, i) => `video ${i}: ${f.statuses.join('→')} over ${f.connections} connection(s)`).join('; ')}`);
        assert.ok(settled.some((f) => f.connections > 1), 'some follower lost its stream with the killed API node and reconnected');
        for (const [i, up] of uploads.entries()) {
          const doc = await status(cluster, up.videoId, up.videoToken);
          assert.equal(doc.status, 'ready');
          const original = await objectBytes(cluster.storage, `uploads/${up.videoId}`);
          assert.equal(sha256(original), sha256(readFileSync(clips[i]!.file)), `original of video ${i} is byte-identical`);
          const report = await checkRenditions(cluster.storage, doc);
          assert.deepEqual(report.missing, [], `video ${i}: every listed segment is in the bucket`);
          assert.deepEqual(report.stray, [], `video ${i}: no segment object outside the playlists`);
          assert.ok(report.variants.length >= 1);
          for (const v of report.variants) {
            assert.ok(Math.abs(v.extinfSeconds - clips[i]!.seconds) < 0.5, `video ${i} ${v.playlist}: EXTINF sum ${v.extinfSeconds} s for a ${clips[i]!.seconds} s clip`);
            assert.ok(Math.abs(v.decodedSeconds - clips[i]!.seconds) < 0.5, `video ${i} ${v.playlist}: init + segments decode to ${v.decodedSeconds} s`);
          }
          if (i === 1) {
            // The dead worker's partial output was cleared: every HLS object of
            // this video was written by the worker that took the job over.
            const early = report.objects.filter((o) => o.key.includes('/hls/') && o.lastModified.getTime() < killedWorkerAt - 1000);
            assert.deepEqual(early.map((o) => o.key), [], 'no HLS object predates the takeover');
          }
        }
        // The killed worker stayed dead: its job was finished by the other one.
        assert.ok(killedWorker?.gone());
        assert.equal(cluster.workers().filter((w) => !w.gone()).length, 1);
        const jobs = (await (await fetch(`${cluster.url}/api/admin/jobs`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { running?: number };
        console.log(`# /api/admin/jobs: ${JSON.stringify(jobs)}`);
        assert.equal(jobs.running ?? 0, 0, 'nothing left running');
      } catch (e) { explain(e); }
    });

    test('the rescued video plays in Chromium through nginx', { timeout: 90_000 }, async () => {
      const doc = await status(cluster, uploads[1]!.videoId, uploads[1]!.videoToken);
      const browser = await launchChromium();
      try {
        const tab = await browser.newPage();
        await tab.goto(`${cluster.url}/cluster-static/play.html`);
        const started = await tab.evaluate(`window.play(${JSON.stringify(doc.hls)})`);
        assert.equal(started, 'playing');
        await tab.waitForFunction(`document.getElementById('v').currentTime >= 2`, undefined, { timeout: 60_000, polling: 100 });
        assert.deepEqual(await tab.evaluate(`window.journal.errors`), []);
      } finally {
        await browser.close();
      }
    });
  });
}
