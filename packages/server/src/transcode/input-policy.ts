/**
 * What ffprobe and ffmpeg may open when they read an input: the ONE
 * allow-list of demuxers and protocols, added to every invocation.
 *
 * An upload is attacker-chosen bytes. Left to probing, ffmpeg would read an
 * ffconcat script, an HLS/DASH playlist or an SDP file and follow the file
 * names and URLs inside it: another user's original or renditions on this
 * disk, any file the server can read, or a network address (SSRF). Which
 * demuxers and protocols a build enables by default differs between builds
 * (FFMPEG_PATH may point to any), so nothing here relies on defaults.
 */

/**
 * Single-file media containers and raw elementary streams. None of these
 * demuxers opens another file or URL. Names are ffmpeg's demuxer names;
 * ffmpeg matches a demuxer when any of its comma-separated names is listed
 * ("mov" matches "mov,mp4,m4a,3gp,3g2,mj2").
 *
 * Deliberately absent: hls, dash, concat, sdp, rtp, rtsp, sap (they open
 * what they name), image2 / *_pipe image sequences, tty / bin (text dumps),
 * data, lavfi and every device or network demuxer, avisynth / vapoursynth
 * (scripts), ffmetadata and subtitle formats.
 */
export const INPUT_DEMUXERS: readonly string[] = [
  'mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', // MP4 / QuickTime family
  'matroska', 'webm',
  'avi',
  'mpegts', // .ts, .mts, .m2ts
  'mpeg', // MPEG program stream (.mpg, .vob)
  'flv',
  'asf', // .wmv, .asf
  'ogg', // .ogv
  'mxf',
  'dv',
  'nut',
  'rm',
  'wtv',
  'ivf', // raw VP8 / VP9 / AV1 frames
  'gif', // one animated picture file, decoded as video
  'h264', 'hevc', 'm4v', 'mpegvideo', // raw elementary video streams
];

/** The only protocol an upload is read with; `pipe` for our own renditions fed on stdin. */
export type InputProtocol = 'file' | 'pipe';

/**
 * Input options (they go before `-i`) confining that one input: the
 * demuxer must be on the list (or be `demuxer`, when pinned to what
 * ffprobe detected) and the input, with anything it references, may only
 * be read through `protocol`.
 */
export function inputPolicy(protocol: InputProtocol, demuxer?: string): string[] {
  const formats = demuxer ? [demuxer] : INPUT_DEMUXERS;
  return [
    '-protocol_whitelist', protocol,
    '-format_whitelist', formats.join(','),
    ...(demuxer ? ['-f', demuxer] : []),
  ];
}

/**
 * A local path as an explicit `file:` URL, so that no part of it (a colon
 * in a folder name) can ever be read as another protocol.
 */
export function fileUrl(path: string): string {
  return `file:${path}`;
}

/**
 * The demuxer to pin for later runs, from ffprobe's `format_name`
 * ("mov,mp4,m4a,3gp,3g2,mj2" → "mov"); undefined when it is not allowed.
 */
export function allowedDemuxer(formatName: string): string | undefined {
  const names = formatName.split(',');
  return names.some((n) => INPUT_DEMUXERS.includes(n)) ? names[0] : undefined;
}

/** ffmpeg's words when a demuxer is refused: `[concat @ 0x…] Format not on whitelist '…'`. */
const REFUSED = /^\[([a-z0-9_,]+) @ 0x[0-9a-f]+\] Format not on whitelist/m;

/** The demuxer ffmpeg/ffprobe refused, read from its stderr; undefined if none was refused. */
export function refusedDemuxer(stderr: string): string | undefined {
  return REFUSED.exec(stderr)?.[1];
}
