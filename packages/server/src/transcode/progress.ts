/**
 * Parses ffmpeg's `-progress` report: blocks of `key=value` lines, each block
 * closed by `progress=continue` (or `progress=end` at the very end).
 */

export interface ProgressReport {
  /** Output time reached, in seconds (`out_time_us`). */
  outTime: number;
  frame: number;
  totalSize: number;
  end: boolean;
}

const KEY_VALUE = /^([a-z_0-9]+)=(.*)$/;

export class ProgressParser {
  #block = new Map<string, string>();
  readonly #onReport: (r: ProgressReport) => void;

  constructor(onReport: (r: ProgressReport) => void) {
    this.#onReport = onReport;
  }

  /** Feeds one stderr line; returns false when it is not part of a progress report. */
  line(text: string): boolean {
    const m = KEY_VALUE.exec(text.trim());
    if (!m) return false;
    const [, key = '', value = ''] = m;
    this.#block.set(key, value);
    if (key === 'progress') {
      this.#onReport({
        outTime: microseconds(this.#block.get('out_time_us') ?? this.#block.get('out_time_ms')),
        frame: Number(this.#block.get('frame')) || 0,
        totalSize: Number(this.#block.get('total_size')) || 0,
        end: value === 'end',
      });
      this.#block = new Map();
    }
    return true;
  }
}

/** ffmpeg 5.1 prints `out_time_ms` in microseconds too (a known misnomer); `N/A` before the first packet. */
function microseconds(v: string | undefined): number {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n / 1e6 : 0;
}
