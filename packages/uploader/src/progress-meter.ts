/**
 * Speed and ETA for one upload, smoothed so the numbers a person reads never
 * jump: speed is an exponential moving average over time, and the ETA may
 * fall as fast as the estimate does but rises only gradually (a short dip in
 * speed no longer makes "2 min left" flip to "9 min left" and back).
 */

/** Time constant of the speed average, in seconds. */
const SPEED_TAU = 3;
/** Time constant with which a higher ETA estimate is followed, in seconds. */
const ETA_RISE_TAU = 10;

export interface MeterReading {
  /** Smoothed bytes per second; 0 until measured. */
  speed: number;
  /** Smoothed seconds left; null until a speed is known. */
  eta: number | null;
}

export class ProgressMeter {
  #lastBytes = 0;
  #lastTime: number | null = null;
  #speed = 0;
  #eta: number | null = null;

  /**
   * Starts measuring from `bytes` at `now` (ms): after a pause, a retry or a
   * resume from the server's offset, so the gap does not count as slowness.
   */
  restart(bytes: number, now: number): void {
    this.#lastBytes = bytes;
    this.#lastTime = now;
  }

  /** Records that `bytes` of `total` have been sent at `now` (ms). */
  update(bytes: number, total: number, now: number): MeterReading {
    if (this.#lastTime === null) { this.restart(bytes, now); return this.reading; }
    const dt = (now - this.#lastTime) / 1000;
    // Progress events arrive every few ms; averaging over ≥100 ms avoids noise.
    if (dt < 0.1) return this.reading;
    const rate = Math.max(0, bytes - this.#lastBytes) / dt;
    this.#speed = this.#speed === 0 ? rate : this.#speed + (rate - this.#speed) * (1 - Math.exp(-dt / SPEED_TAU));
    this.#lastBytes = bytes;
    this.#lastTime = now;
    if (this.#speed > 0) {
      const estimate = Math.max(0, total - bytes) / this.#speed;
      if (this.#eta === null || estimate <= this.#eta) this.#eta = estimate;
      else this.#eta += (estimate - this.#eta) * (1 - Math.exp(-dt / ETA_RISE_TAU));
    }
    return this.reading;
  }

  get reading(): MeterReading {
    return { speed: this.#speed, eta: this.#eta };
  }
}
