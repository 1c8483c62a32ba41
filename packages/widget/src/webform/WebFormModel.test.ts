import { describe, expect, it } from 'vitest';
import { createFakeTicketsApi } from './fake-tickets-api.ts';
import { TicketsApiError } from './tickets-api.ts';
import { createWebFormModel } from './WebFormModel.ts';

const ids = () => {
  let n = 0;
  return () => `submission-${++n}`;
};

function filled() {
  const api = createFakeTicketsApi();
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

  it('uploads chosen files at once, sends the uploaded ones with the request, and shows why one was refused', async () => {
    const { api, model } = filled();
    api.failNext('upload', new TicketsApiError('FILE_TYPE_NOT_ALLOWED', 'not allowed', 415));
    model.addFiles([new File(['MZ'], 'virus.exe'), new File(['png'], 'fern.png', { type: 'image/png' })]);
    expect(model.files.value.map((f) => f.state)).toEqual(['uploading', 'uploading']);
    // Not while a file is still on its way.
    expect(await model.submit()).toBe(false);
    expect(model.notice.value).toBe('files.wait');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(model.files.value.map((f) => [f.name, f.state, f.error])).toEqual([
      ['virus.exe', 'failed', 'FILE_TYPE_NOT_ALLOWED'],
      ['fern.png', 'ready', undefined],
    ]);
    expect(await model.submit()).toBe(true);
    expect(api.calls.at(-1)).toMatchObject({ method: 'createTicket', args: [{ attachments: ['file-2'] }] });
    model.reset();
    expect(model.files.value).toEqual([]);
  });

  it('takes at most ten files, and lets the visitor remove one', async () => {
    const { model } = filled();
    model.addFiles(Array.from({ length: 12 }, (_, i) => new File(['x'], `note-${i}.txt`)));
    expect(model.files.value).toHaveLength(10);
    model.removeFile(model.files.value[0]!.key);
    expect(model.files.value.map((f) => f.name)[0]).toBe('note-1.txt');
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
