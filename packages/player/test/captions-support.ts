/**
 * Caption tests against the real Sluice server: a fresh video with two text
 * tracks added over the API, and the moment (by the video's own clock) a cue
 * becomes active.
 */
import type { VideoStreamPlayer } from '../src/video-stream-player.js';
import type { VideoStatus } from '../src/status.js';
import { command, until } from './helpers.js';

export interface CaptionedVideo { id: string; token: string; status: VideoStatus }

/** Cue times and texts the tracks carry (the video is 12 s long). */
export const CUES = { two: { start: 2, text: 'Sluice cue two' }, six: { start: 6, text: 'Sluice cue six' }, nine: { start: 9, text: 'Sluice cue nine' } };
const ts = (t: number): string => `00:00:${t.toFixed(3).padStart(6, '0')}`;
const vtt = (suffix: string): string => `WEBVTT\n\n${Object.values(CUES).map((c) =>
  `${ts(c.start)} --> ${ts(c.start + 1.5)}\n${c.text}${suffix}`).join('\n\n')}\n`;

export const mint = async (server: string, claims: Record<string, unknown>): Promise<string> =>
  (await command<{ token: string }>('player-token', { server, ...claims })).token;

async function status(server: string, id: string, token: string): Promise<VideoStatus> {
  return (await fetch(`${server}/api/videos/${id}?token=${token}`)).json() as Promise<VideoStatus>;
}

let shared: Promise<CaptionedVideo> | undefined;
/**
 * One 12 s video per test file with an English track (default, cue texts as
 * in CUES) and a French one (same times, texts + " (fr)"), ready to play.
 */
export function captionedVideo(server: string): Promise<CaptionedVideo> {
  shared ??= (async () => {
    const v = await command<{ id: string; token: string }>('player-upload', { server, clip: '480p-12s' });
    const admin = await mint(server, { aud: 'admin', ttl: '1h' });
    for (const [lang, label, suffix, isDefault] of [['en', 'English', '', true], ['fr', 'Français', ' (fr)', false]] as const) {
      const res = await fetch(`${server}/api/videos/${v.id}/captions`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ lang, label, default: isDefault, text: vtt(suffix) }),
      });
      if (res.status !== 201) throw new Error(`POST captions answered ${res.status}: ${await res.text()}`);
    }
    for (;;) {
      const s = await status(server, v.id, v.token);
      if (s.status === 'ready') return { ...v, status: s };
      if (s.status === 'failed') throw new Error(`processing failed: ${JSON.stringify(s.error)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return shared;
}

export const trackOf = (el: VideoStreamPlayer, lang: string): TextTrack | undefined =>
  Array.from(el.textTracks).find((t) => t.language === lang && (t.kind === 'subtitles' || t.kind === 'captions'));

export const showing = (el: VideoStreamPlayer): string[] =>
  Array.from(el.textTracks).filter((t) => t.mode === 'showing').map((t) => t.language);

const active = (t: TextTrack, text: string): boolean => Array.from(t.activeCues ?? []).some((c) => (c as VTTCue).text === text);

/**
 * The video's currentTime when the cue with `text` became active on the
 * `lang` track (its `cuechange`), measured by the media clock, not wall time.
 */
export async function cueActiveAt(el: VideoStreamPlayer, lang: string, text: string): Promise<number> {
  await until(() => trackOf(el, lang) !== undefined, `a ${lang} text track`);
  const track = trackOf(el, lang)!;
  return new Promise((resolve) => {
    const check = (): void => {
      if (!active(track, text)) return;
      track.removeEventListener('cuechange', check);
      resolve(el.video.currentTime);
    };
    track.addEventListener('cuechange', check);
  });
}
