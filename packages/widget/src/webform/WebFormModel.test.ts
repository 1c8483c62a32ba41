import { describe, expect, it, vi } from 'vitest';
import { createFakeTicketsApi } from './fake-tickets-api.ts';
import { TicketsApiError } from './tickets-api.ts';
import { createWebFormModel, type WebFormModel } from './WebFormModel.ts';

const ids = () => {
  let n = 0;
  return () => `submission-${++n}`;
};

/** Resolves once no chosen file is still being checked or uploaded. */
const uploaded = (model: WebFormModel) => vi.waitFor(() => expect(model.files.value.filter((f) => f.state === 'uploading')).toEqual([]));

function filled(start: Parameters<typeof createFakeTicketsApi>[0] = {}) {
  const api = createFakeTicketsApi(start);
  const model = createWebFormModel({ api, newId: ids() });
  model.set('name', 'Ayşe Yılmaz');
  model.set('email', 'ayse@example.com');
  model.set('subject', 'Brown leaves');
  model.set('description', 'My fern has brown tips.');
  return { api, model };
}

describe('WebFormModel', () => {
  it('refuses an empty form in the browser, one error per field, without calling the gateway', async () => {
    const api = createFakeTicketsApi();
    const model = createWebFormModel({ api });
    expect(await model.submit()).toBe(false);
    expect(Object.values(model.errors.value).map((e) => [e!.field, e!.code])).toEqual([
      ['name', 'REQUIRED'],
      ['email', 'REQUIRED'],
      ['subject', 'REQUIRED'],
      ['description', 'REQUIRED'],
    ]);
    expect(model.attempts.value).toBe(1);
    expect(api.calls).toEqual([]);
  });

  it('clears a field error as the visitor fixes it, and shows new errors only on sending', async () => {
    const { model } = filled();
    model.set('email', 'ayse-at-example');
    expect(model.errors.value).toEqual({});
    await model.submit();
    expect(model.errors.value.email?.code).toBe('INVALID_EMAIL');
    model.set('email', 'ayse@');
    expect(model.errors.value.email?.code).toBe('INVALID_EMAIL');
    model.set('email', 'ayse@example.com');
    expect(model.errors.value.email).toBeUndefined();
  });

  it('sends the form with its client id and shows the ticket', async () => {
    const { api, model } = filled();
    expect(await model.submit()).toBe(true);
    expect(api.calls).toEqual([
      { method: 'createTicket', args: [{ name: 'Ayşe Yılmaz', email: 'ayse@example.com', subject: 'Brown leaves', description: 'My fern has brown tips.', clientTicketId: 'submission-1' }] },
    ]);
    expect(model.status.value).toBe('sent');
    expect(model.ticket.value?.number).toBe(1001);
  });

  it("puts the gateway's field errors on their fields", async () => {
    const { api, model } = filled();
    api.failNext(
      'createTicket',
      new TicketsApiError('INVALID_REQUEST', 'subject: …', 400, [{ field: 'subject', code: 'TOO_LONG', message: 'subject must be at most 200 characters', max: 200 }]),
    );
    expect(await model.submit()).toBe(false);
    expect(model.errors.value).toEqual({ subject: { field: 'subject', code: 'TOO_LONG', message: 'subject must be at most 200 characters', max: 200 } });
    expect(model.notice.value).toBeNull();
    expect(model.status.value).toBe('editing');
  });

  it('keeps the client id across a failed send, so a retry cannot make a second ticket; a new request gets a new id', async () => {
    const { api, model } = filled();
    api.failNext('createTicket', new TicketsApiError('NETWORK', 'offline', 0));
    expect(await model.submit()).toBe(false);
    expect(model.notice.value).toBe('error.network');
    expect(await model.submit()).toBe(true);
    const sentIds = api.calls.map((c) => (c.args[0] as { clientTicketId: string }).clientTicketId);
    expect(sentIds).toEqual(['submission-1', 'submission-1']);

    model.reset();
    expect(model.values.value).toEqual({ name: 'Ayşe Yılmaz', email: 'ayse@example.com', subject: '', description: '' });
    model.set('subject', 'Another');
    model.set('description', 'Another question');
    await model.submit();
    expect((api.calls.at(-1)!.args[0] as { clientTicketId: string }).clientTicketId).toBe('submission-2');
  });

  it('gives a submission edited after a failed send a new id (it is a different request)', async () => {
    const { api, model } = filled();
    api.failNext('createTicket', new TicketsApiError('NETWORK', 'offline', 0));
    await model.submit();
    model.set('description', 'My fern has brown tips and yellow leaves.');
    await model.submit();
    expect(api.calls.map((c) => (c.args[0] as { clientTicketId: string }).clientTicketId)).toEqual(['submission-1', 'submission-2']);
  });

  it('tells the visitor why the gateway refused the whole submission', async () => {
    const cases = [
      ['FORBIDDEN_ORIGIN', 'error.notEnabled'],
      ['IDENTITY_REQUIRED', 'error.identity'],
      ['RATE_LIMITED', 'error.rateLimited'],
      ['INTERNAL', 'error.generic'],
    ] as const;
    for (const [code, notice] of cases) {
      const { api, model } = filled();
      api.failNext('createTicket', new TicketsApiError(code, code, 400));
      await model.submit();
      expect(model.notice.value).toBe(notice);
    }
  });

  it('ignores a second submit while one is on its way', async () => {
    const { api, model } = filled();
    const first = model.submit();
    expect(await model.submit()).toBe(false);
    await first;
    expect(api.calls).toHaveLength(1);
  });

  it('uploads chosen files at once, sends the uploaded ones with the request, and shows why the gateway refused one', async () => {
    const { api, model } = filled();
    // A program named as a photo: the name passes the rules, the gateway judges the bytes.
    api.failNext('upload', new TicketsApiError('FILE_TYPE_NOT_ALLOWED', 'not allowed', 415));
    model.addFiles([new File(['MZ'], 'virus.png'), new File(['png'], 'fern.png', { type: 'image/png' })]);
    expect(model.files.value.map((f) => f.state)).toEqual(['uploading', 'uploading']);
    // Not while a file is still on its way.
    expect(await model.submit()).toBe(false);
    expect(model.notice.value).toBe('files.wait');
    await uploaded(model);
    expect(api.calls.filter((c) => c.method === 'upload').map((c) => c.args)).toEqual([['virus.png'], ['fern.png']]);
    expect(model.files.value.map((f) => [f.name, f.state, f.error])).toEqual([
      ['virus.png', 'failed', 'FILE_TYPE_NOT_ALLOWED'],
      ['fern.png', 'ready', undefined],
    ]);
    expect(await model.submit()).toBe(true);
    expect(api.calls.at(-1)).toMatchObject({ method: 'createTicket', args: [{ attachments: ['file-2'] }] });
    model.reset();
    expect(model.files.value).toEqual([]);
  });

  it("refuses a file over the gateway's limit or of a kind it does not take at once, without uploading it", async () => {
    const { api, model } = filled();
    model.addFiles([
      new File([new Uint8Array(11 * 1024 * 1024)], 'manual.pdf', { type: 'application/pdf' }),
      new File(['MZ'], 'setup.exe'),
      new File([], 'empty.txt'),
      new File(['png'], 'fern.png', { type: 'image/png' }),
    ]);
    await uploaded(model);
    expect(model.files.value.map((f) => [f.name, f.state, f.error])).toEqual([
      ['manual.pdf', 'failed', 'FILE_TOO_LARGE'],
      ['setup.exe', 'failed', 'FILE_TYPE_NOT_ALLOWED'],
      ['empty.txt', 'failed', 'INVALID_REQUEST'],
      ['fern.png', 'ready', undefined],
    ]);
    expect(api.calls.filter((c) => c.method === 'upload').map((c) => c.args)).toEqual([['fern.png']]);
    // The policy is read once, with the first files.
    model.addFiles([new File(['MZ'], 'tool.bat')]);
    await uploaded(model);
    expect(api.calls.filter((c) => c.method === 'uploadPolicy')).toHaveLength(1);
    expect(api.calls.filter((c) => c.method === 'upload')).toHaveLength(1);
  });

  it("follows the gateway's own policy: its size limit and its kinds of files", async () => {
    const { api, model } = filled({ uploadPolicy: { maxBytes: 1000, extensions: ['pdf', 'txt'] } });
    model.addFiles([new File([new Uint8Array(1001)], 'scan.pdf'), new File(['png'], 'fern.png'), new File(['hello'], 'notes.TXT')]);
    await uploaded(model);
    expect(model.files.value.map((f) => [f.name, f.state, f.error])).toEqual([
      ['scan.pdf', 'failed', 'FILE_TOO_LARGE'],
      ['fern.png', 'failed', 'FILE_TYPE_NOT_ALLOWED'],
      ['notes.TXT', 'ready', undefined],
    ]);
    expect(api.calls.filter((c) => c.method === 'upload').map((c) => c.args)).toEqual([['notes.TXT']]);
  });

  it('takes at most ten files, and lets the visitor remove one', async () => {
    const { model } = filled();
    model.addFiles(Array.from({ length: 12 }, (_, i) => new File(['x'], `note-${i}.txt`)));
    expect(model.files.value).toHaveLength(10);
    model.removeFile(model.files.value[0]!.key);
    expect(model.files.value.map((f) => f.name)[0]).toBe('note-1.txt');
    await uploaded(model);
  });
});
