import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from '../shared/i18n.ts';
import { createFakeTicketsApi, type FakeTicketsApi } from './fake-tickets-api.ts';
import { mount } from './index.tsx';
import en from './strings/en.ts';
import it_ from './strings/it.ts';
import nl from './strings/nl.ts';
import tr from './strings/tr.ts';
import { WebForm } from './WebForm.tsx';
import { createWebFormModel, type WebFormModel } from './WebFormModel.ts';

const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
/** Waits until no chosen file is still being checked or uploaded, and renders. */
const filesDone = async (model: WebFormModel) => {
  await vi.waitFor(() => expect(model.files.value.filter((f) => f.state === 'uploading')).toEqual([]));
  await settle();
};

describe('WebForm', () => {
  let container: HTMLElement;
  let api: FakeTicketsApi;
  let model: WebFormModel;

  const field = (name: string) => container.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`)!;
  const labelOf = (el: Element) => container.querySelector(`label[for="${el.id}"]`)?.textContent;
  const described = (el: Element) => (el.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean).map((id) => container.querySelector(`#${id}`)?.textContent);
  const type = async (name: string, value: string) => {
    await act(() => {
      field(name).value = value;
      field(name).dispatchEvent(new Event('input', { bubbles: true }));
    });
  };
  const submit = async () => {
    await act(() => {
      container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
  };

  beforeEach(async () => {
    api = createFakeTicketsApi();
    model = createWebFormModel({ api, newId: () => 'submission-1' });
    container = document.createElement('div');
    document.body.append(container);
    await act(() => render(<WebForm model={model} i18n={createI18n(en, undefined, 'en')} />, container));
  });
  afterEach(() => {
    render(null, container);
    container.remove();
  });

  it('labels every field and marks them required', () => {
    expect(['name', 'email', 'subject', 'description'].map((n) => labelOf(field(n)))).toEqual(['Your name', 'E-mail address', 'Subject', 'How can we help?']);
    for (const n of ['name', 'email', 'subject', 'description']) expect(field(n).getAttribute('aria-required')).toBe('true');
    expect(field('email').type).toBe('email');
    expect(field('description').tagName).toBe('TEXTAREA');
    expect(described(field('description'))).toEqual([en['description.hint']]);
  });

  it('ties each error to its field and moves focus to the first one', async () => {
    await type('email', 'not-an-address');
    await submit();
    expect(api.calls).toEqual([]);
    expect(field('name').getAttribute('aria-invalid')).toBe('true');
    expect(described(field('name'))).toEqual(['Enter your name.']);
    expect(described(field('email'))).toEqual(['Enter an e-mail address like name@example.com.']);
    expect(described(field('subject'))).toEqual(['Enter a subject.']);
    expect(described(field('description'))).toEqual([en['description.hint'], 'Describe your request.']);
    expect(container.querySelector('[role="alert"]')!.textContent).toBe('Check the 4 fields marked below.');
    expect(document.activeElement).toBe(field('name'));

    await type('name', 'Ayşe');
    expect(field('name').hasAttribute('aria-invalid')).toBe(false);
    expect(described(field('name'))).toEqual([]);
  });

  it('sends the form and confirms with the request number, then starts a new one', async () => {
    await type('name', 'Ayşe Yılmaz');
    await type('email', 'ayse@example.com');
    await type('subject', 'Brown leaves');
    await type('description', 'My fern has brown tips.');
    await submit();
    const heading = container.querySelector('h2')!;
    expect(heading.textContent).toBe('Request received');
    expect(container.textContent).toContain('Your request number is #1001. We’ll reply to ayse@example.com.');
    expect(document.activeElement).toBe(heading);

    await act(() => container.querySelector<HTMLButtonElement>('button')!.click());
    expect(field('name').value).toBe('Ayşe Yılmaz');
    expect(field('subject').value).toBe('');
  });

  it("shows the gateway's refusal of one field on that field", async () => {
    await type('name', 'Ayşe Yılmaz');
    await type('email', 'ayse@example.com');
    await type('subject', 'Brown leaves');
    await type('description', 'My fern has brown tips.');
    const { TicketsApiError } = await import('./tickets-api.ts');
    api.failNext('createTicket', new TicketsApiError('INVALID_REQUEST', 'x', 400, [{ field: 'description', code: 'TOO_LONG', message: 'x', max: 10_000 }]));
    await submit();
    expect(field('description').getAttribute('aria-invalid')).toBe('true');
    expect(described(field('description'))).toContain('Use at most 10000 characters.');
    expect(document.activeElement).toBe(field('description'));
  });

  it('lists chosen files with their state and a named remove button', async () => {
    api.failNext('upload', new (await import('./tickets-api.ts')).TicketsApiError('FILE_TOO_LARGE', 'x', 413));
    const picker = container.querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(labelOf(picker)).toBe('Attach files (optional)');
    await act(() => model.addFiles([new File([new Uint8Array(3 * 1024 * 1024)], 'scan.pdf'), new File(['hello'], 'notes.txt')]));
    await filesDone(model);
    const chips = [...container.querySelectorAll('.pf-chip')].map((li) => li.textContent);
    expect(chips[0]).toContain('scan.pdf');
    expect(chips[0]).toContain('3 MB · Too large');
    expect(chips[1]).toContain('5 B · Attached');
    const remove = container.querySelector<HTMLButtonElement>('button[aria-label="Remove scan.pdf"]')!;
    await act(() => remove.click());
    expect(container.querySelectorAll('.pf-chip')).toHaveLength(1);
  });

  it("says at once, in the visitor's language, why a file too large or of another kind is not attached, without uploading it", async () => {
    await act(() => render(<WebForm model={model} i18n={createI18n(en, nl, 'nl')} />, container));
    await act(() => model.addFiles([new File([new Uint8Array(11 * 1024 * 1024)], 'handleiding.pdf'), new File(['MZ'], 'setup.exe')]));
    await filesDone(model);
    expect([...container.querySelectorAll('.pf-chip__meta')].map((meta) => meta.textContent)).toEqual(['11 MB · Te groot', '2 B · Dit soort bestand accepteren we niet']);
    expect(api.calls.filter((c) => c.method === 'upload')).toEqual([]);
  });

  it('speaks Dutch, Turkish and Italian', async () => {
    for (const [locale, strings, label] of [
      ['nl', nl, 'Je naam'],
      ['tr', tr, 'Adınız'],
      ['it', it_, 'Il tuo nome'],
    ] as const) {
      await act(() => render(<WebForm model={model} i18n={createI18n(en, strings, locale)} />, container));
      expect(labelOf(field('name'))).toBe(label);
    }
  });

  it('has a translation of every English string in every language', () => {
    for (const strings of [nl, tr, it_]) expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort());
  });
});

describe('the web form surface (mount)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('renders in the host shadow root in the chosen language, sends with the session token, and unmounts cleanly', async () => {
    const requests: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      requests.push({ url, init });
      const body = JSON.parse(String(init.body));
      return new Response(
        JSON.stringify({
          ticket: { number: 1042, subject: body.subject, status: 'open', requester: { name: body.name, email: body.email }, conversationId: 'c', createdAt: '', updatedAt: '', lastMessageAt: null, preview: null },
          duplicate: false,
        }),
        { status: 201, headers: { 'content-type': 'application/json' } },
      );
    });
    const element = document.createElement('div');
    document.body.append(element);
    const root = element.attachShadow({ mode: 'open' });
    let sessions = 0;
    const surface = mount({ root, baseUrl: 'https://chat.example.com', appId: 'demo', locale: 'nl-BE', session: async () => (sessions++, 'visitor-token') });
    await settle();
    await settle();
    const input = (name: string) => root.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`)!;
    expect(root.querySelector('h2')!.textContent).toBe('Stuur ons een verzoek');
    expect(root.querySelector('div')!.getAttribute('lang')).toBe('nl');
    // Nothing is asked of the gateway, not even a session, until the form is sent.
    expect(sessions).toBe(0);
    for (const [name, value] of [['name', 'Daan'], ['email', 'daan@example.nl'], ['subject', 'Levering'], ['description', 'Wanneer komt mijn plant?']]) {
      await act(() => {
        input(name!).value = value!;
        input(name!).dispatchEvent(new Event('input', { bubbles: true }));
      });
    }
    await act(() => void root.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })));
    await settle();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('https://chat.example.com/api/visitor/tickets');
    expect(requests[0]!.init.headers).toMatchObject({ authorization: 'Bearer visitor-token' });
    expect(requests[0]!.init.credentials).toBe('omit');
    expect(root.textContent).toContain('#1042');
    surface.unmount();
    expect(root.innerHTML).toBe('');
    element.remove();
  });
});
