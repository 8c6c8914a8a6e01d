/** Spawns support/worker-process.ts in its own session and reads its reports. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { WorkerProcessConfig } from './worker-process.js';

export interface Report { event: string; [key: string]: unknown }

export class ChildWorker {
  readonly reports: Report[] = [];
  readonly #proc: ChildProcess;
  readonly #waiters = new Set<() => void>();
  stderr = '';

  constructor(config: WorkerProcessConfig) {
    const script = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
    // detached: the child leads its own session (setsid), so the whole group can be SIGKILLed.
    this.#proc = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.#proc.stdout! }).on('line', (line) => {
      try { this.reports.push(JSON.parse(line) as Report); } catch { return; }
      for (const w of [...this.#waiters]) w();
    });
    this.#proc.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.#proc.on('exit', () => { for (const w of [...this.#waiters]) w(); });
  }

  get pid(): number { return this.#proc.pid!; }
  get exited(): boolean { return this.#proc.exitCode !== null || this.#proc.signalCode !== null; }

  /** The first report of this kind, waiting for it (fails if the process exits first). */
  async next(event: string, timeoutMs = 60_000): Promise<Report> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { done(); reject(new Error(`no "${event}" from the worker within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)); }, timeoutMs);
      const check = (): void => {
        const r = this.reports.find((x) => x.event === event);
        if (r) { done(); resolve(r); } else if (this.exited) { done(); reject(new Error(`the worker exited before "${event}"; stderr: ${this.stderr.slice(-2000)}`)); }
      };
      const done = (): void => { clearTimeout(timer); this.#waiters.delete(check); };
      this.#waiters.add(check);
      check();
    });
  }

  /** SIGKILL to the whole session: node and anything it started. */
  kill(): void {
    try { process.kill(-this.#proc.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.#proc.once('exit', r));
    this.kill();
    await gone;
  }
}
