import { signal } from '@preact/signals';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversationModel } from '../ConversationModel.ts';
import { createTemplatesModel } from '../TemplatesModel.ts';
import { fakeApi, fakeClient } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { template } from '../test-support/workspace.ts';
import { createComposerFiles } from './composer-files.ts';
import { Composer } from './Composer.tsx';

const greeting = template('t1', { title: 'Greeting', body: 'Hi <name>, I am <agent_name>.', category: 'Greetings' });
const refund = template('t2', { title: 'Refund', body: 'Your refund is on its way.', category: 'Billing', language: 'nl' });
const ship = template('t3', { title: 'Shipping', body: 'We ship in two days.' });
const followUp = template('t4', { title: 'Follow-up by e-mail', body: 'Thanks, <first_name>. I will send the details to <email>.', category: 'Follow-up' });
const receipt = template('t5', { title: 'Receipt', body: 'The receipt goes to <email>.', category: 'Billing' });
const ALL = { templates: [greeting, refund, ship], nextCursor: null };

let unmount = () => {};
afterEach(() => unmount());

async function setup({ limit = 0, withTemplates = true } = {}) {
  const api = fakeApi({
    'GET /api/agent/templates?limit=50': () => ALL,
    'GET /api/agent/templates?q=re&limit=50': () => ({ templates: [greeting, refund], nextCursor: null }),
    'GET /api/agent/templates?q=gre&limit=50': () => ({ templates: [greeting], nextCursor: null }),
    'GET /api/agent/templates?q=refund&limit=50': () => ({ templates: [refund], nextCursor: null }),
    'GET /api/agent/templates?q=zzz&limit=50': () => ({ templates: [], nextCursor: null }),
    'GET /api/agent/templates?q=follow&limit=50': () => ({ templates: [followUp], nextCursor: null }),
    'GET /api/agent/templates?q=receipt&limit=50': () => ({ templates: [receipt], nextCursor: null }),
    'GET /api/agent/templates?category=Billing&limit=50': () => ({ templates: [refund], nextCursor: null }),
    'GET /api/agent/templates/facets': () => ({ categories: ['Billing', 'Greetings'], languages: ['en', 'nl'] }),
    'POST /api/agent/templates/t1/render': () => ({ text: 'Hi Vera, I am <agent_name>.', unfilled: ['agent_name'], masked: [], hidden: [] }),
    'POST /api/agent/templates/t2/render': () => ({ text: 'Your refund is on its way.', unfilled: [], masked: [], hidden: [] }),
    // Masking on: the contact's e-mail is left for the agent, never filled in masked.
    'POST /api/agent/templates/t4/render': () => ({ text: 'Thanks, Vera. I will send the details to <email>.', unfilled: ['email'], masked: ['email'], hidden: [] }),
    // Contact details for admins only: the e-mail is left out for an agent, masking on or off.
    'POST /api/agent/templates/t5/render': () => ({ text: 'The receipt goes to <email>.', unfilled: ['email'], masked: ['email'], hidden: ['email'] }),
  });
  const client = fakeClient();
  const model = createConversationModel({ api, client, conversationId: 'c1', me: { id: 'a1' }, maxLength: signal(limit) });
  const templates = createTemplatesModel({ api, searchDelayMs: 0 });
  const files = createComposerFiles({ upload: () => ({ done: new Promise(() => {}), abort: () => {} }) as never, policy: async () => ({ maxBytes: 1, extensions: [] }) });
  const view = await render(<Composer model={model} files={files} {...(withTemplates && { templates })} />);
  unmount = () => {
    view.unmount();
    model.dispose();
    templates.dispose();
  };
  const screen = within(document.body);
  const box = screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement;
  return { api, client, model, templates, screen, box, user: userEvent.setup(), container: view.container };
}

/** Types `/` and the words, then takes the first template listed with Enter, as an agent does. */
async function insertWithSlash(user: ReturnType<typeof userEvent.setup>, box: HTMLTextAreaElement, words: string) {
  await user.type(box, `/${words}`);
  await settle();
  await user.keyboard('{Enter}');
  await settle();
}

/** The templates listed (the listbox's options, not the filters' choices). */
const listed = (screen: ReturnType<typeof within>) => within(screen.getByRole('listbox', { name: 'Templates' })).queryAllByRole('option');
const options = (screen: ReturnType<typeof within>) => listed(screen).map((o) => o.querySelector('.template-option__title')!.textContent);
const selected = (screen: ReturnType<typeof within>) => listed(screen).find((o) => o.getAttribute('aria-selected') === 'true')?.querySelector('.template-option__title')?.textContent;

