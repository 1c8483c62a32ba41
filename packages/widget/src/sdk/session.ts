import { resolveLocale } from '../shared/i18n.ts';
import type { KeyValueStorage, SessionProvider } from '../shared/messenger-contract.ts';
import type { Identity, ParleyError } from './types.ts';

/** A failed call to the gateway: its stable code (or NETWORK, SESSION_ENDED) and HTTP status (0 when none came). */
export type SessionError = Error & { code: string; status: number };

/** The visitor's own profile changes `PATCH /api/visitor/me` takes. */
export interface ProfilePatch {
  name?: string | null;
  email?: string | null;
  /** The language the widget shows, one of `LOCALES`: the gateway e-mails the visitor in it. */
  locale?: string;
  attributes?: Record<string, string | number | boolean | null>;
}

/** What the session manager needs. */
export interface SessionOptions {
  baseUrl: string;
  appId: string;
  storage: KeyValueStorage;
  fetch?: typeof globalThis.fetch;
  /** The site's `locale` option as it is now (it changes with `update`); the session is made in the language it resolves to. */
  locale?: () => string | undefined;
  /** Reports a failure the site should hear about (the `error` event). */
  report(error: ParleyError): void;
  /** The gateway accepted the identity. */
  onIdentified(result: { userId: string; merged: boolean }): void;
  /** The stored session belonged to another user and was replaced: surfaces holding the old one must start over. */
  onReplaced(): void;
}

/** The visitor session behind every surface: made on first need, identified, profiled, ended. */
export interface SessionManager {
  /** The bearer token, making the session (and applying identity and profile) first if needed. */
  token: SessionProvider;
  /** Whether a session token is stored (a returning visitor). */
  has(): boolean;
  /** Sets the signed-in user; applied now when `now` (a session exists or consent is granted), else at the session's start. */
  identify(identity: Identity, now: boolean): Promise<void>;
  /** Changes the visitor's profile; applied now when `now`, else at the session's start. */
  update(patch: ProfilePatch, now: boolean): Promise<void>;
  /** Ends the session on the gateway and forgets it; `token()` rejects with SESSION_ENDED afterwards. */
  end(): Promise<void>;
  /** Calls the visitor API with the session's token (making the session first if needed); rejects with a SessionError. */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

const sessionError = (code: string, message: string, status: number): SessionError =>
  Object.assign(new Error(message), { name: 'SessionError', code, status });

/** What `identity.ts` works with: the session's calls to the gateway and its callbacks. */
export interface SessionInternals {
  options: SessionOptions;
  request<T>(method: string, path: string, token: string | undefined, body?: unknown): Promise<T>;
  /** Makes and stores a new session; answers its token. */
  create(): Promise<string>;
  /** Forgets the stored session and everything that belonged to it (conversation, outbox). */
  forget(): void;
  /** Makes sure there is a token (applying what `identity.ts` keeps) when `now` or a session exists; reports failures. */
  apply(now: boolean): Promise<void>;
}

/** The identity and profile part of a session (`identity.ts`), loaded with the first `identify` or `update`. */
export interface SessionIdentity {
  /** Applies the identity and the profile to a token; answers the token to use (a new one after a mismatch). */
  prepare(token: string): Promise<string>;
  identify(identity: Identity, now: boolean): Promise<void>;
  update(patch: ProfilePatch, now: boolean): Promise<void>;
}

/**
 * The visitor session the SDK shares with the messenger, the portal and the web form. Every
 * step runs one after the other, so a surface never gets a token before the identity the site
 * gave was applied to it. The identity and profile code (`identity.ts`) loads with the first
 * `identify` or `update`: an identity the gateway refuses (`INVALID_SIGNATURE`) is reported and
 * the session stays anonymous; a stored session of another user (`IDENTITY_MISMATCH`) is dropped
 * with everything stored under the app, and a new one is made for this user.
 */
export function createSessionManager(options: SessionOptions): SessionManager {
  const { baseUrl, appId, storage, fetch = (input, init) => globalThis.fetch(input, init), report } = options;
  const key = `parley:${appId}:session`;
  let ended = false;
  let queue: Promise<unknown> = Promise.resolve();
  let identity: Promise<SessionIdentity> | undefined;
  let prepare = (token: string): Promise<string> | string => token;

  /** Runs steps one at a time, in call order. */
  function serial<T>(step: () => Promise<T>): Promise<T> {
    const result = queue.then(step);
    queue = result.catch(() => {});
    return result;
  }

  async function request<T>(method: string, path: string, token: string | undefined, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        credentials: 'omit',
      });
    } catch (error) {
      throw sessionError('NETWORK', `cannot reach ${baseUrl}: ${String(error)}`, 0);
    }
    const answer = (await response.json().catch(() => undefined)) as (T & { error?: { code?: string; message?: string } }) | undefined;
    if (!response.ok) throw sessionError(answer?.error?.code ?? `HTTP_${response.status}`, answer?.error?.message ?? response.statusText, response.status);
    return answer as T;
  }

  async function create(): Promise<string> {
    // The gateway writes to the visitor (the e-mail of unread replies) in the language the widget shows.
    const { token } = await request<{ token: string }>('POST', '/api/visitor/sessions', undefined, { appId, locale: resolveLocale(options.locale?.()) });
    storage.setItem(key, token);
    return token;
  }

  function forget(): void {
    for (const name of ['session', 'conversation', 'outbox']) storage.removeItem(`parley:${appId}:${name}`);
  }

  function token(renewal?: { renew?: boolean }): Promise<string> {
    return serial(async () => {
      if (ended) throw sessionError('SESSION_ENDED', 'The visitor session was shut down.', 0);
      if (renewal?.renew) forget();
      return prepare(storage.getItem(key) ?? (await create()));
    });
  }

  const has = () => storage.getItem(key) !== null;

  /** Applies pending work now when asked to; failures are reported, never thrown. */
  const apply = (now: boolean): Promise<void> =>
    now || has()
      ? token().then(
          () => undefined,
          (error: SessionError) => {
            if (error.code !== 'SESSION_ENDED') report({ code: error.code, message: error.message });
          },
        )
      : Promise.resolve();

  /** The identity code, loaded once; from then on every token passes through it. */
  const withIdentity = () =>
    (identity ??= import('./identity.ts').then(({ createSessionIdentity }) => {
      const loaded = createSessionIdentity({ options, request, create, forget, apply });
      prepare = loaded.prepare;
      return loaded;
    }));

  return {
    token,
    has,
    request: (method, path, body) => token().then((current) => request(method, path, current, body)),
    identify: (next, now) => withIdentity().then((loaded) => loaded.identify(next, now)),
    update: (patch, now) => withIdentity().then((loaded) => loaded.update(patch, now)),
    end() {
      return serial(async () => {
        ended = true;
        const stored = storage.getItem(key);
        if (stored) await request('DELETE', '/api/visitor/sessions/current', stored).catch(() => {});
      });
    },
  };
}
