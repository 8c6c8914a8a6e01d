import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createUrlSigner, type SigningMode } from '../../src/signing/url-signer.js';

const SECRET = 'test-secret-0123456789';
const PATH = '/media/abc123/hls/720p/segment_00001.m4s';
const NOW = 1_800_000_000;

function parse(query: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(query));
}

test('hmac: exp=<unix>&sig=<base64url HMAC-SHA256(secret, exp + path)>', () => {
  const q = parse(createUrlSigner({ mode: 'hmac', secret: SECRET }).sign(PATH, NOW + 60));
  assert.deepEqual(Object.keys(q), ['exp', 'sig']);
  assert.equal(q.exp, String(NOW + 60));
  assert.equal(q.sig, crypto.createHmac('sha256', SECRET).update(`${NOW + 60}${PATH}`).digest('base64url'));
});

test('nginx: md5=<base64url md5(expires + uri + " " + secret)>&expires=<unix>', () => {
  const q = parse(createUrlSigner({ mode: 'nginx', secret: SECRET }).sign(PATH, NOW + 60));
  assert.deepEqual(Object.keys(q), ['md5', 'expires']);
  assert.equal(q.expires, String(NOW + 60));
  assert.equal(q.md5, crypto.createHash('md5').update(`${NOW + 60}${PATH} ${SECRET}`).digest('base64url'));
});

for (const mode of ['hmac', 'nginx'] as SigningMode[]) {
  const signer = createUrlSigner({ mode, secret: SECRET });
  const [expKey, sigKey] = mode === 'hmac' ? ['exp', 'sig'] : ['expires', 'md5'];
  const good = parse(signer.sign(PATH, NOW + 60));
  const goodExpired = parse(signer.sign(PATH, NOW - 1));
  const sig = good[sigKey]!;
  const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

  test(`${mode}: a fresh signature is valid, up to and including its expiry second`, () => {
    assert.equal(signer.verify(PATH, good, NOW), 'valid');
    assert.equal(signer.verify(PATH, good, NOW + 60), 'valid');
    assert.equal(signer.verify(PATH, good, NOW + 61), 'expired');
  });

  test(`${mode}: good but expired → expired; bad and expired → invalid`, () => {
    assert.equal(signer.verify(PATH, goodExpired, NOW), 'expired');
    assert.equal(signer.verify(PATH, { ...goodExpired, [sigKey]: flip(goodExpired[sigKey]!, 3) }, NOW), 'invalid');
    assert.equal(signer.verify(PATH, { [expKey]: String(NOW - 1) }, NOW), 'invalid');
  });

  test(`${mode}: forged, truncated, lengthened, non-base64 and missing signatures are invalid`, () => {
    const forgedQueries: Array<Record<string, unknown>> = [
      { ...good, [sigKey]: flip(sig, 0) },
      { ...good, [sigKey]: flip(sig, sig.length - 2) },
      { ...good, [sigKey]: sig.slice(0, -1) },
      { ...good, [sigKey]: sig.slice(0, 8) },
      { ...good, [sigKey]: `${sig}A` },
      { ...good, [sigKey]: `${sig}AAAA` },
      { ...good, [sigKey]: `${sig.slice(0, -2)}!!` },
      { ...good, [sigKey]: Buffer.from(sig, 'base64url').toString('base64').replace(/=+$/, '') + '+/' },
      { ...good, [sigKey]: '' },
      { ...good, [sigKey]: [sig, sig] },
      { [expKey]: good[expKey] },
      {},
      // the signature of another secret, another path, another expiry
      parse(createUrlSigner({ mode, secret: `${SECRET}x` }).sign(PATH, NOW + 60)),
      { ...parse(signer.sign('/media/abc123/other.m4s', NOW + 60)) },
      { ...good, [expKey]: String(NOW + 61) },
      { ...good, [expKey]: `${good[expKey]}0` },
    ];
    for (const q of forgedQueries) assert.equal(signer.verify(PATH, q, NOW), 'invalid', JSON.stringify(q));
    assert.equal(signer.verify(`${PATH}x`, good, NOW), 'invalid');
  });

  test(`${mode}: malformed expiries are invalid (nginx: digits only, > 0)`, () => {
    for (const exp of ['', 'abc', '-5', '0', ' 1', '1e10', '0x10', '99999999999999999999']) {
      const q = { ...good, [expKey]: exp };
      assert.equal(signer.verify(PATH, q, NOW), 'invalid', exp);
    }
  });

  test(`${mode}: verify compares with crypto.timingSafeEqual on equal-length buffers, whatever the input`, (t) => {
    const spy = t.mock.method(crypto, 'timingSafeEqual');
    const inputs: Array<Record<string, unknown>> = [good, goodExpired, { ...good, [sigKey]: flip(sig, 0) }, { ...good, [sigKey]: 'short' }, {}, { ...good, [expKey]: 'x' }];
    for (const q of inputs) signer.verify(PATH, q, NOW);
    assert.equal(spy.mock.callCount(), inputs.length, 'one constant-time comparison per verify, even for malformed input');
    for (const call of spy.mock.calls) {
      const [a, b] = call.arguments as [Buffer, Buffer];
      assert.equal(a.length, b.length);
      assert.equal(a.length, mode === 'hmac' ? 32 : 16);
    }
  });
}

test('nginx mode accepts the padded base64url form nginx accepts', () => {
  const signer = createUrlSigner({ mode: 'nginx', secret: SECRET });
  const q = parse(signer.sign(PATH, NOW + 60));
  assert.equal(signer.verify(PATH, { ...q, md5: `${q.md5}==` }, NOW), 'valid');
});

test('createUrlSigner refuses an unknown mode, an empty secret and a bad expiry', () => {
  assert.throws(() => createUrlSigner({ mode: 'rsa' as SigningMode, secret: SECRET }), /unknown signing mode/);
  assert.throws(() => createUrlSigner({ mode: 'hmac', secret: '' }), /non-empty/);
  assert.throws(() => createUrlSigner({ mode: 'hmac', secret: SECRET }).sign(PATH, 1.5), /positive integer/);
});
