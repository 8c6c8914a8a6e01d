/**
 * Reusable read buffers. Fresh Buffers per request made V8 run ~340 full GCs
 * in 10 s under load (FINDINGS.md, "Range delivery"); pooled, 4. A buffer
 * goes back only once the socket write that used it has flushed, and is
 * simply dropped (left to the GC) when the client aborted.
 *
 * The pool keeps what concurrency needs (a 1 MiB pump holds up to two
 * buffers per response) and trims, every `trimMs`, the buffers that stayed
 * idle for the whole interval, so a burst does not pin memory for ever.
 */
const KIB = 1024;
/** Size classes, smallest first; the largest is the pump's chunk size. */
const CLASSES = [16 * KIB, 64 * KIB, 256 * KIB, 1024 * KIB];
/** Hard cap of free buffers kept per class (at most ~84 MiB in all). */
const KEEP = [256, 256, 64, 48];

export const MAX_POOLED = CLASSES[CLASSES.length - 1]!;

export class BufferPool {
  readonly #free: Buffer[][] = CLASSES.map(() => []);
  /** Fewest free buffers seen per class since the last trim: those were never needed. */
  readonly #lowWater: number[] = CLASSES.map(() => 0);
  readonly #trimmer: NodeJS.Timeout;

  constructor(trimMs = 10_000) {
    this.#trimmer = setInterval(() => this.trim(), trimMs).unref();
  }

  /** A buffer of at least `size` bytes (size ≤ MAX_POOLED). */
  take(size: number): Buffer {
    const c = classOf(size);
    if (c < 0) return Buffer.allocUnsafeSlow(size);
    const free = this.#free[c]!;
    const buf = free.pop() ?? Buffer.allocUnsafeSlow(CLASSES[c]!);
    if (free.length < this.#lowWater[c]!) this.#lowWater[c] = free.length;
    return buf;
  }

  /** Returns a buffer obtained from take(), once nothing uses it any more; other sizes are ignored. */
  give(buf: Buffer): void {
    const c = CLASSES.indexOf(buf.length);
    if (c < 0) return;
    const free = this.#free[c]!;
    if (free.length < KEEP[c]!) free.push(buf);
  }

  /** Drops the buffers that no request needed since the previous trim. */
  trim(): void {
    this.#free.forEach((free, c) => {
      free.splice(0, this.#lowWater[c]!);
      this.#lowWater[c] = free.length;
    });
  }

  /** Idle buffers per class, for tests and diagnostics. */
  idle(): number[] {
    return this.#free.map((f) => f.length);
  }

  close(): void {
    clearInterval(this.#trimmer);
    this.#free.forEach((f) => f.splice(0));
  }
}

function classOf(size: number): number {
  for (let i = 0; i < CLASSES.length; i++) if (size <= CLASSES[i]!) return i;
  return -1;
}
