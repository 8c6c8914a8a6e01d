// Child process run by support/s3rver.ts: s3rver 3.7.1 on 127.0.0.1, port 0,
// silent, in the folder given as argv[2]; prints {"port":N} once listening,
// and exits when its stdin closes, so it cannot outlive the test process.
//
// Run with --openssl-legacy-provider: s3rver encrypts ListObjectsV2
// continuation tokens with DES, which OpenSSL 3 only has in its legacy
// provider (without it any truncated listing is a 500 InternalError).
//
// s3rver does not implement ListParts (GET ?uploadId=), which @tus/s3-store
// calls on every PATCH and HEAD. The middleware below answers it from the part
// files s3rver itself wrote (<dir>/<bucket>/._S3rver_uploads/<uploadId>/<n> +
// <n>.md5), and NoSuchUpload once CompleteMultipartUpload removed them. That
// one answer is ours, not the emulator's; every other request is s3rver's.
import { readFile, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const S3rver = createRequire(import.meta.url)('s3rver');
const directory = process.argv[2];
const xml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

async function listParts(bucket, key, uploadId) {
  const dir = join(directory, bucket, '._S3rver_uploads', uploadId);
  const names = await readdir(dir).catch(() => undefined);
  if (!names) return { status: 404, body: `${HEAD}<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${uploadId}</UploadId></Error>` };
  // A part counts once s3rver has written its .md5, i.e. once its UploadPart answered.
  const numbers = names.filter((n) => /^\d+\.md5$/.test(n)).map((n) => Number.parseInt(n, 10)).sort((a, b) => a - b);
  const parts = await Promise.all(numbers.map(async (n) => {
    const [info, md5] = await Promise.all([stat(join(dir, String(n))), readFile(join(dir, `${n}.md5`), 'utf8')]);
    return `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${info.size}</Size></Part>`;
  }));
  return {
    status: 200,
    body: `${HEAD}<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><UploadId>${uploadId}</UploadId>`
      + `<PartNumberMarker>0</PartNumberMarker><MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`,
  };
}

const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, vhostBuckets: false });
// Ahead of s3rver's own middleware (Koa composes the array when the server starts).
server.middleware.unshift(async (ctx, next) => {
  const uploadId = ctx.query.uploadId;
  const m = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
  if (ctx.method !== 'GET' || typeof uploadId !== 'string' || !/^[a-f0-9]+$/.test(uploadId) || !m) return next();
  const answer = await listParts(decodeURIComponent(m[1]), decodeURIComponent(m[2]), uploadId);
  ctx.status = answer.status;
  ctx.type = 'application/xml';
  ctx.body = answer.body;
});
// The parent holds our stdin: when it goes (even by SIGKILL), so do we.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
const address = await server.run();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
