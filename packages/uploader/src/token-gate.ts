/**
 * The upload token on every request: `Authorization: Bearer …` from the
 * element's `token` / `tokenProvider`, and one fresh token after a 401 (an
 * expired JWT) until bytes move again, so a bad provider cannot loop.
 */
import { clientError, type UploadErrorInfo } from './errors.js';
import type { HttpRequest } from './tus-upload.js';

export interface TokenSource {
  /** The upload token; `refresh` asks the token provider for a new one. */
  getToken(refresh: boolean): Promise<string | undefined>;
  /** Whether asking again can give a different token (a provider exists). */
  canRefreshToken(): boolean;
}

export class TokenGate {
  readonly #source: TokenSource;
  #refreshNext = false;
  #refreshed = false;
  #error: UploadErrorInfo | null = null;

  constructor(source: TokenSource) {
    this.#source = source;
  }

  /** tus `onBeforeRequest`: adds the header; a provider failure is kept for takeError(). */
  async authorize(req: HttpRequest): Promise<void> {
    const refresh = this.#refreshNext;
    this.#refreshNext = false;
    try {
      const token = await this.#source.getToken(refresh);
      if (token) req.setHeader('Authorization', `Bearer ${token}`);
    } catch (cause) {
      this.#error = clientError('SLUICE_ERR_UPLOAD_TOKEN_UNAVAILABLE', true,
        `No upload token: ${cause instanceof Error ? cause.message : String(cause)}`);
      throw cause;
    }
  }

  /** The provider's failure behind the last failed request, if that was the cause. */
  takeError(): UploadErrorInfo | null {
    const error = this.#error;
    this.#error = null;
    return error;
  }

  /** After a 401: whether to retry at once with a fresh token (then the next request asks for one). */
  refreshAfter401(): boolean {
    if (this.#refreshed || !this.#source.canRefreshToken()) return false;
    this.#refreshed = this.#refreshNext = true;
    return true;
  }

  /** Bytes moved: a later 401 may refresh again. */
  progressed(): void {
    this.#refreshed = false;
  }
}
