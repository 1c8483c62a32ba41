import { AGENT_LIMITS, PasswordChangeSchema } from '@parley/protocol';
import { batch, signal, type ReadonlySignal } from '@preact/signals';
import * as v from 'valibot';
import { explainError, type Api } from './api.ts';

/** What the password model needs: REST for `POST /api/agent/password`, and who to tell once it changed. */
export interface PasswordTransport {
  api: Pick<Api, 'post'>;
  /** Called after the gateway took the new password. */
  onChanged?: () => void;
}

/** The signed-in agent changing their own password: the form's error, progress and outcome. */
export interface PasswordModel {
  /** Why the last try failed, in words for the agent. */
  readonly error: ReadonlySignal<string | null>;
  readonly busy: ReadonlySignal<boolean>;
  /** True once the password was changed (until `reset`). */
  readonly changed: ReadonlySignal<boolean>;
  /** Changes the password: the current one, and the new one typed twice. True when done. */
  change(currentPassword: string, newPassword: string, repeated: string): Promise<boolean>;
  /** Forgets the last error and outcome (the form opens again). */
  reset(): void;
}

/** Creates the password model. */
export function createPasswordModel({ api, onChanged }: PasswordTransport): PasswordModel {
  const error = signal<string | null>(null);
  const busy = signal(false);
  const changed = signal(false);

  /** What is wrong with the form before anything is sent, or null. */
  function problem(currentPassword: string, newPassword: string, repeated: string): string | null {
    if (!currentPassword) return 'Enter your current password.';
    if (newPassword.length < AGENT_LIMITS.minPassword) return `The new password must be at least ${AGENT_LIMITS.minPassword} characters.`;
    if (newPassword !== repeated) return 'The new password and its repetition differ.';
    if (!v.is(PasswordChangeSchema, { currentPassword, newPassword })) return `The passwords must be at most ${AGENT_LIMITS.password} characters.`;
    return null;
  }

  return {
    error,
    busy,
    changed,
    async change(currentPassword, newPassword, repeated) {
      if (busy.value) return false;
      const wrong = problem(currentPassword, newPassword, repeated);
      batch(() => {
        error.value = wrong;
        changed.value = false;
      });
      if (wrong) return false;
      busy.value = true;
      try {
        await api.post('/api/agent/password', { currentPassword, newPassword });
        changed.value = true;
        onChanged?.();
        return true;
      } catch (e) {
        error.value = explainError(e, 'The password could not be changed.');
        return false;
      } finally {
        busy.value = false;
      }
    },
    reset() {
      batch(() => {
        error.value = null;
        changed.value = false;
      });
    },
  };
}
