import { AGENT_LIMITS } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { PasswordModel } from '../PasswordModel.ts';
import { Dialog, DialogError } from './Dialog.tsx';

/**
 * "Change your password": the current one, and the new one twice. `firstSignIn` asks an agent who
 * signed in with the one-time password an admin gave them to choose their own.
 */
export function PasswordDialog({ password, firstSignIn = false, onClose }: { password: Pick<PasswordModel, 'error' | 'busy' | 'change' | 'reset'>; firstSignIn?: boolean; onClose: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeated, setRepeated] = useState('');
  useEffect(() => password.reset(), [password]);
  const busy = password.busy.value;
  return (
    <Dialog title={firstSignIn ? 'Choose your own password' : 'Change your password'} onClose={onClose}>
      <form
        class="dialog__body"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          if (await password.change(current, next, repeated)) onClose();
        }}
      >
        <p class="dialog__hint">
          {firstSignIn
            ? 'You signed in with a one-time password from your admin. Choose one that only you know.'
            : `At least ${AGENT_LIMITS.minPassword} characters. Your other signed-in browsers are signed out.`}
        </p>
        <label class="field">
          <span class="field__label">{firstSignIn ? 'One-time password' : 'Current password'}</span>
          <input type="password" autoComplete="current-password" required data-autofocus value={current} onInput={(e) => setCurrent((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span class="field__label">New password</span>
          <input type="password" autoComplete="new-password" required minLength={AGENT_LIMITS.minPassword} maxLength={AGENT_LIMITS.password} value={next} onInput={(e) => setNext((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span class="field__label">New password again</span>
          <input type="password" autoComplete="new-password" required maxLength={AGENT_LIMITS.password} value={repeated} onInput={(e) => setRepeated((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <DialogError error={password.error.value} />
        <div class="dialog__actions">
          <button class="button button--quiet" type="button" onClick={onClose}>
            {firstSignIn ? 'Later' : 'Cancel'}
          </button>
          <button class="button button--primary" type="submit" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
