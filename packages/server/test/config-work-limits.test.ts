import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, parsePixelRate } from '../src/config.js';

test('work limits default to 12 h and 3840x2160 at 60 fps', () => {
  const c = loadConfig({});
  assert.equal(c.maxDurationSeconds, 12 * 3600);
  assert.equal(c.maxPixelRate, 3840 * 2160 * 60);
});

test('SLUICE_MAX_DURATION takes a duration; SLUICE_MAX_PIXEL_RATE a WxH@fps or a number', () => {
  assert.equal(loadConfig({ SLUICE_MAX_DURATION: '10m' }).maxDurationSeconds, 600);
  assert.equal(loadConfig({ SLUICE_MAX_PIXEL_RATE: '1920x1080@30' }).maxPixelRate, 1920 * 1080 * 30);
  assert.equal(parsePixelRate('1280x720x25'), 1280 * 720 * 25);
  assert.equal(parsePixelRate('62208000'), 62208000);
  assert.equal(parsePixelRate('fast'), undefined);
});

test('a bad limit stops the server with a sentence naming the variable', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ SLUICE_MAX_DURATION: 'long' }, /SLUICE_MAX_DURATION="long" is invalid: expected a duration of at least 1s/],
    [{ SLUICE_MAX_DURATION: '0' }, /SLUICE_MAX_DURATION="0" is invalid/],
    [{ SLUICE_MAX_PIXEL_RATE: '4k' }, /SLUICE_MAX_PIXEL_RATE="4k" is invalid: expected width x height @ frames per second, like 3840x2160@60/],
    [{ SLUICE_MAX_PIXEL_RATE: '0' }, /SLUICE_MAX_PIXEL_RATE="0" is invalid/],
  ];
  for (const [env, re] of cases) {
    assert.throws(() => loadConfig(env), (e: Error & { code?: string }) => e.code === 'SLUICE_ERR_CONFIG_INVALID' && re.test(e.message));
  }
});
