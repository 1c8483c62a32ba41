import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { render as preactRender } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { createTemplatesModel } from '../TemplatesModel.ts';
import { fakeApi } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { template } from '../test-support/workspace.ts';
import { languageName, TemplatePickerDialog } from './TemplatePicker.tsx';

let unmount = () => {};
afterEach(() => unmount());

const list = ['a', 'b', 'c', 'd'].map((id) => template(id, { title: `Template ${id.toUpperCase()}` }));

async function setup() {
  const api = fakeApi({
    'GET /api/agent/templates?limit=50': () => ({ templates: list, nextCursor: 'more' }),
    'GET /api/agent/templates?cursor=more&limit=50': () => ({ templates: [template('e', { title: 'Template E' })], nextCursor: null }),
    'GET /api/agent/templates/facets': () => ({ categories: [], languages: ['en', 'pt-BR'] }),
  });
  const templates = createTemplatesModel({ api, searchDelayMs: 0 });
  const picked: string[] = [];
  let closed = 0;
  const view = await render(<TemplatePickerDialog templates={templates} onPick={(t) => picked.push(t.title)} onClose={() => closed++} />);
  unmount = view.unmount;
  await settle();
  const screen = within(document.body);
  const search = screen.getByRole('combobox', { name: 'Search templates' }) as HTMLInputElement;
  const active = () => screen.getByRole('listbox', { name: 'Templates' }).querySelector('[aria-selected="true"] .template-option__title')?.textContent;
  return { screen, search, active, picked, closed: () => closed, user: userEvent.setup() };
}

describe('TemplatePickerDialog', () => {
  it('keeps what is typed at once after it opens: the new search starts before the box can be typed in', async () => {
    const api = fakeApi({
      'GET /api/agent/templates?limit=50': () => ({ templates: list, nextCursor: null }),
      'GET /api/agent/templates?q=Template+B&limit=50': () => ({ templates: [list[1]!], nextCursor: null }),
      'GET /api/agent/templates/facets': () => ({ categories: [], languages: [] }),
    });
    const templates = createTemplatesModel({ api, searchDelayMs: 0 });
    const container = document.body.appendChild(document.createElement('div'));
    unmount = () => {
      preactRender(null, container);
      container.remove();
    };
    // Rendered as the console renders it (no test wrapper flushing effects), then typed into at once.
    preactRender(<TemplatePickerDialog templates={templates} onPick={() => {}} onClose={() => {}} />, container);
    const search = within(document.body).getByRole('combobox', { name: 'Search templates' }) as HTMLInputElement;
    expect(document.activeElement).toBe(search);
    search.value = 'Template B';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await settle();
    expect(templates.filter.value.query).toBe('Template B');
    expect(templates.templates.value.map((t) => t.title)).toEqual(['Template B']);
  });

  it('is a combobox over a listbox: the arrows, PageUp and PageDown move, Enter picks, Escape closes', async () => {
    const { search, active, picked, closed, user, screen } = await setup();
    expect(document.activeElement).toBe(search);
    expect(search.getAttribute('aria-controls')).toBe(screen.getByRole('listbox', { name: 'Templates' }).id);
    expect(active()).toBe('Template A');
    await user.keyboard('{PageDown}');
    expect(active()).toBe('Template D');
    await user.keyboard('{ArrowDown}');
    expect(active()).toBe('Template A');
    await user.keyboard('{PageUp}{ArrowDown}{ArrowDown}');
    expect(active()).toBe('Template C');
    // Home and End move the caret in the search box, not the highlight.
    await user.keyboard('{End}');
    expect(active()).toBe('Template C');
    await user.keyboard('{Enter}');
    expect(picked).toEqual(['Template C']);
    await user.keyboard('{Escape}');
    expect(closed()).toBe(1);
  });

  it('shows more templates on request, and names languages', async () => {
    const { screen, user } = await setup();
    expect(screen.getByText('4+ templates')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Show more templates' }));
    await settle();
    expect(within(screen.getByRole('listbox', { name: 'Templates' })).getAllByRole('option')).toHaveLength(5);
    expect(within(screen.getByRole('combobox', { name: 'Language' })).getByRole('option', { name: 'Brazilian Portuguese (pt-BR)' })).toBeTruthy();
    expect(languageName('en')).toBe('English (en)');
  });
});
