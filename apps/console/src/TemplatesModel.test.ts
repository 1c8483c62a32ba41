import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { deferred, fakeApi, flush } from './test-support/fakes.ts';
import { template } from './test-support/workspace.ts';
import { createTemplatesModel } from './TemplatesModel.ts';

const greeting = template('t1', { title: 'Greeting', body: 'Hi <name>!', category: 'Greetings' });
const refund = template('t2', { title: 'Refund', body: 'Your refund is on its way.', category: 'Billing', language: 'nl' });
const ship = template('t3', { title: 'Shipping', body: 'We ship in 2 days.' });

function setup(routes: Record<string, (body?: unknown) => unknown> = {}) {
  const api = fakeApi({
    'GET /api/agent/templates?limit=50': () => ({ templates: [greeting, refund, ship], nextCursor: null }),
    'GET /api/agent/templates/facets': () => ({ categories: ['Billing', 'Greetings'], languages: ['en', 'nl'] }),
    ...routes,
  });
  return { api, model: createTemplatesModel({ api, searchDelayMs: 0 }) };
}

describe('createTemplatesModel', () => {
  it('reads the templates and the facets, and highlights the first template', async () => {
    const { model } = setup();
    await model.load();
    expect(model.templates.value.map((t) => t.title)).toEqual(['Greeting', 'Refund', 'Shipping']);
    expect(model.facets.value).toEqual({ categories: ['Billing', 'Greetings'], languages: ['en', 'nl'] });
    expect(model.status.value).toBe('ready');
    expect(model.activeTemplate.value?.id).toBe('t1');
  });

  it('searches by words, category and language with the gateway’s query names', async () => {
    const { model, api } = setup({
      'GET /api/agent/templates?q=refund&category=Billing&language=nl&limit=50': () => ({ templates: [refund], nextCursor: null }),
      'GET /api/agent/templates?q=refund&limit=50': () => ({ templates: [refund], nextCursor: null }),
      'GET /api/agent/templates?q=refund&category=Billing&limit=50': () => ({ templates: [refund], nextCursor: null }),
    });
    await model.search({ query: ' refund ' });
    await model.search({ category: 'Billing' });
    await model.search({ language: 'nl' });
    expect(api.calls.filter((c) => c.includes('templates?'))).toEqual([
      'GET /api/agent/templates?q=refund&limit=50',
      'GET /api/agent/templates?q=refund&category=Billing&limit=50',
      'GET /api/agent/templates?q=refund&category=Billing&language=nl&limit=50',
    ]);
    expect(model.templates.value).toEqual([refund]);
  });

  it('waits for a pause in typing and sends only the last search', async () => {
    const api = fakeApi({
      'GET /api/agent/templates?q=refu&limit=50': () => ({ templates: [refund], nextCursor: null }),
    });
    const model = createTemplatesModel({ api, searchDelayMs: 5 });
    const first = model.search({ query: 'r' });
    const second = model.search({ query: 're' });
    const third = model.search({ query: 'refu' });
    await Promise.all([first, second, third]);
    expect(api.calls).toEqual(['GET /api/agent/templates?q=refu&limit=50']);
    expect(model.templates.value).toEqual([refund]);
  });

  it('drops an older answer that arrives after a newer one', async () => {
    const slow = deferred<unknown>();
    const { model } = setup({
      'GET /api/agent/templates?q=g&limit=50': () => slow.promise,
      'GET /api/agent/templates?q=ship&limit=50': () => ({ templates: [ship], nextCursor: null }),
    });
    const old = model.search({ query: 'g' });
    await flush();
    await model.search({ query: 'ship' });
    slow.resolve({ templates: [greeting], nextCursor: null });
    await old;
    expect(model.templates.value).toEqual([ship]);
  });

  it('moves the highlight with wrapping, to the ends, and by pointer', async () => {
    const { model } = setup();
    await model.load();
    model.move(1);
    expect(model.activeTemplate.value?.id).toBe('t2');
    model.move(1);
    model.move(1);
    expect(model.activeTemplate.value?.id).toBe('t1');
    model.move(-1);
    expect(model.activeTemplate.value?.id).toBe('t3');
    model.move('first');
    expect(model.active.value).toBe(0);
    model.move('last');
    expect(model.active.value).toBe(2);
    model.setActive(1);
    expect(model.activeTemplate.value?.id).toBe('t2');
    model.setActive(9);
    expect(model.active.value).toBe(1);
  });

  it('has nothing highlighted when nothing matches, and says why a search failed', async () => {
    const { model } = setup({
      'GET /api/agent/templates?q=zzz&limit=50': () => ({ templates: [], nextCursor: null }),
      'GET /api/agent/templates?q=boom&limit=50': () => {
        throw new ApiError(500, 'INTERNAL', 'Internal error.');
      },
    });
    await model.search({ query: 'zzz' });
    expect(model.active.value).toBe(-1);
    expect(model.activeTemplate.value).toBeNull();
    model.move(1);
    expect(model.active.value).toBe(-1);
    await model.search({ query: 'boom' });
    expect(model.status.value).toBe('error');
    expect(model.error.value).toBe('The templates could not be loaded. Try again in a moment.');
  });

  it('pages with the cursor the gateway gave', async () => {
    const { model } = setup({
      'GET /api/agent/templates?limit=50': () => ({ templates: [greeting], nextCursor: 'abc' }),
      'GET /api/agent/templates?cursor=abc&limit=50': () => ({ templates: [refund], nextCursor: null }),
    });
    await model.load();
    expect(model.hasMore.value).toBe(true);
    await model.loadMore();
    expect(model.templates.value.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(model.hasMore.value).toBe(false);
  });

  it('renders a template for a conversation, and says why one could not be', async () => {
    const { model, api } = setup({
      'POST /api/agent/templates/t1/render': () => ({ text: 'Hi Vera!', unfilled: [], masked: [] }),
      'POST /api/agent/templates/t2/render': () => {
        throw new ApiError(404, 'NOT_FOUND', 'The template does not exist.');
      },
    });
    expect(await model.render('t1', 'c1')).toEqual({ text: 'Hi Vera!', unfilled: [], masked: [] });
    expect(api.bodies).toContainEqual({ call: 'POST /api/agent/templates/t1/render', body: { conversationId: 'c1' } });
    expect(await model.render('t2', 'c1')).toBeNull();
    expect(model.error.value).toBe('The template does not exist.');
    expect(model.busy.value).toBe(false);
  });

  it('creates, changes and deletes templates, reading the list again after each', async () => {
    const { model, api } = setup({
      'POST /api/admin/templates': (body) => ({ template: template('t9', body as object) }),
      'PATCH /api/admin/templates/t1': (body) => ({ template: { ...greeting, ...(body as object) } }),
      'DELETE /api/admin/templates/t1': () => ({ ok: true }),
    });
    const made = await model.create({ title: ' Goodbye ', body: 'Bye <name>', category: null, language: 'EN-gb' });
    expect(made?.id).toBe('t9');
    expect(api.bodies[0]).toEqual({ call: 'POST /api/admin/templates', body: { title: 'Goodbye', body: 'Bye <name>', category: null, language: 'en-GB' } });
    expect(await model.update('t1', { title: 'Hello' })).toMatchObject({ title: 'Hello' });
    expect(await model.remove('t1')).toBe(true);
    expect(api.calls.filter((c) => c === 'GET /api/agent/templates?limit=50')).toHaveLength(3);
  });

  it('says what to fix before sending a bad template', async () => {
    const { model, api } = setup();
    expect(await model.create({ title: '', body: 'x', language: 'en' })).toBeNull();
    expect(model.error.value).toBe('Name must not be empty.');
    expect(await model.create({ title: 'A', body: '   ', language: 'en' })).toBeNull();
    expect(model.error.value).toBe('Text must not be empty.');
    expect(await model.create({ title: 'A', body: 'x', language: 'not a tag!' })).toBeNull();
    expect(model.error.value).toBe('Language must be a language tag such as en, nl or pt-BR.');
    expect(await model.create({ title: 'x'.repeat(121), body: 'x', language: 'en' })).toBeNull();
    expect(model.error.value).toBe('Name must be at most 120 characters.');
    expect(await model.update('t1', {})).toBeNull();
    expect(model.error.value).toBe('Change at least one field before saving.');
    expect(api.calls.filter((c) => !c.startsWith('GET'))).toEqual([]);
  });

  it('says why the gateway refused a change', async () => {
    const { model } = setup({
      'POST /api/admin/templates': () => {
        throw new ApiError(409, 'CONFLICT', 'A template with this name already exists in this language.');
      },
    });
    expect(await model.create({ title: 'Greeting', body: 'x', language: 'en' })).toBeNull();
    expect(model.error.value).toBe('A template with this name already exists in this language.');
    model.clearError();
    expect(model.error.value).toBeNull();
  });
});
