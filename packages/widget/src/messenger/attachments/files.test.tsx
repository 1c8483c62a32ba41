import { checkUpload, type Attachment } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { Composer } from '../Composer.tsx';
import { createAttachments, type AttachmentsEnvironment, type AttachmentsModule } from './files.tsx';

const XSS = '<img src=x onerror="window.hacked=1">.png';
const BASE = 'https://chat.example.com';

/** A stand-in for XMLHttpRequest that the test answers by hand. */
class FakeXhr {
  static all: FakeXhr[] = [];
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  responseText = '';
  aborted = false;
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() {
    FakeXhr.all.push(this);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total });
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

function environment() {
  const fetched: { url: string; headers: Record<string, string> }[] = [];
  const env: AttachmentsEnvironment = {
    XMLHttpRequest: FakeXhr as unknown as typeof XMLHttpRequest,
    fetch: (async (url: string, init?: RequestInit) => {
      fetched.push({ url, headers: (init?.headers ?? {}) as Record<string, string> });
      if (url.endsWith('/api/attachments/policy')) return new Response(JSON.stringify({ maxBytes: 1000, extensions: ['png', 'pdf', 'txt'] }));
      return new Response(new Blob(['bytes'], { type: 'image/png' }));
    }) as typeof fetch,
    createObjectURL: (blob) => `blob:test/${blob.size}`,
    revokeObjectURL: () => {},
  };
  return { env, fetched };
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
  FakeXhr.all = [];
});

const settle = () => act(async () => void (await new Promise((r) => setTimeout(r, 0))));

async function setup(locale = 'en') {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  const { env, fetched } = environment();
  const files = createAttachments({ root, baseUrl: BASE, token: async () => 'T0KEN', locale: () => locale }, env);
  cleanup.push(() => host.remove());
  return { root, files, fetched };
}

async function show(root: ShadowRoot, ui: preact.ComponentChild) {
  const container = document.createElement('div');
  root.append(container);
  await act(() => render(ui, container));
  cleanup.push(() => render(null, container));
  return container;
}

const file = (name: string, size: number, type = 'image/png') => new File([new Uint8Array(size)], name, { type });

describe('the messenger files', () => {
  it('uploads with the bearer token and shows progress, then the file is ready to send', async () => {
    const { root, files } = await setup();
    const view = await show(root, <files.PendingFiles />);
    files.add([file('photo.png', 500)]);
    await settle();
    const xhr = FakeXhr.all[0]!;
    expect([xhr.method, xhr.url, xhr.headers.authorization, xhr.headers['content-type']]).toEqual([
      'POST',
      `${BASE}/api/visitor/attachments?name=photo.png`,
      'Bearer T0KEN',
      'application/octet-stream',
    ]);
    await act(() => xhr.progress(250, 500));
    const bar = view.querySelector('progress')!;
    expect([bar.getAttribute('aria-label'), bar.value]).toEqual(['Uploading photo.png', 50]);
    expect(files.busy.value).toBe(true);
    const stored: Attachment = { id: 'a1', name: 'photo.png', size: 500, type: 'image/png' };
    await act(() => xhr.answer(201, stored));
    expect(files.ready.value).toEqual([stored]);
    expect(view.querySelector('progress')).toBeNull();
    expect(view.querySelector('ul')!.getAttribute('aria-label')).toBe('Files to send');
  });

  it('refuses files over the limit, of other kinds, empty, or past ten, before any upload', async () => {
    const { root, files } = await setup();
    const view = await show(root, <files.PendingFiles />);
    files.add([file('huge.png', 1001), file('tool.exe', 10, 'application/octet-stream'), file('empty.txt', 0, 'text/plain')]);
    await settle();
    expect(FakeXhr.all).toHaveLength(0);
    const errors = [...view.querySelectorAll('[role=alert]')].map((e) => e.textContent);
    expect(errors).toEqual([
      'huge.png is too large. Files can be at most 1,000 B.',
      expect.stringContaining('tool.exe can’t be sent.'),
      'empty.txt is empty.',
    ]);
    files.add(Array.from({ length: 11 }, (_, i) => file(`${i}.png`, 10)));
    await settle();
    expect(FakeXhr.all).toHaveLength(10);
    expect(view.querySelectorAll('[role=alert]')[3]!.textContent).toBe('A message can carry at most 10 files.');
  });

  it('refuses exactly the files the shared check refuses, for the same reason (the widget keeps its own copy of the rules, out of the first open)', async () => {
    const policy = { maxBytes: 1000, extensions: ['png', 'pdf', 'txt'] };
    const shown = { size: 'is too large', empty: 'is empty', type: 'can’t be sent' } as const;
    const cases = [file('photo.PNG', 10), file('notes', 10), file('x.png.exe', 10), file('a.b', 10), file('big.pdf', 1001), file('e.txt', 0), file('tool.exe', 0), file('.png', 5)];
    const { root, files } = await setup();
    const view = await show(root, <files.PendingFiles />);
    files.add(cases);
    await settle();
    const rows = [...view.querySelectorAll('li')].map((li) => li.querySelector('[role=alert]')?.textContent ?? 'accepted');
    expect(rows).toHaveLength(cases.length);
    cases.forEach((f, i) => {
      const problem = checkUpload(f, 0, policy);
      expect(rows[i]).toContain(problem ? shown[problem as keyof typeof shown] : 'accepted');
    });
  });

  it("tells the gateway's refusal of a spoofed file in the visitor's language: what it really is, or that it is none of the kinds accepted", async () => {
    const { root, files } = await setup('nl');
    const view = await show(root, <files.PendingFiles />);
    await settle();
    files.add([file('cat.png', 10), file('report.png', 10)]);
    for (let i = 0; i < 10 && FakeXhr.all.length < 2; i++) await settle();
    await act(() => FakeXhr.all[0]!.answer(415, { error: { code: 'FILE_TYPE_NOT_ALLOWED', message: 'cat.png is not a kind of file Parley accepts.' } }));
    await act(() => FakeXhr.all[1]!.answer(415, { error: { code: 'FILE_TYPE_NOT_ALLOWED', actual: 'pdf', message: 'report.png is named as a .png file, but it is a PDF document.' } }));
    const alerts = () => [...view.querySelectorAll('[role=alert]')].map((a) => a.textContent);
    // The Dutch strings load on first use; the messages follow them.
    for (let i = 0; i < 50 && !/verstuurd/.test(alerts().join()); i++) await settle();
    expect(alerts()).toEqual([
      'cat.png kan niet worden verstuurd: de inhoud is geen PDF-, Word-, Excel-, PowerPoint-, tekst- of afbeeldingsbestand, wat de naam ook zegt.',
      'report.png is niet wat de naam zegt: het is een PDF-bestand. Verstuur het onder de juiste naam.',
    ]);
    expect(files.ready.value).toEqual([]);
  });

  it('cancels the upload of a removed file', async () => {
    const { root, files } = await setup();
    const view = await show(root, <files.PendingFiles />);
    files.add([file('a.png', 10)]);
    await settle();
    await act(() => view.querySelector<HTMLButtonElement>('button[aria-label="Remove a.png"]')!.click());
    expect(FakeXhr.all[0]!.aborted).toBe(true);
    expect(files.files.value).toEqual([]);
  });

  it("shows a message's image as a thumbnail fetched with the token, and other files as downloads, names as text", async () => {
    const { root, files, fetched } = await setup();
    const list: Attachment[] = [
      { id: 'img1', name: XSS, size: 2048, type: 'image/png' },
      { id: 'doc1', name: 'terms.pdf', size: 3 * 1024 * 1024, type: 'application/pdf' },
    ];
    const view = await show(root, <files.MessageFiles files={list} />);
    await settle();
    const img = view.querySelector('img')!;
    expect(img.getAttribute('src')).toBe('blob:test/5');
    expect(img.getAttribute('alt')).toBe(`Image: ${XSS}`);
    expect(fetched.find((f) => f.url === `${BASE}/api/attachments/img1`)!.headers).toEqual({ authorization: 'Bearer T0KEN' });
    expect(view.querySelectorAll('img[onerror]')).toHaveLength(0);
    expect((window as { hacked?: number }).hacked).toBeUndefined();
    const chip = view.querySelector<HTMLButtonElement>('button.chip.file')!;
    expect(chip.getAttribute('aria-label')).toBe('Download terms.pdf, 3 MB');
    expect(chip.textContent).toBe('terms.pdf3 MB');
    await act(async () => chip.click());
    await settle();
    expect(fetched.some((f) => f.url === `${BASE}/api/attachments/doc1`)).toBe(true);
  });
});