describe('Composer', () => {
  it('shows the length against the limit, and refuses to send a message over it', async () => {
    const { screen, box, user, client } = await setup({ limit: 20 });
    const counter = document.getElementById(box.getAttribute('aria-describedby')!.split(' ')[0]!)!;
    expect(counter.textContent).toBe('0 / 20 characters');
    await user.type(box, 'Twelve chars');
    expect(counter.textContent).toBe('12 / 20 characters');
    await user.type(box, ' and then some more');
    await settle();
    expect(counter.textContent).toBe('31 / 20 characters');
    expect(counter.className).toContain('composer__count--over');
    expect(screen.getByRole('alert').textContent).toBe('The message is 11 characters too long. Shorten it to 20 characters or send it in two parts.');
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    await user.type(box, '{Enter}');
    expect(client.sent).toEqual([]);
    await user.clear(box);
    await user.type(box, 'Short now{Enter}');
    expect(client.sent.map((m) => m.body)).toEqual(['Short now']);
  });

  it('takes the gateway’s body limit when the hello named none', async () => {
    const { box } = await setup();
    expect(document.getElementById(box.getAttribute('aria-describedby')!)!.textContent).toBe('0 / 10,000 characters');
  });

  it('keeps replies and internal notes visibly apart', async () => {
    const { screen, user, container, box } = await setup();
    const form = container.querySelector('form')!;
    expect(form.className).not.toContain('composer--note');
    expect(screen.getByText('The visitor sees replies.')).toBeTruthy();
    await user.click(screen.getByRole('radio', { name: 'Internal note' }));
    expect(form.className).toContain('composer--note');
    expect(screen.getByText('Only agents see internal notes.')).toBeTruthy();
    // Named for what it writes, for screen readers too.
    expect(screen.queryByRole('textbox', { name: 'Reply' })).toBeNull();
    expect((screen.getByRole('textbox', { name: 'Internal note' }) as HTMLTextAreaElement).placeholder).toBe('Write an internal note for your team…');
    await user.click(screen.getByRole('radio', { name: 'Reply' }));
    expect(screen.getByRole('textbox', { name: 'Reply' })).toBe(box);
  });

  it('lists matching templates after / and moves through them with the arrows, keeping the focus in the reply box', async () => {
    const { screen, box, user } = await setup();
    await user.type(box, '/re');
    await settle();
    const list = screen.getByRole('listbox', { name: 'Templates' });
    expect(box.getAttribute('aria-controls')).toBe(list.id);
    expect(options(screen)).toEqual(['Greeting', 'Refund']);
    expect(selected(screen)).toBe('Greeting');
    expect(box.getAttribute('aria-activedescendant')).toBe(listed(screen)[0]!.id);
    await user.keyboard('{ArrowDown}');
    expect(selected(screen)).toBe('Refund');
    expect(box.getAttribute('aria-activedescendant')).toBe(listed(screen)[1]!.id);
    await user.keyboard('{ArrowDown}');
    expect(selected(screen)).toBe('Greeting');
    await user.keyboard('{ArrowUp}');
    expect(selected(screen)).toBe('Refund');
    expect(document.activeElement).toBe(box);
    expect(box.value).toBe('/re');
  });

  it('puts the chosen template, rendered for the conversation, in place of the / search for editing, and says what to fill in', async () => {
    const { screen, box, user, client, api } = await setup();
    await user.type(box, '/gre');
    await settle();
    await user.keyboard('{Enter}');
    await settle();
    expect(api.bodies).toContainEqual({ call: 'POST /api/agent/templates/t1/render', body: { conversationId: 'c1' } });
    expect(box.value).toBe('Hi Vera, I am <agent_name>.');
    expect(client.sent).toEqual([]);
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(document.activeElement).toBe(box);
    expect(box.selectionStart).toBe(box.value.length);
    expect(screen.getByText(/Fill in <agent_name> before sending/)).toBeTruthy();
    await user.clear(box);
    await user.type(box, 'Hi Vera, I am Ada.');
    expect(screen.queryByText(/Fill in/)).toBeNull();
    await user.keyboard('{Enter}');
    expect(client.sent.map((m) => m.body)).toEqual(['Hi Vera, I am Ada.']);
  });

  it('sends nothing, with Enter or the Send button, while a template parameter is unfilled, and says again what to fill in', async () => {
    const { screen, box, user, client } = await setup();
    await insertWithSlash(user, box, 'gre');
    expect(box.value).toBe('Hi Vera, I am <agent_name>.');
    const send = screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull();
    await user.keyboard('{Enter}');
    await settle();
    expect(client.sent).toEqual([]);
    expect(box.value).toBe('Hi Vera, I am <agent_name>.');
    expect(screen.getByRole('alert').textContent).toBe('Fill in <agent_name> before sending: the conversation has no value for it.');
    expect(document.activeElement).toBe(box);

    // Filled in: it goes.
    box.setSelectionRange(box.value.indexOf('<'), box.value.indexOf('>') + 1);
    await user.keyboard('Ada');
    expect(box.value).toBe('Hi Vera, I am Ada.');
    expect(send.disabled).toBe(false);
    expect(box.hasAttribute('aria-invalid')).toBe(false);
    await user.click(send);
    expect(client.sent.map((m) => m.body)).toEqual(['Hi Vera, I am Ada.']);
  });

  it('still holds the message back for an earlier template’s parameter after another template is inserted', async () => {
    const { screen, box, user, client } = await setup();
    await insertWithSlash(user, box, 'gre');
    await user.type(box, ' ');
    await user.click(screen.getByRole('button', { name: 'Templates' }));
    await settle();
    await user.click(screen.getByRole('option', { name: /Refund/ }));
    await settle();
    expect(box.value).toBe('Hi Vera, I am <agent_name>. Your refund is on its way.');
    await user.keyboard('{Enter}');
    expect(client.sent).toEqual([]);
    expect(screen.getByRole('alert').textContent).toContain('Fill in <agent_name> before sending');
  });

  it('says that a parameter masking hides is the agent’s to fill in, not that the conversation has no value for it', async () => {
    const { screen, box, user } = await setup();
    await insertWithSlash(user, box, 'follow');
    expect(box.value).toBe('Thanks, Vera. I will send the details to <email>.');
    expect(screen.getByText('Fill in <email> before sending: personal data is masked, so the template does not fill it in for you.')).toBeTruthy();
    expect(box.getAttribute('aria-describedby')).toContain(screen.getByText(/Fill in <email>/).id);
  });

  it('says that a contact detail left out is for admins only in this workspace, not that personal data is masked', async () => {
    const { screen, box, user, client } = await setup();
    await insertWithSlash(user, box, 'receipt');
    expect(box.value).toBe('The receipt goes to <email>.');
    const hint = screen.getByText('Fill in <email> before sending: only admins see customers’ contact details in this workspace, so the template does not fill it in for you.');
    expect(box.getAttribute('aria-describedby')).toContain(hint.id);
    expect(screen.queryByText(/masked/)).toBeNull();
    await user.keyboard('{Enter}');
    expect(client.sent).toEqual([]);
  });

  it('takes a template from the / list with a click too', async () => {
    const { screen, box, user } = await setup();
    await user.type(box, '/re');
    await settle();
    await user.click(screen.getByRole('option', { name: /Refund/ }));
    await settle();
    expect(box.value).toBe('Your refund is on its way.');
  });

  it('closes the / list with Escape and then sends the text as written; with no match Enter sends nothing', async () => {
    const { screen, box, user, client } = await setup();
    await user.type(box, '/zzz');
    await settle();
    expect(screen.getByText(/No template matches/)).toBeTruthy();
    await user.keyboard('{Enter}');
    expect(client.sent).toEqual([]);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(box.hasAttribute('aria-controls')).toBe(false);
    expect(box.value).toBe('/zzz');
    await user.keyboard('{Enter}');
    expect(client.sent.map((m) => m.body)).toEqual(['/zzz']);
  });

  it('opens the picker with the Templates button: search, filter and insert from the keyboard at the caret', async () => {
    const { screen, box, user, api } = await setup();
    await user.type(box, 'Hello! ');
    await user.click(screen.getByRole('button', { name: 'Templates' }));
    await settle();
    const dialog = screen.getByRole('dialog', { name: 'Insert a template' });
    const search = within(dialog).getByRole('combobox', { name: 'Search templates' });
    expect(document.activeElement).toBe(search);
    expect(search.getAttribute('aria-expanded')).toBe('true');
    expect(options(screen)).toEqual(['Greeting', 'Refund', 'Shipping']);
    expect(within(dialog).getByRole('option', { name: /Refund/ }).textContent).toContain('Billing · Dutch (nl)');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Category' }), 'Billing');
    await settle();
    expect(options(screen)).toEqual(['Refund']);
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Category' }), '');
    await settle();
    await user.click(search);
    await user.keyboard('{ArrowDown}');
    expect(search.getAttribute('aria-activedescendant')).toBe(listed(screen)[1]!.id);
    await user.keyboard('{Enter}');
    await settle();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(box.value).toBe('Hello! Your refund is on its way.');
    expect(document.activeElement).toBe(box);
    expect(api.calls).toContain('GET /api/agent/templates?category=Billing&limit=50');
  });

  it('searches in the picker as the agent types', async () => {
    const { screen, user } = await setup();
    await user.click(screen.getByRole('button', { name: 'Templates' }));
    await settle();
    await user.keyboard('refund');
    await settle();
    expect(options(screen)).toEqual(['Refund']);
  });

  it('closes the picker with Escape and gives the focus back to the Templates button', async () => {
    const { screen, user, box } = await setup();
    const button = screen.getByRole('button', { name: 'Templates' });
    await user.click(button);
    await settle();
    await user.keyboard('{Escape}');
    await settle();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(box.value).toBe('');
  });

  it('has no Templates button and no / list without templates', async () => {
    const { screen, box, user } = await setup({ withTemplates: false });
    expect(screen.queryByRole('button', { name: 'Templates' })).toBeNull();
    await user.type(box, '/re');
    expect(screen.queryByRole('listbox')).toBeNull();
  });
});
