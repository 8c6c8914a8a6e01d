import { expect } from '@open-wc/testing';
import { captionItems, isCaptionFile, langFromName, MAX_CAPTION_BYTES, pairCaptions } from '../src/caption-files.js';

const file = (name: string, size = 10): File => new File([new Uint8Array(size)], name);

describe('caption files', () => {
  it('reads the language from the file name (BCP 47, canonical case), else none', () => {
    expect(langFromName('film.en.srt')).to.equal('en');
    expect(langFromName('film.pt-br.vtt')).to.equal('pt-BR');
    expect(langFromName('film.zh-Hant.vtt')).to.equal('zh-Hant');
    expect(langFromName('film.srt')).to.equal(null);
    expect(langFromName('film.final.srt')).to.equal(null);
    expect(langFromName('en.srt')).to.equal(null);
    expect(isCaptionFile(file('a.VTT'))).to.equal(true);
    expect(isCaptionFile(file('a.mp4'))).to.equal(false);
  });

  it('one video takes every caption; several: by shared base name; unmatched or too large → refused with a code', () => {
    const one = pairCaptions([file('clip.mp4')], [file('whatever.en.vtt'), file('other.srt')]);
    expect(one.pairs.get([...one.pairs.keys()][0]!)!.map((f) => f.name)).to.deep.equal(['whatever.en.vtt', 'other.srt']);
    expect(one.refused).to.deep.equal([]);
    const a = file('a.mp4'), b = file('b.mov');
    const two = pairCaptions([a, b], [file('b.fr.srt'), file('a.vtt'), file('c.en.vtt'), file('a.de.vtt', MAX_CAPTION_BYTES + 1)]);
    expect(two.pairs.get(a)!.map((f) => f.name)).to.deep.equal(['a.vtt']);
    expect(two.pairs.get(b)!.map((f) => f.name)).to.deep.equal(['b.fr.srt']);
    expect(two.refused.map((r) => [r.file.name, r.error.code])).to.deep.equal([
      ['c.en.vtt', 'SLUICE_ERR_UPLOAD_CAPTION_UNMATCHED'], ['a.de.vtt', 'SLUICE_ERR_UPLOAD_CAPTION_TOO_LARGE'],
    ]);
    expect(pairCaptions([], [file('x.en.vtt')]).refused[0]!.error.code).to.equal('SLUICE_ERR_UPLOAD_CAPTION_UNMATCHED');
    expect(captionItems([file('x.en.vtt'), file('x.srt')], 'fr').map((c) => c.lang)).to.deep.equal(['en', 'fr']);
  });
});
