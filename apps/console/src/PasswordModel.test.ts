import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { createPasswordModel } from './PasswordModel.ts';
import { fakeApi } from './test-support/fakes.ts';

describe('createPasswordModel', () => {
  it('says what is wrong before sending anything', async () => {
    const api = fakeApi({});
    const password = createPasswordModel({ api });
    expect(await password.change('', 'a good new password', 'a good new password')).toBe(false);
    expect(password.error.value).toBe('Enter your current password.');
    expect(await password.change('old one', 'short', 'short')).toBe(false);
    expect(password.error.value).toBe('The new password must be at least 8 characters.');
    expect(await password.change('old one', 'a good new password', 'a good new passwort')).toBe(false);
    expect(password.error.value).toBe('The new password and its repetition differ.');
    expect(api.calls).toEqual([]);
  });

  it('changes the password and tells whoever listens', async () => {
    let told = 0;
    const api = fakeApi({ 'POST /api/agent/password': () => ({ ok: true }) });
    const password = createPasswordModel({ api, onChanged: () => void told++ });
    expect(await password.change('old one', 'a good new password', 'a good new password')).toBe(true);
    expect(api.bodies).toEqual([{ call: 'POST /api/agent/password', body: { currentPassword: 'old one', newPassword: 'a good new password' } }]);
    expect(password.changed.value).toBe(true);
    expect(password.error.value).toBeNull();
    expect(told).toBe(1);
  });

  it('shows the gateway’s reason when it refuses', async () => {
    const api = fakeApi({
      'POST /api/agent/password': () => {
        throw new ApiError(403, 'INVALID_CREDENTIALS', 'The current password is wrong.');
      },
    });
    const password = createPasswordModel({ api });
    expect(await password.change('not it', 'a good new password', 'a good new password')).toBe(false);
    expect(password.error.value).toBe('The current password is wrong.');
    expect(password.busy.value).toBe(false);
    password.reset();
    expect(password.error.value).toBeNull();
  });
});
