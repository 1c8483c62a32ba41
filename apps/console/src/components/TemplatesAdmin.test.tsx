import type { Template } from '@parley/protocol';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api.ts';
import { createTemplatesModel } from '../TemplatesModel.ts';
import { fakeApi } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { template } from '../test-support/workspace.ts';
import { TemplatesAdmin } from './TemplatesAdmin.tsx';

let unmount = () => {};
afterEach(() => unmount());

async function setup() {
  let list: Template[] = [template('t1', { title: 'Greeting', body: 'Hi <name>!', category: 'Greetings' })];
  const api = fakeApi({
    'GET /api/agent/templates?limit=50': () => ({ templates: list, nextCursor: null }),
    'GET /api/agent/templates?q=zz&limit=50': () => ({ templates: [], nextCursor: null }),
    'GET /api/agent/templates/facets': () => ({ categories: ['Greetings'], languages: ['en'] }),
    'POST /api/admin/templates': (body) => {
      const made = template('t2', body as object);
      list = [...list, made];
      return { template: made };
    },
    'PATCH /api/admin/templates/t1': (body) => {
      list = list.map((t) => (t.id === 't1' ? { ...t, ...(body as object) } : t));
      return { template: list[0] };
    },
    'DELETE /api/admin/templates/t1': () => {
      list = list.filter((t) => t.id !== 't1');
      return { ok: true };
    },
  });
  const templates = createTemplatesModel({ api, searchDelayMs: 0 });
  const view = await render(<TemplatesAdmin templates={templates} />);
  unmount = view.unmount;
  await settle();
  const screen = within(document.body);
  return { api, screen, section: screen.getByRole('region', { name: 'Templates' }), user: userEvent.setup() };
}

const writes = (api: Awaited<ReturnType<typeof setup>>['api']) => api.bodies.filter((b) => !b.call.startsWith('GET'));

describe('TemplatesAdmin', () => {
  it('lists the templates and creates one with a category, a language and parameters', async () => {
    const { section, user, api } = await setup();
    expect(section.textContent).toContain('Greeting');
    expect(section.textContent).toContain('Greetings · English (en)');
    await user.click(within(section).getByRole('button', { name: 'New template' }));
    const form = within(section).getByRole('form', { name: 'New template' });
    expect(document.activeElement).toBe(within(form).getByRole('textbox', { name: 'Name' }));
    expect(form.textContent).toContain('<name>');
    expect(form.textContent).toContain('<agent_name>');
    await user.keyboard('Refund');
    await user.type(within(form).getByRole('combobox', { name: 'Category (optional)' }), 'Billing');
    const language = within(form).getByRole('combobox', { name: 'Language' });
    await user.clear(language);
    await user.type(language, 'nl');
    await user.type(within(form).getByRole('textbox', { name: 'Text' }), 'Hallo <first_name>, je geld komt eraan.');
    await user.click(within(form).getByRole('button', { name: 'Create template' }));
    await settle();
    expect(writes(api)).toEqual([{ call: 'POST /api/admin/templates', body: { title: 'Refund', body: 'Hallo <first_name>, je geld komt eraan.', category: 'Billing', language: 'nl' } }]);
    expect(within(section).queryByRole('form')).toBeNull();
    expect(within(section).getByRole('button', { name: 'Edit Refund' })).toBeTruthy();
  });

  it('says what is wrong instead of sending a bad template', async () => {
    const { section, user, api } = await setup();
    await user.click(within(section).getByRole('button', { name: 'New template' }));
    await user.click(within(section).getByRole('button', { name: 'Create template' }));
    await settle();
    expect(within(section).getByRole('alert').textContent).toBe('Name must not be empty.');
    expect(writes(api)).toEqual([]);
  });

  it('edits a template', async () => {
    const { section, user, api } = await setup();
    await user.click(within(section).getByRole('button', { name: 'Edit Greeting' }));
    const form = within(section).getByRole('form', { name: 'Edit Greeting' });
    const text = within(form).getByRole('textbox', { name: 'Text' });
    await user.clear(text);
    await user.type(text, 'Hello <name>!');
    await user.click(within(form).getByRole('button', { name: 'Save template' }));
    await settle();
    expect(writes(api)).toEqual([{ call: 'PATCH /api/admin/templates/t1', body: { title: 'Greeting', body: 'Hello <name>!', category: 'Greetings', language: 'en' } }]);
    expect(section.textContent).toContain('Hello <name>!');
  });

  it('deletes a template only after the confirmation', async () => {
    const { section, screen, user, api } = await setup();
    await user.click(within(section).getByRole('button', { name: 'Delete Greeting' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete the template “Greeting”?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(writes(api)).toEqual([]);
    expect(api.calls).not.toContain('DELETE /api/admin/templates/t1');
    await user.click(within(section).getByRole('button', { name: 'Delete Greeting' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete template' }));
    await settle();
    expect(api.calls).toContain('DELETE /api/admin/templates/t1');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(section.textContent).toContain('No templates yet.');
  });

  it('keeps the dialog open and says why a delete failed', async () => {
    const api = fakeApi({
      'GET /api/agent/templates?limit=50': () => ({ templates: [template('t1', { title: 'Greeting' })], nextCursor: null }),
      'GET /api/agent/templates/facets': () => ({ categories: [], languages: ['en'] }),
      'DELETE /api/admin/templates/t1': () => {
        throw new ApiError(403, 'FORBIDDEN', 'Only admins create, change and delete templates; ask an admin of your workspace.');
      },
    });
    const templates = createTemplatesModel({ api, searchDelayMs: 0 });
    const view = await render(<TemplatesAdmin templates={templates} />);
    unmount = view.unmount;
    await settle();
    const screen = within(document.body);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Delete Greeting' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete template' }));
    await settle();
    expect(within(screen.getByRole('dialog')).getByRole('alert').textContent).toContain('Only admins');
  });

  it('searches the templates', async () => {
    const { section, user } = await setup();
    await user.type(within(section).getByRole('searchbox', { name: 'Search templates' }), 'zz');
    await settle();
    expect(section.textContent).toContain('No template matches.');
  });
});
