/**
 * The Watch page's event log: what the player did and why, newest first,
 * so recoveries and fallbacks are visible instead of silent.
 */
import { html, type TemplateResult } from 'lit';
import { clock } from '../format.js';

export type LogTone = 'info' | 'good' | 'warn' | 'bad' | 'action';

export interface LogEntry { id: number; at: string; event: string; tone: LogTone; message: string }

const MAX_ENTRIES = 200;

export class EventLog {
  readonly entries: LogEntry[] = [];
  #next = 0;
  readonly #changed: () => void;

  constructor(changed: () => void) { this.#changed = changed; }

  /** `event` names the source (a player event type or a demo action); it is also a test hook. */
  add(event: string, tone: LogTone, message: string): void {
    this.entries.unshift({ id: this.#next++, at: clock(), event, tone, message });
    this.entries.length = Math.min(this.entries.length, MAX_ENTRIES);
    this.#changed();
  }

  count(event: string): number {
    return this.entries.filter((e) => e.event === event).length;
  }

  clear(): void {
    this.entries.length = 0;
    this.#changed();
  }

  render(): TemplateResult {
    return html`<section class="card log-card" aria-labelledby="log-title">
      <div class="card-head">
        <h2 id="log-title">Event log</h2>
        <button type="button" class="button small ghost" @click=${() => this.clear()} ?disabled=${this.entries.length === 0}>Clear</button>
      </div>
      <ol class="event-log" data-testid="event-log" aria-live="polite" aria-relevant="additions">
        ${this.entries.length === 0 ? html`<li class="log-empty">Player events appear here: recoveries, fallbacks, quality switches.</li>` : ''}
        ${this.entries.map((e) => html`<li class="log-entry tone-${e.tone}" data-event=${e.event}>
          <time>${e.at}</time><span class="log-kind">${e.event}</span><span class="log-message">${e.message}</span>
        </li>`)}
      </ol>
    </section>`;
  }
}
