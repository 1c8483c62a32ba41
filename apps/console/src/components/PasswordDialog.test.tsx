import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api.ts';
import { createPasswordModel } from '../PasswordModel.ts';
import { fakeApi } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { PasswordDialog } from './PasswordDialog.tsx';

let unmount = () => {};
afterEach(() => unmount());

async function setup(answer: () => unknown, firstSignIn = false) {
  const api = fakeApi({ 'POST /api/agent/password': answer });
  let closed = 0;
  const view = await render(<PasswordDialog password={createPasswordModel({ api })} firstSignIn={firstSignIn} onClose={() => void closed++} />);
  unmount = view.unmount;
  const screen = within(view.container);
  const dialog = within(screen.getByRole('dialog'));
  return { api, screen, dialog, closed: () => closed, user: userEvent.setup() };
}

/** Fills the three password fields from the keyboard, starting in the first, and sends. */
async function fill(user: ReturnType<typeof userEvent.setup>, current: string, next: string, repeated = next) {
  await user.keyboard(current);
  await user.tab();
  await user.keyboard(next);
  await user.tab();
  await user.keyboard(repeated);
  await user.keyboard('{Enter}');
  await settle();
}

describe('PasswordDialog', () => {
  it('changes the password from the keyboard and closes', async () => {
    const { api, dialog, user, closed, screen } = await setup(() => ({ ok: true }));
    expect(screen.getByRole('dialog', { name: 'Change your password' })).toBeTruthy();
    expect(document.activeElement).toBe(dialog.getByLabelText('Current password'));
    await fill(user, 'the old one', 'a new good password');
    expect(api.bodies).toEqual([{ call: 'POST /api/agent/password', body: { currentPassword: 'the old one', newPassword: 'a new good password' } }]);
    expect(closed()).toBe(1);
  });

  it('stays open with the reason when the passwords differ or the current one is wrong', async () => {
    const { api, dialog, user, closed } = await setup(() => {
      throw new ApiError(403, 'INVALID_CREDENTIALS', 'The current password is wrong.');
    });
    await fill(user, 'the old one', 'a new good password', 'a new good pasword');
    expect(dialog.getByRole('alert').textContent).toBe('The new password and its repetition differ.');
    expect(api.calls).toEqual([]);
    await user.clear(dialog.getByLabelText('New password again'));
    await user.type(dialog.getByLabelText('New password again'), 'a new good password{Enter}');
    await settle();
    expect(dialog.getByRole('alert').textContent).toBe('The current password is wrong.');
    expect(closed()).toBe(0);
  });

  it('asks an agent who signed in with a one-time password to choose their own, or later', async () => {
    const { screen, dialog, user, closed } = await setup(() => ({ ok: true }), true);
    expect(screen.getByRole('dialog', { name: 'Choose your own password' }).textContent).toContain('one-time password from your admin');
    expect(dialog.getByLabelText('One-time password')).toBeTruthy();
    await user.click(dialog.getByRole('button', { name: 'Later' }));
    expect(closed()).toBe(1);
  });
});
