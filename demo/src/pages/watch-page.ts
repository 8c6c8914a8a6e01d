/**
 * Watch: `<video-stream-player>` on one video, with the "expire links now"
 * switch, live player stats, an event log and the Embed snippet.
 */
import '@sluice/player';
import type { VideoStatus } from '@sluice/player';
import { html, nothing, render } from 'lit';
import { addCaption, ApiError, getVideo, mintToken, videoUrl, type VideoDoc } from '../api.js';
import { renderCaptions, type CaptionsState } from '../components/captions-card.js';
import { renderEmbed, type EmbedState } from '../components/embed-snippet.js';
import { EventLog } from '../components/event-log.js';
import { playbackToken, reloadWithToken, SHORT_MEDIA_TTL } from '../components/expiry-switch.js';
import { logPlayerEvents } from '../components/player-events.js';
import { formatBitrate, formatDuration, percent, STATUS_LABEL } from '../format.js';
import { href, type Page } from '../router.js';

export function mountWatch(outlet: HTMLElement, id: string): Page {
  let doc: VideoDoc | null = null;
  let problem: { title: string; message: string } | null = null;
  let shortLinks = false;
  let switching = false;
  const embed: EmbedState = { withToken: false, token: undefined, copied: false };
  const captions: CaptionsState = { busy: false, error: null, added: null };
  let stopped = false;
  let stopLogging: (() => void) | undefined;
  const log = new EventLog(() => draw());

  const player = document.createElement('video-stream-player');
  player.setAttribute('controls', '');
  player.setAttribute('preload', 'auto');
  player.id = 'player';
  // The JWT itself expiring (after an hour here) is answered by a new one.
  player.tokenProvider = () => playbackToken(id, shortLinks, true);
  player.addEventListener('status-change', (e) => {
    const s: VideoStatus = (e as CustomEvent<VideoStatus>).detail;
    if (doc) doc = { ...doc, ...s, title: s.title ?? doc.title, renditions: s.renditions ?? doc.renditions };
    draw();
  });

  async function toggleExpiry(): Promise<void> {
    if (switching) return;
    switching = true;
    draw();
    try {
      const next = !shortLinks;
      const fresh = await playbackToken(id, next);
      shortLinks = next;
      reloadWithToken(player, fresh);
      log.add('expire-links', 'action', next
        ? `Links now expire ${SHORT_MEDIA_TTL} s after they are issued. Seek back or change quality after a few seconds: the player re-signs them as it goes.`
        : 'Links are back to the server’s normal lifetime (SLUICE_MEDIA_TTL).');
    } catch (e) {
      log.add('expire-links', 'bad', `Could not mint a token: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      switching = false;
      draw();
    }
  }

  /**
   * Adds a track, then reloads the player at the same position: the master
   * playlist it holds was read before the track existed, and hls.js (like
   * the browser's HLS) only learns renditions from a fresh master.
   */
  async function addTrack(file: File, lang: string, label: string): Promise<void> {
    Object.assign(captions, { busy: true, error: null, added: null });
    draw();
    try {
      const track = await addCaption(id, { lang, ...(label ? { label } : {}), text: await file.text() });
      doc = await getVideo(id);
      captions.added = `Added “${track.label}” (${track.lang}). The player reloaded to show it.`;
      reloadWithToken(player, player.token);
    } catch (e) {
      captions.error = e instanceof ApiError ? `${e.message} (${e.code})` : e instanceof Error ? e.message : String(e);
    } finally {
      captions.busy = false;
      draw();
    }
  }

  async function toggleEmbedToken(on: boolean): Promise<void> {
    embed.withToken = on;
    draw();
    if (on && !embed.token) {
      embed.token = await mintToken({ aud: 'playback', sub: id, ttl: '1h' });
      draw();
    }
  }

  function copy(text: string): void {
    void navigator.clipboard?.writeText(text).then(() => {
      embed.copied = true;
      draw();
      setTimeout(() => { embed.copied = false; draw(); }, 2000);
    }, () => undefined);
  }

  function stats(): ReturnType<typeof html> {
    const level = player.levels[player.currentLevel];
    const rows: [string, string, string][] = [
      ['engine', 'Engine', player.engine ?? '–'],
      ['quality', 'Quality', level ? `${level.name}${player.level === -1 ? ' (auto)' : ''}` : '–'],
      ['links', 'Link lifetime', shortLinks ? `${SHORT_MEDIA_TTL} s` : 'server default'],
      ['refetches', 'Links re-signed', String(player.refetches)],
      ['recovered', 'Recoveries', String(log.count('stream-recovered'))],
      ['fallbacks', 'Fallbacks', String(log.count('stream-fallback'))],
    ];
    return html`<dl class="stats">${rows.map(([key, label, value]) => html`<div class="stat" data-stat=${key}><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>`;
  }

  function header(d: VideoDoc): ReturnType<typeof html> {
    const meta = [formatDuration(d.duration), d.width && d.height ? `${d.width}×${d.height}` : '', d.renditions.length ? `${d.renditions.length} renditions` : '']
      .filter((x) => x && x !== '–').join(' · ');
    return html`<div class="watch-head">
      <a class="back-link" href=${href.library}>← Library</a>
      <div class="title-row">
        <h1>${d.title || 'Untitled video'}</h1>
        <span class="status-badge status-${d.status}" data-testid="status">${STATUS_LABEL[d.status] ?? d.status}${d.status === 'processing' ? ` ${percent(d.progress)}` : ''}</span>
      </div>
      ${meta ? html`<p class="muted">${meta}</p>` : nothing}
    </div>`;
  }

  function draw(): void {
    if (stopped) return;
    if (problem) {
      render(html`<section class="page narrow"><h1>${problem.title}</h1><div class="alert error" role="alert">${problem.message}</div>
        <p><a class="button" href=${href.library}>Back to the library</a></p></section>`, outlet);
      return;
    }
    render(html`<section class="page watch-page">
      ${doc ? header(doc) : html`<div class="watch-head"><a class="back-link" href=${href.library}>← Library</a><h1 class="skeleton-text">Loading…</h1></div>`}
      <div class="watch-layout">
        <div class="watch-main">
          <div class="player-frame">${player}</div>
          <section class="card panel" aria-label="Playback lab">
            <div class="switch-row">
              <button type="button" role="switch" class="switch" aria-checked=${String(shortLinks)} ?disabled=${switching}
                aria-describedby="expire-help" data-testid="expire-links" @click=${() => void toggleExpiry()}>
                <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
                <span class="switch-label">Expire links now</span>
              </button>
              <p id="expire-help" class="muted">Signed media links then live only ${SHORT_MEDIA_TTL} s. The player re-signs
                expired links on the fly — playback should not stutter and no error should appear.</p>
            </div>
            ${stats()}
          </section>
          ${renderCaptions(doc?.captions ?? [], captions, { add: (f, l, n) => void addTrack(f, l, n) })}
          ${renderEmbed(id, embed, { toggleToken: (on) => void toggleEmbedToken(on), copy })}
        </div>
        <aside class="watch-side">
          ${log.render()}
          ${doc?.renditions.length ? html`<section class="card renditions-card">
            <h2>Renditions</h2>
            <table class="renditions"><thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Bitrate</th></tr></thead>
              <tbody>${doc.renditions.map((r) => html`<tr><td>${r.name}</td><td>${r.width}×${r.height}</td><td>${formatBitrate(r.bandwidth)}</td></tr>`)}</tbody></table>
          </section>` : nothing}
        </aside>
      </div>
    </section>`, outlet);
  }

  draw();
  void (async () => {
    try {
      const [first, playback] = await Promise.all([getVideo(id), playbackToken(id, false)]);
      if (stopped) return;
      doc = first;
      stopLogging = logPlayerEvents(player, log, draw);
      player.token = playback;
      player.src = videoUrl(id);
    } catch (e) {
      problem = e instanceof ApiError && e.status === 404
        ? { title: 'Video not found', message: 'There is no video with this id on the server. It may have been deleted.' }
        : { title: 'Cannot load the video', message: e instanceof Error ? e.message : String(e) };
    }
    draw();
  })();

  return {
    unmount(): void {
      stopped = true;
      stopLogging?.();
      player.remove(); // closes its session, streams and hls.js
      render(html``, outlet);
    },
  };
}
