import { describe, expect, it } from 'vitest';
import { AgentCreateSchema, PasswordChangeSchema } from './agents.ts';
import { checkForm } from './tickets.ts';

describe('AgentCreateSchema', () => {
  it('trims the name, keeps the e-mail in lower case and makes an agent unless told', () => {
    expect(checkForm(AgentCreateSchema, { name: ' Kim ', email: ' Kim@Example.COM ' })).toEqual({ ok: true, value: { name: 'Kim', email: 'kim@example.com', role: 'agent' } });
    expect(checkForm(AgentCreateSchema, { name: 'Kim', email: 'kim@example.com', role: 'admin' })).toMatchObject({ ok: true, value: { role: 'admin' } });
  });

  it('names each bad field with its code', () => {
    expect(checkForm(AgentCreateSchema, { name: '', email: 'kim@example', role: 'owner', extra: 1 })).toEqual({
      ok: false,
      fields: [
        { field: 'name', code: 'REQUIRED', message: 'name is required' },
        { field: 'email', code: 'INVALID_EMAIL', message: 'email must be an e-mail address' },
        { field: 'role', code: 'INVALID_VALUE', message: 'role: must be agent or admin' },
        { field: 'extra', code: 'UNKNOWN_FIELD', message: 'extra is not a field this request takes' },
      ],
    });
  });
});

describe('PasswordChangeSchema', () => {
  it('takes the new password as typed, of at least 8 characters', () => {
    expect(checkForm(PasswordChangeSchema, { currentPassword: 'old', newPassword: ' spaces count ' })).toEqual({ ok: true, value: { currentPassword: 'old', newPassword: ' spaces count ' } });
    expect(checkForm(PasswordChangeSchema, { currentPassword: 'old', newPassword: 'seven77' })).toEqual({
      ok: false,
      fields: [{ field: 'newPassword', code: 'INVALID_VALUE', message: 'newPassword: must be at least 8 characters' }],
    });
    expect(checkForm(PasswordChangeSchema, { currentPassword: '', newPassword: '' })).toEqual({
      ok: false,
      fields: [expect.objectContaining({ field: 'currentPassword', code: 'REQUIRED' }), expect.objectContaining({ field: 'newPassword', code: 'REQUIRED' })],
    });
  });
});
