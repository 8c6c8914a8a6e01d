import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planStoryboard, storyboardVtt } from '../../src/transcode/storyboard.js';

describe('storyboard plan', () => {
  it('one thumbnail a second up to 100 s, then an even interval on the 2 s keyframes', () => {
    assert.deepEqual(planStoryboard(10, 1280, 720), { interval: 1, count: 10, columns: 10, rows: 1, tileWidth: 160, tileHeight: 90 });
    assert.deepEqual(planStoryboard(2.5, 320, 240), { interval: 1, count: 3, columns: 3, rows: 1, tileWidth: 160, tileHeight: 120 });
    const long = planStoryboard(300, 640, 360);
    assert.deepEqual(long, { interval: 4, count: 75, columns: 10, rows: 8, tileWidth: 160, tileHeight: 90 });
    const hours = planStoryboard(7200, 360, 640);
    assert.equal(hours.interval % 2, 0);
    assert.ok(hours.count <= 100);
    assert.equal(hours.tileHeight, 284);
  });

  it('writes contiguous cues from 0 to the duration, each a tile inside the grid', () => {
    const plan = planStoryboard(23.4, 1280, 720);
    const vtt = storyboardVtt(plan, 23.4, 'storyboard.jpg');
    const cues = [...vtt.matchAll(/^(\S+) --> (\S+)\nstoryboard\.jpg#xywh=(\d+),(\d+),160,90$/gm)];
    assert.equal(cues.length, 24);
    assert.equal(cues[0]?.[1], '00:00:00.000');
    assert.equal(cues[23]?.[1], '00:00:23.000');
    assert.equal(cues[23]?.[2], '00:00:23.400');
    assert.deepEqual(cues[23]?.slice(3).map(Number), [3 * 160, 2 * 90]);
  });
});
