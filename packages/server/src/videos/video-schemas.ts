/**
 * Schemas of the video and playlist routes (video-routes.ts,
 * playlist-routes.ts): what /api/openapi.json says about them.
 */
import type { ErrorCode } from '../errors.js';
import { AUTH_ERRORS, StatusDocument, VideoIdParams, jwt, noBody, routeSchema, textBody } from '../http/schemas.js';

const VIDEO_ERRORS: readonly ErrorCode[] = [...AUTH_ERRORS, 'SLUICE_ERR_VIDEO_NOT_FOUND'];
/** Reading a playlist or track from storage (a bucket may fail, or lack an object). */
const READ_ERRORS: readonly ErrorCode[] = ['SLUICE_ERR_VIDEO_NOT_READY', 'SLUICE_ERR_STORAGE_NOT_FOUND', 'SLUICE_ERR_STORAGE_FAILED'];

export const listVideosSchema = routeSchema({
  summary: 'List every video with its status document',
  tags: ['videos'],
  security: jwt(),
  errors: AUTH_ERRORS,
  response: {
    200: { description: 'Every video.', type: 'object', required: ['videos'], properties: { videos: { type: 'array', items: StatusDocument } }, additionalProperties: false },
  },
});

export const getVideoSchema = routeSchema({
  summary: 'The status document of one video',
  description: 'Never cached (`Cache-Control: no-store`): its URLs carry signatures that expire.',
  tags: ['videos'],
  security: jwt('playback'),
  params: VideoIdParams,
  errors: VIDEO_ERRORS,
  response: { 200: { ...StatusDocument, description: 'The status document.' } },
});

export const deleteVideoSchema = routeSchema({
  summary: 'Delete a video: its record, original and renditions',
  description: 'A running transcode is cancelled first.',
  tags: ['videos'],
  security: jwt(),
  params: VideoIdParams,
  errors: [...VIDEO_ERRORS, 'SLUICE_ERR_STORAGE_FAILED'],
  response: { 204: noBody('Deleted.') },
});

export const reprocessVideoSchema = routeSchema({
  summary: 'Transcode a video again from its original',
  tags: ['videos'],
  security: jwt(),
  params: VideoIdParams,
  errors: [...VIDEO_ERRORS, 'SLUICE_ERR_VIDEO_NOT_READY'],
  response: { 202: { ...StatusDocument, description: 'Queued again; the status document as it is now.' } },
});

export const videoEventsSchema = routeSchema({
  summary: 'Server-Sent Events: the status document each time it changes',
  description: 'A `text/event-stream` (EventSource: pass the token as `?token=`). Starts with `retry: 2000`; each change sends '
    + '`event: status` with the status document as `data`; `event: deleted` with `{"id"}` if the video goes; comment lines every 15 s keep '
    + 'proxies from closing it. The stream ends after `ready` or `failed`.',
  tags: ['videos'],
  security: jwt('playback'),
  params: VideoIdParams,
  errors: VIDEO_ERRORS,
  response: { 200: textBody('The event stream (written raw, not serialised by Fastify).', ['text/event-stream']) },
});

const EXPIRY = {
  type: 'object',
  properties: {
    expiry: {
      type: 'string',
      description: '`linear`: each media URI expires a TTL after the moment a viewer playing straight through needs it '
        + '(for players that cannot re-sign one URL, like Safari\'s own HLS). Anything else is a 400.',
    },
  },
} as const;

export const hlsSchema = routeSchema({
  summary: 'An HLS playlist of a video, with signed media URIs',
  description: '`master.m3u8` (variant URIs carry the caller\'s token; each caption track whose subtitle playlist is published is an '
    + '`EXT-X-MEDIA:TYPE=SUBTITLES` in the group `subs`), `<rendition>.m3u8` or `subtitles-<track id>.m3u8` (a caption track\'s VOD '
    + 'subtitle playlist of WebVTT segments). In media and subtitle playlists every segment URI is a signed /media URL, '
    + 'or a presigned bucket URL with SLUICE_DELIVERY=direct. Never cached: the signatures inside expire.',
  tags: ['playback'],
  security: jwt('playback'),
  params: {
    type: 'object',
    required: ['id', 'file'],
    properties: {
      ...VideoIdParams.properties,
      file: { type: 'string', description: '`master.m3u8`, `<rendition>.m3u8` (e.g. `720p.m3u8`) or `subtitles-<track id>.m3u8` (a caption track; unknown → 404 `SLUICE_ERR_CAPTIONS_NOT_FOUND`).' },
    },
  },
  querystring: EXPIRY,
  errors: [...VIDEO_ERRORS, ...READ_ERRORS, 'SLUICE_ERR_CAPTIONS_NOT_FOUND'],
  response: { 200: textBody('The playlist.', ['application/vnd.apple.mpegurl']) },
});

export const storyboardSchema = routeSchema({
  summary: 'The storyboard WebVTT thumbnails track, with signed image URLs',
  tags: ['playback'],
  security: jwt('playback'),
  params: VideoIdParams,
  errors: [...VIDEO_ERRORS, ...READ_ERRORS],
  response: { 200: textBody('The WebVTT track; each cue points at a sprite region (`#xywh=`).', ['text/vtt']) },
});
