import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api.ts';
import { createSessionModel, WRONG_CREDENTIALS } from '../SessionModel.ts';
import { fakeApi } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { SignInForm } from './SignInForm.tsx';

const agent = { id: 'a1', name: 'Ada', email: 'agent@example.com', role: 'admin', workspaceId: 'w1' };
let unmount = () => {};
afterEach(() => unmount());

async function setup(login: (body?: unknown) => unknown) {
  const api = fakeApi({ 'POST /api/agent/login': login });
  const session = createSessionModel({ api });
  const view = await render(<SignInForm session={session} />);
  unmount = view.unmount;
  return { api, session, screen: within(view.container), user: userEvent.setup() };
}

describe('SignInForm', () => {
  it('shows the wrong-credentials alert when the gateway answers 401', async () => {
    const { screen, user, session } = await setup(() => {
      throw new ApiError(401, 'INVALID_CREDENTIALS', 'Wrong e-mail or password.');
    });
    expect(screen.queryByRole('alert')).toBeNull();
    await user.type(screen.getByLabelText('Email'), 'agent@example.com');
    await user.type(screen.getByLabelText('Password'), 'nope-nope');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await settle();
    expect(screen.getByRole('alert').textContent).toBe(WRONG_CREDENTIALS);
    expect(session.agent.value).toBeNull();
  });

  it('signs in with what was typed when the credentials are right', async () => {
    let body: unknown;
    const { screen, user, session } = await setup((b) => {
      body = b;
      return { agent };
    });
    await user.type(screen.getByRole('textbox', { name: 'Email' }), ' agent@example.com ');
    await user.type(screen.getByLabelText('Password'), 'demo-password-1{Enter}');
    await settle();
    expect(body).toEqual({ email: 'agent@example.com', password: 'demo-password-1' });
    expect(session.agent.value).toEqual(agent);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks for both fields when one is empty, without calling the gateway', async () => {
    const { screen, user, api } = await setup(() => ({ agent }));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await settle();
    expect(screen.getByRole('alert').textContent).toBe('Enter your email and password.');
    expect(api.calls).toEqual([]);
  });
});
