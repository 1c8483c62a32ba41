import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { ApiError, type Api } from './api.ts';
import { createPasswordModel, type PasswordModel } from './PasswordModel.ts';

/** The signed-in agent, as `GET /api/agent/me` and `POST /api/agent/login` describe them. */
export interface Agent {
  id: string;
  name: string;
  email: string;
  role: string;
  workspaceId: string;
  /** They signed in with the one-time password an admin was shown: the console asks them to choose their own. */
  mustChangePassword?: boolean;
}

/** `loading` until `GET /api/agent/me` has answered. */
export type SessionStatus = 'loading' | 'signed-out' | 'signed-in';

/** What the session model needs: the REST transport. */
export interface SessionTransport {
  api: Pick<Api, 'get' | 'post'>;
}

/** Sign-in state: who is signed in, the sign-in form's error, the agent's own password, and the actions that change them. */
export interface SessionModel {
  readonly status: ReadonlySignal<SessionStatus>;
  readonly agent: ReadonlySignal<Agent | null>;
  /** The message the sign-in form shows in its alert, if any. */
  readonly error: ReadonlySignal<string | null>;
  /** True while a sign-in request is in flight. */
  readonly busy: ReadonlySignal<boolean>;
  /** Changing the signed-in agent's own password. */
  readonly password: PasswordModel;
  /** Asks the gateway whether the cookie is still a session. */
  load(): Promise<void>;
  /** Signs in; on failure `error` says why. */
  signIn(email: string, password: string): Promise<void>;
  /** Ends the session on the gateway (best effort) and returns to the sign-in form. */
  signOut(): Promise<void>;
  /** Returns to the sign-in form because the gateway ended the session (e.g. signed out elsewhere). */
  expire(message?: string): void;
}

/** The alert shown for wrong credentials. */
export const WRONG_CREDENTIALS = 'Wrong email or password.';

function explain(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'INVALID_CREDENTIALS' || error.status === 401) return WRONG_CREDENTIALS;
    if (error.code === 'RATE_LIMITED') return 'Too many attempts. Wait a moment and try again.';
    if (error.code === 'INVALID_REQUEST') return 'Enter a valid email address and a password.';
    if (error.status >= 500) return 'Parley could not sign you in right now. Try again in a moment.';
    return error.message;
  }
  return 'Parley could not sign you in. Try again.';
}

/** Creates the sign-in state. Call `load()` once to find out whether the browser is already signed in. */
export function createSessionModel({ api }: SessionTransport): SessionModel {
  const agent = signal<Agent | null>(null);
  const checked = signal(false);
  const error = signal<string | null>(null);
  const busy = signal(false);
  const status = computed<SessionStatus>(() => (agent.value ? 'signed-in' : checked.value ? 'signed-out' : 'loading'));

  // Once changed, the one-time password is no longer theirs to replace.
  const password = createPasswordModel({ api, onChanged: () => agent.value && (agent.value = { ...agent.value, mustChangePassword: false }) });

  return {
    status,
    agent,
    error,
    busy,
    password,
    async load() {
      try {
        const me = await api.get<{ agent: Agent }>('/api/agent/me');
        agent.value = me.agent;
      } catch (e) {
        // 401 simply means "not signed in"; anything else is worth saying on the form.
        if (!(e instanceof ApiError && e.status === 401)) error.value = e instanceof ApiError ? e.message : String(e);
      } finally {
        checked.value = true;
      }
    },
    async signIn(email, password) {
      if (busy.value) return;
      if (!email.trim() || !password) {
        error.value = 'Enter your email and password.';
        return;
      }
      busy.value = true;
      error.value = null;
      try {
        const result = await api.post<{ agent: Agent }>('/api/agent/login', { email: email.trim(), password });
        agent.value = result.agent;
      } catch (e) {
        error.value = explain(e);
      } finally {
        busy.value = false;
        checked.value = true;
      }
    },
    async signOut() {
      try {
        await api.post('/api/agent/logout');
      } catch {
        // The session may already be gone; either way this browser is signed out now.
      }
      error.value = null;
      agent.value = null;
    },
    expire(message = 'Your session has ended. Sign in again.') {
      if (!agent.value) return;
      error.value = message;
      agent.value = null;
    },
  };
}
