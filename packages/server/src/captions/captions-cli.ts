/**
 * `sluice captions add|list|remove`: the store and storage directly, like
 * `sluice import` (embedded: the SQLite file and data dir a running server
 * uses; scale-out: the shared database and bucket). A running server shows
 * the change in its next master playlist and status document, which read
 * the store; in scale-out the status event reaches SSE clients too.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import { isVideoId } from '../storage/media-keys.js';
import { captionDeps } from './caption-routes.js';
import { addCaption, deleteCaption } from './caption-service.js';
import { decodeCaptionBytes } from './parse-captions.js';

export const CAPTIONS_USAGE = `  sluice captions add <video> <file> --lang <bcp47> [--label <text>] [--kind subtitles|captions] [--default] [--closed-captions]
                                                   add a WebVTT or SRT file as a track; prints its id
  sluice captions list <video>                     one line per track: id, lang, kind, default, source, label
  sluice captions remove <video> <track>           delete a track (also: rm)`;

/** Runs one captions subcommand against an app built without jobs; returns what to print. */
export async function captionsCommand(s: Services, args: string[]): Promise<string> {
  const [sub, ...rest] = args;
  const deps = captionDeps(s);
  switch (sub) {
    case 'add': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: {
        lang: { type: 'string' }, label: { type: 'string' }, kind: { type: 'string' }, default: { type: 'boolean', default: false }, 'closed-captions': { type: 'boolean', default: false },
      } });
      const [video, file] = positionals;
      if (!video || !file || positionals.length !== 2) throw new Error(`sluice captions add needs <video> <file>\n${CAPTIONS_USAGE}`);
      if (values.lang === undefined) throw new Error('sluice captions add needs --lang (a BCP 47 tag such as en or pt-BR)');
      await existingVideo(s, video);
      const text = decodeCaptionBytes(await readFile(file));
      const track = await addCaption(deps, video, { lang: values.lang, label: values.label, kind: values.kind, default: values.default, closedCaptions: values['closed-captions'], text });
      return `${track.id}\n`;
    }
    case 'list': {
      const [video] = rest;
      if (!video || rest.length !== 1) throw new Error(`sluice captions list needs <video>\n${CAPTIONS_USAGE}`);
      await existingVideo(s, video);
      return (await s.store.captions.list(video))
        .map((t) => `${t.id}\t${t.lang}\t${t.kind}\t${t.isDefault ? 'default' : '-'}\t${t.source}\t${t.label}\n`).join('');
    }
    case 'remove': case 'rm': {
      const [video, track] = rest;
      if (!video || !track || rest.length !== 2) throw new Error(`sluice captions remove needs <video> <track>\n${CAPTIONS_USAGE}`);
      await existingVideo(s, video);
      await deleteCaption(deps, video, track);
      return '';
    }
    default:
      throw new Error(`unknown captions command "${sub ?? ''}"\n${CAPTIONS_USAGE}`);
  }
}

async function existingVideo(s: Services, id: string): Promise<void> {
  if (!isVideoId(id) || !(await s.store.getVideo(id))) throw new Error(`no video with id ${JSON.stringify(id)}`);
}
