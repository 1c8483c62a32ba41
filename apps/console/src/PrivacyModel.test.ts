import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { createPrivacyModel, privacyChanged } from './PrivacyModel.ts';
import { fakeApi } from './test-support/fakes.ts';

const workspace = (maskPersonalData: boolean) => ({ workspace: { id: 'demo', name: 'Demo workspace', maskPersonalData } });
const panel = (contactDetailsRoles: ('agent' | 'admin')[]) => ({ settings: { contactDetailsRoles } });

function setup(routes: Record<string, (body?: unknown) => unknown> = {}) {
  const api = fakeApi({
    'GET /api/admin/workspace': () => workspace(false),
    'GET /api/admin/workspace/customer-panel': () => panel(['agent', 'admin']),
    'PATCH /api/admin/workspace': (body) => workspace((body as { maskPersonalData: boolean }).maskPersonalData),
    'PATCH /api/admin/workspace/customer-panel': (body) => panel((body as { contactDetailsRoles: ('agent' | 'admin')[] }).contactDetailsRoles),
    ...routes,
  });
  return { api, privacy: createPrivacyModel({ api }) };
}

const writes = (api: ReturnType<typeof setup>['api']) => api.bodies.filter((b) => !b.call.startsWith('GET'));

describe('createPrivacyModel', () => {
  it('reads the masking setting and who sees contact details', async () => {
    const { privacy } = setup();
    expect(privacy.status.value).toBe('loading');
    await privacy.load();
    expect(privacy.status.value).toBe('ready');
    expect(privacy.settings.value).toEqual({ maskPersonalData: false, contactDetailsRoles: ['agent', 'admin'] });
  });

  it('saves only what changed, and says it is saved', async () => {
    const { api, privacy } = setup();
    await privacy.load();
    expect(await privacy.save({ maskPersonalData: true, contactDetailsRoles: ['agent', 'admin'] })).toBe(true);
    expect(writes(api)).toEqual([{ call: 'PATCH /api/admin/workspace', body: { maskPersonalData: true } }]);
    expect(privacy.settings.value).toEqual({ maskPersonalData: true, contactDetailsRoles: ['agent', 'admin'] });
    expect(privacy.saved.value).toBe('Privacy settings saved.');

    expect(await privacy.save({ maskPersonalData: true, contactDetailsRoles: ['admin'] })).toBe(true);
    expect(writes(api).at(-1)).toEqual({ call: 'PATCH /api/admin/workspace/customer-panel', body: { contactDetailsRoles: ['admin'] } });
    expect(privacy.settings.value?.contactDetailsRoles).toEqual(['admin']);
    expect(privacy.busy.value).toBe(false);

    privacy.clearFeedback();
    expect(privacy.saved.value).toBeNull();
  });

  it('sends the roles in the gateway’s order, and nothing when nothing changed', async () => {
    const { api, privacy } = setup({ 'GET /api/admin/workspace/customer-panel': () => panel(['admin']) });
    await privacy.load();
    expect(await privacy.save({ maskPersonalData: false, contactDetailsRoles: ['admin', 'agent'] })).toBe(true);
    expect(writes(api)).toEqual([{ call: 'PATCH /api/admin/workspace/customer-panel', body: { contactDetailsRoles: ['agent', 'admin'] } }]);
    expect(await privacy.save({ maskPersonalData: false, contactDetailsRoles: ['agent', 'admin'] })).toBe(true);
    expect(writes(api)).toHaveLength(1);
    expect(privacy.saved.value).toBe('Nothing to save: the settings are as they were.');
  });

  it('refuses contact details hidden from admins before sending anything', async () => {
    const { api, privacy } = setup();
    await privacy.load();
    expect(await privacy.save({ maskPersonalData: false, contactDetailsRoles: ['agent'] })).toBe(false);
    expect(privacy.error.value).toBe('Admins always see contact details: choose “Admins only” or “Agents and admins”.');
    expect(writes(api)).toEqual([]);
  });

  it('says what to do when a save fails, and which part was saved', async () => {
    const { privacy } = setup({
      'PATCH /api/admin/workspace/customer-panel': () => {
        throw new ApiError(503, 'INTERNAL', 'Something broke.');
      },
    });
    await privacy.load();
    expect(await privacy.save({ maskPersonalData: true, contactDetailsRoles: ['admin'] })).toBe(false);
    expect(privacy.error.value).toBe('The masking setting is saved. Who sees contact details could not be saved. Try again in a moment.');
    expect(privacy.settings.value).toEqual({ maskPersonalData: true, contactDetailsRoles: ['agent', 'admin'] });
    expect(privacy.saved.value).toBeNull();

    const refused = setup({
      'PATCH /api/admin/workspace': () => {
        throw new ApiError(403, 'FORBIDDEN', 'Only admins see and change the workspace settings; ask an admin of your workspace.');
      },
    });
    await refused.privacy.load();
    expect(await refused.privacy.save({ maskPersonalData: true, contactDetailsRoles: ['agent', 'admin'] })).toBe(false);
    expect(refused.privacy.error.value).toBe('Only admins see and change the workspace settings; ask an admin of your workspace.');
    expect(refused.privacy.settings.value?.maskPersonalData).toBe(false);
  });

  it('says what to do when the settings cannot be read', async () => {
    const { privacy } = setup({
      'GET /api/admin/workspace': () => {
        throw new ApiError(0, 'NETWORK', 'Parley could not be reached. Check the connection and try again.');
      },
    });
    await privacy.load();
    expect(privacy.status.value).toBe('error');
    expect(privacy.error.value).toBe('Parley could not be reached. Check the connection and try again.');
    expect(await privacy.save({ maskPersonalData: true, contactDetailsRoles: ['admin'] })).toBe(false);
  });

  it('tells a draft from the settings it started from', () => {
    const settings = { maskPersonalData: false, contactDetailsRoles: ['agent', 'admin'] as ('agent' | 'admin')[] };
    expect(privacyChanged(settings, { ...settings, contactDetailsRoles: ['admin', 'agent'] })).toBe(false);
    expect(privacyChanged(settings, { ...settings, maskPersonalData: true })).toBe(true);
    expect(privacyChanged(settings, { ...settings, contactDetailsRoles: ['admin'] })).toBe(true);
    expect(privacyChanged(null, settings)).toBe(true);
  });
});
