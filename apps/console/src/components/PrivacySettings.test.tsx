import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api.ts';
import { createPrivacyModel } from '../PrivacyModel.ts';
import { fakeApi } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { PrivacySettings } from './PrivacySettings.tsx';

let unmount = () => {};
afterEach(() => unmount());

async function setup(routes: Record<string, (body?: unknown) => unknown> = {}) {
  let mask = false;
  let roles: string[] = ['agent', 'admin'];
  const api = fakeApi({
    'GET /api/admin/workspace': () => ({ workspace: { id: 'demo', name: 'Demo workspace', maskPersonalData: mask } }),
    'GET /api/admin/workspace/customer-panel': () => ({ settings: { contactDetailsRoles: roles } }),
    'PATCH /api/admin/workspace': (body) => {
      mask = (body as { maskPersonalData: boolean }).maskPersonalData;
      return { workspace: { id: 'demo', name: 'Demo workspace', maskPersonalData: mask } };
    },
    'PATCH /api/admin/workspace/customer-panel': (body) => {
      roles = (body as { contactDetailsRoles: string[] }).contactDetailsRoles;
      return { settings: { contactDetailsRoles: roles } };
    },
    ...routes,
  });
  const view = await render(<PrivacySettings privacy={createPrivacyModel({ api })} />);
  unmount = view.unmount;
  await settle();
  const section = within(view.container).getByRole('region', { name: 'Privacy' });
  return { api, section: within(section), user: userEvent.setup() };
}

const writes = (api: Awaited<ReturnType<typeof setup>>['api']) => api.bodies.filter((b) => !b.call.startsWith('GET'));

describe('PrivacySettings', () => {
  it('explains masking, and turns it on from the keyboard with a saved message', async () => {
    const { api, section, user } = await setup();
    const mask = section.getByRole('checkbox', { name: 'Mask personal data' }) as HTMLInputElement;
    expect(mask.checked).toBe(false);
    const hint = document.getElementById(mask.getAttribute('aria-describedby')!)!.textContent!;
    for (const what of ['Card numbers', 'IBANs', 'social security numbers', 'e-mail addresses', 'phone numbers', 'everything agents see']) expect(hint).toContain(what);
    const save = section.getByRole('button', { name: 'Save privacy settings' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    mask.focus();
    await user.keyboard(' ');
    expect(mask.checked).toBe(true);
    expect(save.disabled).toBe(false);
    // The radio group is one stop, on its checked choice.
    await user.tab();
    expect(document.activeElement).toBe(section.getByRole('radio', { name: /Agents and admins/ }));
    await user.tab();
    expect(document.activeElement).toBe(save);
    await user.keyboard('{Enter}');
    await settle();
    expect(writes(api)).toEqual([{ call: 'PATCH /api/admin/workspace', body: { maskPersonalData: true } }]);
    expect(section.getByRole('status').textContent).toBe('Privacy settings saved.');
    expect(save.disabled).toBe(true);
    expect((section.getByRole('checkbox', { name: 'Mask personal data' }) as HTMLInputElement).checked).toBe(true);

    // Editing again clears the message.
    await user.click(section.getByRole('checkbox', { name: 'Mask personal data' }));
    expect(section.getByRole('status').textContent).toBe('');
  });

  it('chooses who sees contact details; admins always do', async () => {
    const { api, section, user } = await setup();
    const group = within(section.getByRole('group', { name: 'Who sees contact details' }));
    expect((group.getByRole('radio', { name: /Agents and admins/ }) as HTMLInputElement).checked).toBe(true);
    expect(group.getByText(/Admins always see them/)).toBeTruthy();
    await user.click(group.getByRole('radio', { name: /Admins only/ }));
    await user.click(section.getByRole('button', { name: 'Save privacy settings' }));
    await settle();
    expect(writes(api)).toEqual([{ call: 'PATCH /api/admin/workspace/customer-panel', body: { contactDetailsRoles: ['admin'] } }]);
    expect((group.getByRole('radio', { name: /Admins only/ }) as HTMLInputElement).checked).toBe(true);
    expect(section.getByRole('status').textContent).toBe('Privacy settings saved.');
  });

  it('keeps the admin’s choice and says what to do when saving fails', async () => {
    const { section, user } = await setup({
      'PATCH /api/admin/workspace': () => {
        throw new ApiError(0, 'NETWORK', 'Parley could not be reached. Check the connection and try again.');
      },
    });
    await user.click(section.getByRole('checkbox', { name: 'Mask personal data' }));
    await user.click(section.getByRole('button', { name: 'Save privacy settings' }));
    await settle();
    expect(section.getByRole('alert').textContent).toBe('Parley could not be reached. Check the connection and try again.');
    expect((section.getByRole('checkbox', { name: 'Mask personal data' }) as HTMLInputElement).checked).toBe(true);
    expect((section.getByRole('button', { name: 'Save privacy settings' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says why the settings could not be read, and reads them again on request', async () => {
    let down = true;
    const { section, user } = await setup({
      'GET /api/admin/workspace/customer-panel': () => {
        if (down) throw new ApiError(500, 'INTERNAL', 'Internal error');
        return { settings: { contactDetailsRoles: ['admin'] } };
      },
    });
    expect(section.getByRole('alert').textContent).toBe('The privacy settings could not be loaded. Try again in a moment.');
    expect(section.queryByRole('checkbox')).toBeNull();
    down = false;
    await user.click(section.getByRole('button', { name: 'Load the privacy settings again' }));
    await settle();
    expect(section.queryByRole('alert')).toBeNull();
    expect((section.getByRole('radio', { name: /Admins only/ }) as HTMLInputElement).checked).toBe(true);
    expect(section.queryByRole('button', { name: 'Load the privacy settings again' })).toBeNull();
  });
});
