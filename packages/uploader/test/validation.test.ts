import { expect } from '@open-wc/testing';
import { checkFile, formatBytes, formatDuration, matchesAccept, parseSize } from '../src/validation.js';

describe('validation', () => {
  it('parses sizes exactly like the server reads SLUICE_MAX_UPLOAD (GB decimal, GiB binary)', () => {
    expect(parseSize('20GB')).to.equal(20e9);
    expect(parseSize('8MB')).to.equal(8e6);
    expect(parseSize('8 mib')).to.equal(8 * 1024 ** 2);
    expect(parseSize('20GiB')).to.equal(20 * 1024 ** 3);
    expect(parseSize('1.5G')).to.equal(1.5e9);
    expect(parseSize('512')).to.equal(512);
    expect(parseSize('')).to.equal(null);
    expect(parseSize('lots')).to.equal(null);
    expect(parseSize('-1MB')).to.equal(null);
  });

  it('matches accept like <input type=file>', () => {
    const mov = { name: 'Trip.MOV', type: 'video/quicktime' };
    expect(matchesAccept(mov, 'video/*')).to.equal(true);
    expect(matchesAccept(mov, '.mov')).to.equal(true);
    expect(matchesAccept(mov, 'video/mp4, .mkv')).to.equal(false);
    expect(matchesAccept({ name: 'a.txt', type: 'text/plain' }, 'video/*')).to.equal(false);
    expect(matchesAccept({ name: 'a.bin', type: '' }, '')).to.equal(true);
  });

  it('explains refusals with the file name and the limit', () => {
    const file = new File([new Uint8Array(3000)], 'clip.mp4', { type: 'video/mp4' });
    expect(checkFile(file, 'video/*', 2048)).to.deep.include({ code: 'SLUICE_ERR_UPLOAD_TOO_LARGE', retriable: false });
    expect(checkFile(file, 'video/*', 2048)?.message).to.equal('“clip.mp4” is 3.0 KB; the largest file allowed is 2.0 KB.');
    expect(checkFile(file, 'image/*', null)?.code).to.equal('SLUICE_ERR_UPLOAD_TYPE_NOT_ACCEPTED');
    expect(checkFile(file, 'video/*', 4096)).to.equal(null);
  });

  it('formats bytes and durations for people', () => {
    expect(formatBytes(512)).to.equal('512 B');
    expect(formatBytes(1536)).to.equal('1.5 KB');
    expect(formatBytes(25e6)).to.equal('25 MB');
    expect(formatBytes(20e9)).to.equal('20 GB');
    expect(formatDuration(12.4)).to.equal('12 s');
    expect(formatDuration(249)).to.equal('4:09');
    expect(formatDuration(3903)).to.equal('1:05:03');
  });
});
