/** A failed REST call: the gateway's `{ error: { code, message } }`, or NETWORK when nothing answered. */
export class ApiError extends Error {
  override name = 'ApiError';
  /** The HTTP status, or 0 when the request never got an answer. */
  readonly status: number;
  /** The stable error code (see ErrorCode in @parley/protocol), or NETWORK. */
  readonly code: string;

  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = code;
  }
}

/** The console's REST transport: same-origin JSON calls that resolve with the body or throw an ApiError. */
export interface Api {
  /** GETs a path and resolves with its JSON body. */
  get<T>(path: string): Promise<T>;
  /** POSTs a JSON body (an empty object when none is given) and resolves with the JSON answer. */
  post<T>(path: string, body?: unknown): Promise<T>;
  /** PUTs a JSON body and resolves with the JSON answer. */
  put<T>(path: string, body?: unknown): Promise<T>;
  /** PATCHes a JSON body and resolves with the JSON answer. */
  patch<T>(path: string, body?: unknown): Promise<T>;
  /** DELETEs a path (with a JSON body when one is given) and resolves with the JSON answer (if any). */
  delete<T>(path: string, body?: unknown): Promise<T>;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const WITH_BODY = new Set<Method>(['POST', 'PUT', 'PATCH']);

/** Creates the REST transport over `fetch`; the session cookie rides along (`credentials: 'same-origin'`). */
export function createApi(fetcher: typeof fetch = (input, init) => globalThis.fetch(input, init)): Api {
  async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    let response: Response;
    // A DELETE carries a body only when asked to (a confirmation).
    const withBody = WITH_BODY.has(method) || (method === 'DELETE' && body !== undefined);
    try {
      response = await fetcher(path, {
        method,
        credentials: 'same-origin',
        headers: withBody ? { accept: 'application/json', 'content-type': 'application/json' } : { accept: 'application/json' },
        // The gateway refuses an empty body sent as JSON, so a write without one sends `{}`.
        ...(withBody && { body: JSON.stringify(body ?? {}) }),
      });
    } catch (error) {
      throw new ApiError(0, 'NETWORK', 'Parley could not be reached. Check the connection and try again.', { cause: error });
    }
    const data: unknown = await response.json().catch(() => undefined);
    if (response.ok) return data as T;
    const error = (data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    throw new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string' ? error.message : `The request failed (${response.status}).`,
    );
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    patch: (path, body) => call('PATCH', path, body),
    delete: (path, body) => call('DELETE', path, body),
  };
}

/** Says what went wrong in words an agent can act on. */
export function explainError(error: unknown, fallback: string): string {
  if (error instanceof ApiError) {
    if (error.code === 'NETWORK') return error.message;
    if (error.status >= 500) return `${fallback} Try again in a moment.`;
    return error.message || fallback;
  }
  return fallback;
}
