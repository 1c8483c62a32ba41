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
}

/** Creates the REST transport over `fetch`; the session cookie rides along (`credentials: 'same-origin'`). */
export function createApi(fetcher: typeof fetch = (input, init) => globalThis.fetch(input, init)): Api {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetcher(path, {
        method,
        credentials: 'same-origin',
        headers: method === 'POST' ? { accept: 'application/json', 'content-type': 'application/json' } : { accept: 'application/json' },
        // The gateway refuses an empty body sent as JSON, so a POST without one sends `{}`.
        ...(method === 'POST' && { body: JSON.stringify(body ?? {}) }),
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
  };
}
