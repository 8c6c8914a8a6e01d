/** The error body every Sluice error response carries, and reading it. */

/** `{ code, message }`: the error inside an error body and a failed video's `error`. */
export interface ErrorInfo {
  /** A stable `SLUICE_ERR_<AREA>_<WHAT>` code (docs/errors.md). */
  code: string;
  /** A sentence a person can act on. */
  message: string;
}

/** The JSON body of every error response: `{ "error": { "code", "message" } }`. */
export interface ErrorBody {
  error: ErrorInfo;
}

/**
 * The `{ code, message }` of a Sluice error body (`{ "error": { "code":
 * "SLUICE_ERR_…", "message": "…" } }`), parsed JSON or text; null when it is
 * not one (e.g. a proxy's HTML page). A missing message becomes the code.
 */
export function readErrorBody(body: unknown): ErrorInfo | null {
  let json = body;
  if (typeof body === 'string') {
    try { json = JSON.parse(body); } catch { return null; }
  }
  const error: unknown = typeof json === 'object' && json !== null ? (json as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code.startsWith('SLUICE_ERR_')) return null;
  return { code, message: typeof message === 'string' ? message : code };
}
