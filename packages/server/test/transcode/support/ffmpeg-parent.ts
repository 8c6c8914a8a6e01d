/**
 * A node process running a long real ffmpeg through fluent-ffmpeg, started
 * through diesWithParent() when argv[2] is "wrapped". Prints the ffmpeg pid.
 * Like ffmpeg-run.ts it reports progress on stderr and writes to a file, not
 * to stdout: ffmpeg ignores SIGPIPE and a broken stderr, so only a broken
 * output pipe would end an orphan by itself.
 */
import ffmpeg from 'fluent-ffmpeg';
import { diesWithParent } from '../../../src/transcode/child-lifetime.js';

const bin = process.env.FFMPEG_PATH ?? 'ffmpeg';
const command = ffmpeg().setFfmpegPath(process.argv[2] === 'wrapped' ? diesWithParent(bin) : bin)
  .input('testsrc2=size=320x240:rate=25:duration=600').inputFormat('lavfi')
  .inputOptions('-nostdin', '-re', '-loglevel', 'warning', '-nostats', '-progress', 'pipe:2')
  .outputOptions('-f', 'null')
  .output('/dev/null');
command.on('start', () => {
  const pid = (command as unknown as { ffmpegProc?: { pid?: number } }).ffmpegProc?.pid;
  process.stdout.write(`${JSON.stringify({ pid })}\n`);
});
command.on('error', () => undefined);
command.run();
