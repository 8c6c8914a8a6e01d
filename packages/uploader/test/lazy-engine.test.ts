/**
 * tus-js-client and the upload engine are a chunk of their own: the page
 * does not fetch them until a file starts, and everything decided before
 * that (accept, max-size, the form's validity) works without them. Each test
 * file runs in a fresh page, so nothing here was fetched by another test.
 */
import { expect } from '@open-wc/testing';
import { clipFile, mount, nextEvent, uploadToken } from './helpers.js';

// Module requests show up as resource timing entries; keep them all.
performance.setResourceTimingBufferSize(10_000);
const fetched = (part: string): boolean => performance.getEntriesByType('resource').some((e) => e.name.includes(part));

describe('<chunked-uploader> lazy engine', () => {
  it('refuses files and sets validity without the engine, then fetches it when the first file starts', async () => {
    const el = await mount({ token: await uploadToken(), extra: { accept: 'video/*', maxSize: '1KB', required: true } });
    expect(fetched('/upload-engine'), 'engine fetched with the page').to.equal(false);
    expect(fetched('tus-js-client'), 'tus-js-client fetched with the page').to.equal(false);
    expect(el.validity.valueMissing).to.equal(true);

    el.addFiles([await clipFile('too-big')]);
    await el.updateComplete;
    expect(el.validity.rangeOverflow, 'max-size="1KB" refuses the clip').to.equal(true);
    expect(el.validationMessage).to.contain('1.0 KB');
    el.addFiles([new File(['x'], 'notes.txt', { type: 'text/plain' })]);
    await el.updateComplete;
    expect(el.validity.typeMismatch).to.equal(true);
    expect(fetched('/upload-engine'), 'a refusal needs no engine').to.equal(false);

    el.maxSize = '';
    const started = nextEvent(el, 'upload-start');
    const [item] = el.addFiles([await clipFile('lazy')]);
    // It holds its queue slot while the chunk loads.
    expect(item?.status).to.equal('uploading');
    await started;
    expect(fetched('/upload-engine')).to.equal(true);
    expect(fetched('tus-js-client')).to.equal(true);
    await el.removeItem();
  });
});