describe('the composer with files', () => {
  it('has a labelled attach button and sends the uploaded files, waiting while one uploads', async () => {
    const { root, files } = await setup();
    const sent: (Attachment[] | undefined)[] = [];
    const view = await show(
      root,
      <Composer value="" focused={false} onInput={() => {}} onSend={(f) => (sent.push(f), true)} t={(k) => k} files={files} />,
    );
    const attach = view.querySelector<HTMLButtonElement>('button.attach')!;
    expect(attach.getAttribute('aria-label')).toBe('Attach a file');
    expect(view.querySelector<HTMLInputElement>('input[type=file]')!.accept).toContain('.heic');
    const send = view.querySelector<HTMLButtonElement>('button.send')!;
    expect(send.disabled).toBe(true);
    await act(() => files.add([file('a.png', 10)]));
    await settle();
    expect(send.disabled).toBe(true);
    await act(() => FakeXhr.all[0]!.answer(201, { id: 'a1', name: 'a.png', size: 10, type: 'image/png' }));
    expect(send.disabled).toBe(false);
    await act(() => send.click());
    expect(sent).toEqual([[{ id: 'a1', name: 'a.png', size: 10, type: 'image/png' }]]);
    expect(files.files.value).toEqual([]);
  });
});

describe('dropped and pasted files', () => {
  it('are attached once the file code has loaded, and no longer after dispose', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'open' });
    const files = createAttachments({ root, baseUrl: BASE, token: async () => 'T', locale: () => 'en', environment: environment().env });
    cleanup.push(() => host.remove());
    const box = document.createElement('textarea');
    root.append(box);
    const paste = () =>
      Object.assign(new Event('paste', { bubbles: true, composed: true, cancelable: true }), {
        clipboardData: { types: ['Files'], files: [file('shot.png', 10)] },
      });
    const pasted = paste();
    box.dispatchEvent(pasted);
    expect(pasted.defaultPrevented).toBe(true);
    await settle();
    expect(files.files.value.map((f) => f.name)).toEqual(['shot.png']);
    const over = Object.assign(new Event('dragover', { bubbles: true, composed: true, cancelable: true }), { dataTransfer: { types: ['Files'], files: [] } });
    box.dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    files.dispose();
    const later = paste();
    box.dispatchEvent(later);
    expect(later.defaultPrevented).toBe(false);
  });
});
