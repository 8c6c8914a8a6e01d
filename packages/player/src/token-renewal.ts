/**
 * Renewing a rejected JWT, one renewal at a time: `tokenProvider` when the
 * page set one, else `token-expired` and a wait until the page sets `token`.
 */

export interface TokenRenewalHost {
  provider(): (() => Promise<string>) | undefined;
  current(): string;
  set(token: string): void;
  /** Fire `token-expired`. */
  expired(): void;
}

export class TokenRenewal {
  readonly #host: TokenRenewalHost;
  #renewal: Promise<string> | undefined;
  #waiters: ((token: string) => void)[] = [];

  constructor(host: TokenRenewalHost) { this.#host = host; }

  renew(): Promise<string> {
    const h = this.#host;
    this.#renewal ??= (async () => {
      const provider = h.provider();
      if (provider) {
        const token = await provider();
        h.set(token);
        return token;
      }
      const waiting = new Promise<string>((resolve) => this.#waiters.push(resolve));
      const before = h.current();
      h.expired();
      return h.current() !== before ? h.current() : waiting;
    })().finally(() => { this.#renewal = undefined; });
    return this.#renewal;
  }

  /** `token` was set: hands it to a waiting renewal; false when none was waiting (the caller re-signs). */
  tokenSet(token: string): boolean {
    const waiters = this.#waiters.splice(0);
    for (const w of waiters) w(token);
    return waiters.length > 0 || this.#renewal !== undefined;
  }
}
