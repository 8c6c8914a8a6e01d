/**
 * Upload: a form with a title and `<chunked-uploader>`. The upload starts as
 * soon as a file is chosen (tus, resumable); the title travels with it as
 * tus metadata. Submitting shows what a site's backend would receive: the
 * form-associated element's value is the new video id.
 */
import '@sluice/uploader';
import type { ChunkedUploader, ProcessingProgressDetail, UploadSuccessDetail } from '@sluice/uploader';
import { formatSize, parseSize } from '@sluice/protocol';
import { html, nothing, render } from 'lit';
import { mintToken } from '../api.js';
import { percent } from '../format.js';
import { href, type Page } from '../router.js';

/** The demo server's SLUICE_MAX_UPLOAD default; sizes mean the same to the element and the server. */
const MAX_UPLOAD = '20GB';

interface Progress { videoId: string; status: string; progress: number; playable: boolean }

/** Kept across page switches, so coming back shows (and continues) the upload. */
interface UploadSession { uploader: ChunkedUploader; started: boolean; title: string; current: Progress | null; submitted: [string, string][] | null }
let session: UploadSession | undefined;

function createSession(): UploadSession {
  const uploader = document.createElement('chunked-uploader');
  uploader.name = 'video';
  uploader.accept = 'video/*';
  uploader.maxSize = MAX_UPLOAD;
  uploader.required = true;
  uploader.id = 'video-file';
  // Called first and again after a 401: a fresh token each time.
  uploader.tokenProvider = () => mintToken({ aud: 'upload', ttl: '1h' });
  uploader.setAttribute('aria-describedby', 'video-help');
  return { uploader, started: false, title: '', current: null, submitted: null };
}

export function mountUpload(outlet: HTMLElement): Page {
  const s = (session ??= createSession());
  const { uploader } = s;
  let stopped = false;
  const off: (() => void)[] = [];
  const on = <K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void): void => {
    uploader.addEventListener(type, fn);
    off.push(() => uploader.removeEventListener(type, fn));
  };

  on('upload-start', (e) => {
    s.started = true;
    // The title was sent with the upload (tus metadata); show the one used.
    if (!s.title.trim()) s.title = e.detail.file.name.replace(/\.[^.]+$/, '');
    draw();
  });
  on('upload-success', (e: CustomEvent<UploadSuccessDetail>) => {
    s.current = { videoId: e.detail.videoId, status: 'queued', progress: 0, playable: false };
    draw();
  });
  on('processing-progress', (e: CustomEvent<ProcessingProgressDetail>) => {
    const d = e.detail;
    s.current = { videoId: d.videoId, status: d.status, progress: d.progress, playable: Boolean(d.video.playable) };
    draw();
  });
  on('video-ready', (e) => {
    s.current = { videoId: e.detail.videoId, status: 'ready', progress: 1, playable: true };
    draw();
  });

  const onTitle = (e: Event): void => {
    s.title = (e.target as HTMLInputElement).value;
    const title = s.title.trim();
    // Read when a file is chosen: the uploader sends it as Upload-Metadata `title`.
    uploader.metadata = title ? { title } : {};
  };

  const onSubmit = (e: SubmitEvent): void => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    s.submitted = [...new FormData(form).entries()].map(([k, v]) => [k, typeof v === 'string' ? v : v.name]);
    draw();
  };

  const onReset = (): void => {
    s.started = false;
    s.title = '';
    s.current = null;
    s.submitted = null;
    uploader.metadata = {};
    draw();
  };

  function processing(): ReturnType<typeof html> | typeof nothing {
    if (!s.current) return nothing;
    const { videoId, status, progress, playable } = s.current;
    const label = status === 'ready' ? 'Ready to play' : status === 'failed' ? 'Processing failed' : status === 'queued' ? 'Queued for encoding' : `Encoding ${percent(progress)}`;
    return html`<div class="next-step" data-testid="processing" data-status=${status}>
      <span class="status-badge status-${status}">${label}</span>
      ${playable && status !== 'failed'
        ? html`<a class="button small" href=${href.watch(videoId)}>${status === 'ready' ? 'Watch' : 'Watch now, while it encodes'}</a>` : nothing}
      <a class="button small ghost" href=${href.library}>See it in the library</a>
    </div>`;
  }

  function receipt(): ReturnType<typeof html> | typeof nothing {
    const { submitted } = s;
    if (!submitted) return nothing;
    const id = submitted.find(([k]) => k === 'video')?.[1];
    return html`<div class="alert success" role="status" data-testid="receipt">
      <strong>Form submitted.</strong> This is what your site's backend would receive — store the video id with the rest of the form:
      <pre class="code"><code>${submitted.map(([k, v]) => `${k}=${v}`).join('\n')}</code></pre>
      ${id ? html`<a class="button small primary" href=${href.watch(id)}>Watch it</a>` : nothing}
      <a class="button small" href=${href.library}>Open the library</a>
    </div>`;
  }

  function draw(): void {
    if (stopped) return;
    render(html`<section class="page upload-page">
      <div class="hero">
        <h1>Upload a video</h1>
        <p class="lede">Resumable uploads that survive reloads and flaky networks, transcoded by ffmpeg into adaptive
          HLS with an MP4 fallback, delivered through signed links. Pick a file and watch it happen.</p>
      </div>
      <div class="upload-layout">
        <form class="card upload-form" @submit=${onSubmit} @reset=${onReset}>
          <div class="field">
            <label for="title">Title</label>
            <input id="title" name="title" type="text" maxlength="200" autocomplete="off" placeholder="Defaults to the file name"
              .value=${s.title} ?readonly=${s.started} @input=${onTitle} aria-describedby="title-help">
            <p id="title-help" class="help">${s.started ? 'Sent with the upload.' : 'Sent with the upload, so set it before choosing the file.'}</p>
          </div>
          <div class="field">
            <span class="label" id="video-label">Video file</span>
            ${uploader}
            <p id="video-help" class="help">Any video ffmpeg can read, up to ${formatSize(parseSize(MAX_UPLOAD) ?? 0)}. Uploads continue after a reload or a lost connection.</p>
          </div>
          ${processing()}
          <div class="form-actions">
            <button class="button primary" type="submit">Submit</button>
            <button class="button ghost" type="reset">Start over</button>
          </div>
          ${receipt()}
        </form>
        <aside class="steps" aria-label="What happens">
          <ol>
            <li><h2>Resumable upload</h2><p><code>&lt;chunked-uploader&gt;</code> sends 8 MB tus chunks, with pause, resume and retry.
              Its form value is the video id.</p></li>
            <li><h2>One-decode transcode</h2><p>One ffmpeg process writes a 1080p–360p HLS ladder; the video is playable
              after its first segments, long before the encode ends.</p></li>
            <li><h2>Signed delivery</h2><p>Playlists need a playback JWT; every segment URL is signed and expires. The
              player re-signs expired links without a hiccup and falls back to MP4 if HLS breaks.</p></li>
          </ol>
        </aside>
      </div>
    </section>`, outlet);
  }

  draw();
  return {
    unmount(): void {
      stopped = true;
      for (const f of off) f();
      // Leaving the page keeps the upload resumable (the element suspends, it does not cancel).
      render(html``, outlet);
    },
  };
}
