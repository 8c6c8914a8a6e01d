/**
 * GCS V4 signing, checked against Google's published conformance vectors
 * (support/gcs-vectors.ts says where they live; without them this test fails
 * saying so). Every vector is signed through signGcsUrl, the function
 * presignRead uses, with the dummy key and the clock frozen at the vector's
 * timestamp, and compared with its expectedUrl.
 *
 * Exactly: with @google-cloud/storage 7, all but two URLs match character for
 * character. The two in SAME_URL_OTHER_FORM carry the identical signature and
 * differ only in form (query-parameter order; an explicit :443 in the host);
 * those are compared as parsed URLs: same origin (default port ignored), same
 * path, same set of query parameters, signature included.
 */
import { afterEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGcs, signGcsUrl, type GcsSignRequest } from '../../src/storage/gcs.js';
import { loadDummyServiceAccount, loadSigningVectors, type SigningVector } from './support/gcs-vectors.js';

const SAME_URL_OTHER_FORM = new Set(['Query Parameter Ordering', 'Simple GET with endpoint on client']);
const ACTIONS: Record<string, GcsSignRequest['action']> = { GET: 'read', PUT: 'write', DELETE: 'delete', POST: 'resumable' };

function sameUrl(actual: string, expected: string): void {
  const a = new URL(actual);
  const e = new URL(expected);
  assert.equal(a.origin, e.origin, 'origin (URL drops a default port)');
  assert.equal(a.pathname, e.pathname);
  const params = (u: URL): string[] => [...u.searchParams.entries()].map(([k, v]) => `${k}=${v}`).sort();
  assert.deepEqual(params(a), params(e));
}

async function sign(v: SigningVector): Promise<string> {
  const gcs = await loadGcs();
  const { client_email, private_key } = loadDummyServiceAccount();
  const scheme = v.scheme ?? 'https';
  const emulator = process.env.STORAGE_EMULATOR_HOST;
  if (v.emulatorHostname) process.env.STORAGE_EMULATOR_HOST = v.emulatorHostname;
  let client;
  try {
    client = new gcs.Storage({
      credentials: { client_email, private_key },
      ...(v.clientEndpoint ? { apiEndpoint: v.clientEndpoint } : {}),
      ...(v.universeDomain ? { universeDomain: v.universeDomain } : {}),
    });
  } finally {
    if (emulator === undefined) delete process.env.STORAGE_EMULATOR_HOST;
    else process.env.STORAGE_EMULATOR_HOST = emulator;
  }
  const bucket = client.bucket(v.bucket);
  const now = Date.parse(v.timestamp);
  mock.timers.enable({ apis: ['Date'], now });
  const request: GcsSignRequest = {
    action: v.object === undefined ? 'list' : ACTIONS[v.method]!,
    expires: now + v.expiration * 1000,
    ...(v.headers ? { extensionHeaders: v.headers } : {}),
    ...(v.queryParameters ? { queryParams: v.queryParameters } : {}),
    ...(v.urlStyle === 'VIRTUAL_HOSTED_STYLE' ? { virtualHostedStyle: true } : {}),
    ...(v.urlStyle === 'BUCKET_BOUND_HOSTNAME' ? { cname: `${scheme}://${v.bucketBoundHostname}` } : {}),
    ...(v.hostname ? { host: `${scheme}://${v.hostname}` } : {}),
  };
  return signGcsUrl(v.object === undefined ? bucket : bucket.file(v.object), request);
}

describe('GCS V4 signing: Google conformance vectors', () => {
  afterEach(() => mock.timers.reset());
  const vectors = (() => {
    try {
      return loadSigningVectors();
    } catch (err) {
      // No vectors: one failing test that says so, instead of zero tests.
      test('the conformance vectors are present', () => { throw err; });
      return [];
    }
  })();
  const exact: string[] = [];
  const sameForm: string[] = [];

  for (const v of vectors) {
    test(`${v.description} (${v.method})`, async () => {
      const url = await sign(v);
      if (SAME_URL_OTHER_FORM.has(v.description)) {
        assert.notEqual(url, v.expectedUrl, 'now matches exactly: move it out of SAME_URL_OTHER_FORM');
        sameUrl(url, v.expectedUrl);
        sameForm.push(v.description);
      } else {
        assert.equal(url, v.expectedUrl);
        exact.push(v.description);
      }
    });
  }

  test('every vector ran', (t) => {
    assert.ok(vectors.length >= 29, `only ${vectors.length} vectors`);
    t.diagnostic(`${vectors.length} vectors: ${exact.length} exact, ${sameForm.length} same URL in another form (${[...sameForm].join('; ')})`);
    assert.equal(exact.length + sameForm.length, vectors.length);
  });
});
