/**
 * Library: every video on the server (GET /api/videos, admin) with its
 * status. Videos being processed are followed live over Server-Sent Events;
 * the list itself is re-read every few seconds to pick up new uploads.
 */
import { html, nothing, render } from 'lit';
import { ApiError, deleteVideo, followVideo, listVideos, token, type VideoDoc } from '../api.js';
import { videoCard } from '../components/video-card.js';
import { href, type Page } from '../router.js';

const REFRESH_MS = 5000;
/** Browsers allow ~6 HTTP/1.1 connections per host: keep SSE streams to a few. */
const MAX_STREAMS = 3;

export function mountLibrary(outlet: HTMLElement): Page {
  let videos: VideoDoc[] | null = null;
  let problem = '';
  let notice = '';
  let stopped = false;
  const streams = new Map<string, () => void>();

  const draw = (): void => {
    if (stopped) return;
    const busy = videos?.filter((v) => v.status !== 'ready' && v.status !== 'failed').length ?? 0;
    render(html`<section class="page">
      <div class="page-head">
        <div>
          <h1>Library</h1>
          <p class="lede">Every video on this server. Progress updates live while ffmpeg encodes the HLS ladder.</p>
        </div>
        <a class="button primary" href=${href.upload}>Upload a video</a>
      </div>
      <p class="sr-only" role="status" aria-live="polite">${notice}</p>
      ${problem ? html`<div class="alert error" role="alert">${problem}</div>` : nothing}
      ${videos === null && !problem ? html`<div class="grid">${[0, 1, 2].map(() => html`<div class="card skeleton"></div>`)}</div>` : nothing}
      ${videos?.length === 0 ? html`<div class="empty card">
        <h2>No videos yet</h2>
        <p>Upload one and it will appear here while it is processed.</p>
        <a class="button primary" href=${href.upload}>Upload a video</a>
      </div>` : nothing}
      ${videos?.length ? html`<p class="summary">${videos.length} video${videos.length === 1 ? '' : 's'}${busy ? html` · <strong>${busy}</strong> in progress` : nothing}</p>
        <div class="grid" data-testid="library">${videos.map((v) => videoCard(v, { remove }))}</div>` : nothing}
    </section>`, outlet);
  };

  const update = (doc: VideoDoc): void => {
    if (!videos) return;
    const before = videos.find((v) => v.id === doc.id);
    videos = videos.map((v) => (v.id === doc.id ? doc : v));
    if (before && before.status !== doc.status) notice = `${doc.title}: ${doc.status}`;
    draw();
  };

  const follow = async (): Promise<void> => {
    for (const v of videos ?? []) {
      const moving = v.status === 'queued' || v.status === 'processing';
      if (!moving || streams.has(v.id) || streams.size >= MAX_STREAMS) continue;
      const playback = await token({ aud: 'playback', sub: '*' });
      if (stopped || streams.has(v.id)) return;
      streams.set(v.id, followVideo(v.id, playback, update, () => { streams.delete(v.id); }));
    }
  };

  const refresh = async (): Promise<void> => {
    try {
      const fresh = await listVideos();
      if (stopped) return;
      // Keep documents from live streams when they are newer (further along).
      const byId = new Map((videos ?? []).map((v) => [v.id, v]));
      videos = fresh.map((v) => {
        const live = byId.get(v.id);
        return live && streams.has(v.id) && live.progress > v.progress ? live : v;
      });
      problem = '';
      await follow();
    } catch (e) {
      problem = e instanceof ApiError ? `${e.message} (${e.code})` : String(e);
    }
    draw();
  };

  async function remove(doc: VideoDoc): Promise<void> {
    if (!window.confirm(`Delete “${doc.title || 'this video'}”? Its original and every rendition are removed.`)) return;
    try {
      streams.get(doc.id)?.();
      streams.delete(doc.id);
      await deleteVideo(doc.id);
      videos = (videos ?? []).filter((v) => v.id !== doc.id);
      notice = `Deleted ${doc.title}`;
    } catch (e) {
      problem = e instanceof ApiError ? `Could not delete: ${e.message}` : String(e);
    }
    draw();
  }

  draw();
  void refresh();
  const timer = setInterval(() => { if (!document.hidden) void refresh(); }, REFRESH_MS);
  return {
    unmount(): void {
      stopped = true;
      clearInterval(timer);
      for (const stop of streams.values()) stop();
      render(html``, outlet);
    },
  };
}
