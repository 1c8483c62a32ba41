import { ErrorCode, type Message } from '@parley/protocol';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { FILE_KINDS } from '../src/domain/attachments/sniff.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DB } from './support/database.ts';
import * as files from './support/files.ts';
import { cid, startGateway, startSecondNode, type TestGateway } from './support/gateway.ts';
import type { TestSocket } from './support/socket.ts';

const LIMIT = 64 * 1024;
let gw: TestGateway;
let cookie: string;
let agent: TestSocket;

beforeAll(async () => {
  gw = await startGateway({ PARLEY_MAX_UPLOAD_BYTES: String(LIMIT) });
  cookie = await gw.login();
  agent = await gw.connectAgent(cookie);
  await agent.next('hello');
});
afterAll(async () => {
  agent.close();
  await gw.close();
});

type Upload = { id: string; name: string; size: number; type: string };
type Who = { token: string } | { cookie: string };

function upload(who: Who, name: string | undefined, body: Uint8Array | ReadableStream<Uint8Array> | undefined, headers: Record<string, string> = {}) {
  const agentSide = 'cookie' in who;
  const query = name === undefined ? '' : `?name=${encodeURIComponent(name)}`;
  return fetch(`${gw.url}/api/${agentSide ? 'agent' : 'visitor'}/attachments${query}`, {
    method: 'POST',
    headers: {
      origin: gw.origin,
      'content-type': 'application/octet-stream',
      ...(agentSide ? { cookie: who.cookie } : { authorization: `Bearer ${who.token}` }),
      ...headers,
    },
    ...(body !== undefined && { body, duplex: 'half' }),
  } as RequestInit);
}

async function uploaded(who: Who, name: string, bytes: Uint8Array): Promise<Upload> {
  const res = await upload(who, name, bytes);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Upload;
}

const download = (id: string, who: Who, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/api/attachments/${id}`, {
    headers: { ...('cookie' in who ? { cookie: who.cookie } : { authorization: `Bearer ${who.token}`, origin: gw.origin }), ...headers },
  });

const count = async (table: 'attachments' | 'messages') => {
  const result = await gw.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number }[];
  return Number(rows[0]!.n);
};

/** A visitor with a socket and a conversation started by a first message. */
async function visitorWithConversation() {
  const session = await gw.visitor();
  const socket = await gw.connectVisitor(session.token);
  await socket.next('hello');
  const ref = cid();
  socket.send({ type: 'message.send', ref, clientConversationId: cid(), clientMessageId: cid(), body: 'hello' });
  const ack = await socket.next('message.ack', (f) => f.ref === ref);
  return { ...session, socket, conversationId: ack.conversationId };
}

async function sendWith(socket: TestSocket, frame: Record<string, unknown>) {
  const ref = cid();
  socket.send({ type: 'message.send', ref, clientMessageId: cid(), body: '', ...frame });
  return Promise.race([socket.next('message.ack', (f) => f.ref === ref), socket.next('error', (f) => f.ref === ref)]);
}

describe('uploading and sending files', () => {
  it('stores a visitor file, sends it with a message to the agents, and serves it to both sides', async () => {
    const alice = await visitorWithConversation();
    const image = files.png(3, 2);
    const file = await uploaded(alice, 'receipt.png', image);
    expect(file).toEqual({ id: expect.any(String), name: 'receipt.png', size: image.length, type: 'image/png' });

    const ack = await sendWith(alice.socket, { conversationId: alice.conversationId, body: 'my receipt', attachments: [file.id] });
    expect(ack.type).toBe('message.ack');
    const toAgent = await agent.next('message.created', (f) => f.message.body === 'my receipt');
    expect(toAgent.message.attachments).toEqual([file]);
    const toVisitor = await alice.socket.next('message.created', (f) => f.message.body === 'my receipt');
    expect(toVisitor.message.attachments).toEqual([file]);

    const history = await fetch(`${gw.url}/api/visitor/conversations/${alice.conversationId}/messages`, {
      headers: { authorization: `Bearer ${alice.token}`, origin: gw.origin },
    }).then((r) => r.json() as Promise<{ messages: Message[] }>);
    expect(history.messages.at(-1)!.attachments).toEqual([file]);
    const agentHistory = await fetch(`${gw.url}/api/agent/conversations/${alice.conversationId}/messages`, { headers: { cookie } }).then(
      (r) => r.json() as Promise<{ messages: Message[] }>,
    );
    expect(agentHistory.messages.at(-1)!.attachments).toEqual([file]);

    for (const who of [alice, { cookie }]) {
      const res = await download(file.id, who);
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(image);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="receipt.png"; filename*=UTF-8''receipt.png`);
    }
    alice.socket.close();
  });

  it('stores a socket\'s messages in the order sent, a message with files before the text that follows it', async () => {
    const eve = await visitorWithConversation();
    const photo = await uploaded(eve, 'photo.png', files.png());
    // Sent together: the first waits for its file to be claimed, the second for nothing.
    const refs = [cid(), cid()];
    eve.socket.send({ type: 'message.send', ref: refs[0], conversationId: eve.conversationId, clientMessageId: cid(), body: 'this one', attachments: [photo.id] });
    eve.socket.send({ type: 'message.send', ref: refs[1], conversationId: eve.conversationId, clientMessageId: cid(), body: 'see above' });
    const acks = await Promise.all(refs.map((ref) => eve.socket.next('message.ack', (f) => f.ref === ref)));
    expect(acks.map((a) => a.seq)).toEqual([2, 3]);
    eve.socket.close();
  });

  it('sends files without text, in the order given, and an agent attaches files to a reply', async () => {
    const bob = await visitorWithConversation();
    const a = await uploaded(bob, 'a.pdf', files.pdf());
    const b = await uploaded(bob, 'b.txt', files.text('second'));
    const ack = await sendWith(bob.socket, { conversationId: bob.conversationId, attachments: [b.id, a.id] });
    expect(ack.type).toBe('message.ack');
    const created = await agent.next('message.created', (f) => f.message.conversationId === bob.conversationId && f.message.body === '');
    expect(created.message.attachments!.map((f) => f.id)).toEqual([b.id, a.id]);
    // A message of files alone previews as their names in the inbox.
    await agent.next('conversation.updated', (f) => f.conversation.id === bob.conversationId && f.conversation.preview === 'b.txt, a.pdf');

    const reply = await uploaded({ cookie }, 'Invoice 2025.docx', files.ooxml('docx'));
    expect(reply.type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const agentAck = await sendWith(agent, { conversationId: bob.conversationId, body: 'Here is your invoice', attachments: [reply.id] });
    expect(agentAck.type).toBe('message.ack');
    const seen = await bob.socket.next('message.created', (f) => f.message.body === 'Here is your invoice');
    expect(seen.message.attachments).toEqual([reply]);
    const res = await download(reply.id, bob);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Invoice 2025.docx"; filename*=UTF-8''Invoice%202025.docx`);
    bob.socket.close();
  });

  it('answers a resend with the same files as a duplicate, and one with other files as a conflict', async () => {
    const carol = await visitorWithConversation();
    const file = await uploaded(carol, 'scan.gif', files.gif());
    const other = await uploaded(carol, 'other.gif', files.gif());
    const clientMessageId = cid();
    const first = await sendWith(carol.socket, { conversationId: carol.conversationId, clientMessageId, body: 'scan', attachments: [file.id] });
    const again = await sendWith(carol.socket, { conversationId: carol.conversationId, clientMessageId, body: 'scan', attachments: [file.id] });
    expect(first).toMatchObject({ type: 'message.ack', duplicate: false });
    expect(again).toMatchObject({ type: 'message.ack', duplicate: true, messageId: (first as { messageId: string }).messageId });
    const conflict = await sendWith(carol.socket, { conversationId: carol.conversationId, clientMessageId, body: 'scan', attachments: [file.id, other.id] });
    expect(conflict).toMatchObject({ type: 'error', code: 'CONFLICT' });
    // The refused resend left the other file free for a new message.
    const next = await sendWith(carol.socket, { conversationId: carol.conversationId, attachments: [other.id] });
    expect(next.type).toBe('message.ack');
    carol.socket.close();
  });

  it('gives a file to one message only, even when two race for it', async () => {
    const dave = await visitorWithConversation();
    const file = await uploaded(dave, 'once.png', files.png());
    const [one, two] = await Promise.all([
      sendWith(dave.socket, { conversationId: dave.conversationId, body: 'first', attachments: [file.id] }),
      sendWith(dave.socket, { conversationId: dave.conversationId, body: 'second', attachments: [file.id] }),
    ]);
    expect([one.type, two.type].sort()).toEqual(['error', 'message.ack']);
    expect([one, two].find((f) => f.type === 'error')).toMatchObject({ code: 'NOT_FOUND', message: 'No such file.' });
    const again = await sendWith(dave.socket, { conversationId: dave.conversationId, body: 'third', attachments: [file.id] });
    expect(again).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    dave.socket.close();
  });
});

describe('who may read a file', () => {
  it("answers another visitor's file exactly as a missing one: download, and sending it", async () => {
    const alice = await visitorWithConversation();
    const secret = await uploaded(alice, 'passport.jpg', files.jpeg());
    await sendWith(alice.socket, { conversationId: alice.conversationId, body: 'id', attachments: [secret.id] });
    const unsent = await uploaded(alice, 'draft.png', files.png());
    const mallory = await visitorWithConversation();

    const answers = await Promise.all(
      [secret.id, unsent.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid'].map(async (id) => {
        const res = await download(id, mallory);
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(answers[0]).toEqual({ status: 404, body: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'No such file.' } }) });
    for (const answer of answers) expect(answer).toEqual(answers[0]);

    const messages = await count('messages');
    for (const id of [secret.id, unsent.id, '00000000-0000-4000-8000-000000000000']) {
      const refused = await sendWith(mallory.socket, { conversationId: mallory.conversationId, body: 'mine now', attachments: [id] });
      expect(refused).toMatchObject({ type: 'error', code: 'NOT_FOUND', message: 'No such file.' });
    }
    expect(await count('messages')).toBe(messages);
    // The uploader still has the unsent file: the attempts claimed nothing.
    expect((await sendWith(alice.socket, { conversationId: alice.conversationId, attachments: [unsent.id] })).type).toBe('message.ack');
    alice.socket.close();
    mallory.socket.close();
  });

  it("never lets a visitor list, see or download an internal note's file (canary)", async () => {
    const victim = await visitorWithConversation();
    const canaryName = 'CANARY-internal-note-file.pdf';
    const note = await uploaded({ cookie }, canaryName, files.pdf());
    const ack = await sendWith(agent, { conversationId: victim.conversationId, body: 'CANARY note', internal: true, attachments: [note.id] });
    expect(ack.type).toBe('message.ack');
    const created = await agent.next('message.created', (f) => f.message.body === 'CANARY note');
    expect(created.message).toMatchObject({ internal: true, attachments: [note] });
    // A public message after it, so the visitor's socket has certainly been sent everything before.
    await sendWith(agent, { conversationId: victim.conversationId, body: 'public after' });
    await victim.socket.next('message.created', (f) => f.message.body === 'public after');

    const fresh = await gw.connectVisitor(victim.token);
    await fresh.next('hello');
    fresh.send({ type: 'resume', ref: 'r', cursors: [{ conversationId: victim.conversationId, seq: 0 }] });
    await fresh.next('resume.done', (f) => f.ref === 'r');
    fresh.send({ type: 'conversation.history', ref: 'h', conversationId: victim.conversationId });
    await fresh.next('conversation.history.result', (f) => f.ref === 'h');
    fresh.send({ type: 'conversation.list', ref: 'l' });
    await fresh.next('conversation.list.result', (f) => f.ref === 'l');
    const http = await Promise.all(
      [`/api/visitor/conversations`, `/api/visitor/conversations/${victim.conversationId}/messages`].map((path) =>
        fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${victim.token}`, origin: gw.origin } }).then((r) => r.text()),
      ),
    );
    const seen = JSON.stringify([victim.socket.frames, fresh.frames, http]);
    expect(seen).toContain('public after');
    expect(seen).not.toContain(note.id);
    expect(seen).not.toContain('CANARY');

    const res = await download(note.id, victim);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No such file.' } });
    expect((await download(note.id, { cookie })).status).toBe(200);
    // Nor can the file move to a public message.
    expect(await sendWith(agent, { conversationId: victim.conversationId, body: 'leak', attachments: [note.id] })).toMatchObject({ code: 'NOT_FOUND' });
    victim.socket.close();
    fresh.close();
  });
});

describe('refused uploads store nothing', () => {
  it.each([
    ['an executable named .png', 'cat.png', files.exe(), undefined],
    ['an HTML page named .png (text, to its bytes)', 'cat.png', files.html(), 'txt'],
    ['an SVG named .png', 'cat.png', files.svg(), 'txt'],
    ['a ZIP without content types named .docx', 'letter.docx', files.zip({ 'word/document.xml': '<w:document/>' }), undefined],
    ['a PDF named .jpg', 'holiday.jpg', files.pdf(), 'pdf'],
    ['a PNG named .txt', 'notes.txt', files.png(), 'png'],
    ['an HTML page named .html', 'page.html', files.html(), 'txt'],
  ])('refuses %s with 415 FILE_TYPE_NOT_ALLOWED, saying what it is when its name says otherwise', async (_label, name, bytes, actual) => {
    const { token } = await gw.visitor();
    const before = await count('attachments');
    const res = await upload({ token }, name, bytes);
    expect(res.status).toBe(415);
    const body = (await res.json()) as { error: { code: string; message: string; actual?: string } };
    expect(body.error.code).toBe('FILE_TYPE_NOT_ALLOWED');
    expect(body.error.message).toContain(name);
    expect(body.error.actual).toBe(actual);
    expect(await count('attachments')).toBe(before);
  });

  it('refuses a file over the limit with 413 FILE_TOO_LARGE, declared or streamed, and stops reading', async () => {
    const { token } = await gw.visitor();
    const before = await count('attachments');
    const declared = await upload({ token }, 'big.txt', new Uint8Array(LIMIT + 1).fill(0x61));
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('FILE_TOO_LARGE');

    // Streamed without a length and without end: the gateway counts while it reads, answers past
    // the limit and closes the connection; were it to read on, this upload would never finish.
    let pulled = 0;
    const chunk = new Uint8Array(16 * 1024).fill(0x62);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await upload({ token }, 'endless.txt', endless);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe('FILE_TOO_LARGE');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const settled = pulled;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pulled).toBe(settled);
    expect(await count('attachments')).toBe(before);
    // Exactly at the limit is fine.
    expect((await upload({ token }, 'full.txt', new Uint8Array(LIMIT).fill(0x63))).status).toBe(201);
  });

  it.each([
    ['no name', undefined, files.png(), {}, 400, 'INVALID_REQUEST'],
    ['a name that is only a path', '../../', files.png(), {}, 400, 'INVALID_REQUEST'],
    ['an empty file', 'empty.txt', new Uint8Array(), {}, 400, 'INVALID_REQUEST'],
    ['no body', 'x.png', undefined, {}, 400, 'INVALID_REQUEST'],
    ['a multipart body', 'x.png', files.png(), { 'content-type': 'multipart/form-data; boundary=x' }, 415, 'INVALID_REQUEST'],
    ['a foreign origin', 'x.png', files.png(), { origin: 'https://evil.example' }, 403, 'FORBIDDEN_ORIGIN'],
    ['no session', 'x.png', files.png(), { authorization: 'Bearer ' + 'A'.repeat(43) }, 401, 'UNAUTHORIZED'],
  ])('answers a visitor upload with %s with %i %s', async (_label, name, bytes, headers, status, code) => {
    const { token } = await gw.visitor();
    const before = await count('attachments');
    const res = await upload({ token }, name, bytes, headers);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await count('attachments')).toBe(before);
  });

  it('takes agent uploads only from the console, with its cookie', async () => {
    expect((await upload({ cookie }, 'x.png', files.png(), { origin: 'https://evil.example' })).status).toBe(403);
    expect((await upload({ cookie: 'parley_session=forged' }, 'x.png', files.png())).status).toBe(401);
  });

  it('cleans the file name and adds the extension its bytes have', async () => {
    const { token } = await gw.visitor();
    const file = await uploaded({ token }, 'C:\\fakepath\\<img src=x onerror=alert(1)>\u202e', files.png());
    expect(file.name).toBe('<img src=x onerror=alert(1)>.png');
    const res = await download(file.id, { token });
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="<img src=x onerror=alert(1)>.png"; filename*=UTF-8''%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.png`,
    );
  });
});

describe('uploads of generated bytes and names', () => {
  const samples = [files.png(), files.gif(), files.bmp(), files.jpeg(), files.webp(), files.tiff(), files.pdf(), files.rtf(), files.ooxml('docx'), files.ooxml('xlsx'), files.ole('WordDocument'), files.text('plain words\n'), files.exe(), files.html(), files.svg()];
  /** Real files, real files with bytes added, cut or overwritten, and noise. */
  const bytes = fc.oneof(
    fc.constantFrom(...samples),
    fc.tuple(fc.constantFrom(...samples), fc.uint8Array({ maxLength: 64 })).map(([sample, junk]) => new Uint8Array([...sample, ...junk])),
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.constantFrom(...samples)).map(([junk, sample]) => new Uint8Array([...junk, ...sample])),
    fc.tuple(fc.constantFrom(...samples), fc.nat()).map(([sample, at]) => sample.slice(0, at % (sample.length + 1))),
    fc.tuple(fc.constantFrom(...samples), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([sample, at, value]) => sample.map((b, i) => (i === at % sample.length ? value : b))),
    fc.uint8Array({ maxLength: 512 }),
  );
  /** Names as browsers and scripts send them: ordinary, spoofing, hidden characters, paths, none. */
  const name = fc.oneof(
    fc.tuple(fc.string({ maxLength: 30 }), fc.constantFrom('.png', '.pdf', '.exe', '.pdf.exe', '.html', '.svg', '.docx', '.txt', '', '.')).map(([base, ext]) => base + ext),
    fc.constantFrom('invoice\u202efdp.exe', '..\\..\\boot.ini', '/etc/passwd', '<img src=x onerror=alert(1)>.png', '', ' ', '\u200b', 'a'.repeat(400) + '.pdf'),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
  const allowedTypes = new Set<string>(Object.values(FILE_KINDS).map((kind) => kind.type));
  const codes = new Set<string>(Object.values(ErrorCode));

  it('stores only allowed kinds under a clean name and serves them back unchanged; refuses the rest with a code and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, name, fc.oneof({ weight: 8, arbitrary: fc.constant('application/octet-stream') }, fc.constantFrom('image/png', 'text/html')), async (body, fileName, type) => {
        // A visitor per upload: uploads are limited per visitor.
        const { token } = await gw.visitor();
        const before = await count('attachments');
        const res = await upload({ token }, fileName, body, { 'content-type': type });
        const text = await res.text();
        expect(res.status, text).toBeLessThan(500);
        if (res.status !== 201) {
          expect(codes).toContain(JSON.parse(text).error.code);
          expect(await count('attachments')).toBe(before);
          return;
        }
        const file = JSON.parse(text) as Upload;
        expect(allowedTypes).toContain(file.type);
        expect(file.name).not.toMatch(/[/\\\u0000-\u001f\u202e]/);
        const kind = Object.values(FILE_KINDS).find((k) => k.type === file.type)!;
        expect(kind.extensions).toContain(file.name.split('.').pop()!.toLowerCase());
        expect(file.size).toBe(body.length);
        const served = await download(file.id, { token });
        expect(served.headers.get('x-content-type-options')).toBe('nosniff');
        expect(served.headers.get('content-disposition')).toMatch(/^attachment; /);
        expect(new Uint8Array(await served.arrayBuffer())).toEqual(body);
      }),
      { numRuns: 150 },
    );
  });
});

describe('bad message frames with files', () => {
  it.each([
    ['more than 10 files', { attachments: Array.from({ length: 11 }, () => cid()) }, 'INVALID_FRAME'],
    ['the same file twice', { attachments: ['00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000'] }, 'INVALID_FRAME'],
    ['a file id that is not an id', { attachments: ['../etc/passwd'] }, 'INVALID_FRAME'],
    ['no text and no files', { attachments: [] }, 'INVALID_FRAME'],
    ['an unknown file', { attachments: ['00000000-0000-4000-8000-000000000000'] }, 'NOT_FOUND'],
  ])('answers %s with %s', async (_label, extra, code) => {
    const eve = await visitorWithConversation();
    const answer = await sendWith(eve.socket, { conversationId: eve.conversationId, ...extra });
    expect(answer).toMatchObject({ type: 'error', code, frameType: 'message.send' });
    eve.socket.close();
  });
});

describe('downloads from the widget', () => {
  it('tells any page the size limit and the extensions it accepts', async () => {
    const res = await fetch(`${gw.url}/api/attachments/policy`, { headers: { origin: 'https://shop.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const policy = (await res.json()) as { maxBytes: number; extensions: string[] };
    expect(policy.maxBytes).toBe(LIMIT);
    expect(policy.extensions).toEqual(expect.arrayContaining(['pdf', 'doc', 'docx', 'ppt', 'pptx', 'xls', 'xlsx', 'txt', 'rtf', 'jpg', 'png', 'gif', 'bmp', 'webp', 'tiff', 'heic']));
    expect(policy.extensions).not.toContain('html');
  });

  it('answers the preflight of a download from any page, and the download only for allowed origins', async () => {
    const preflight = await fetch(`${gw.url}/api/attachments/00000000-0000-4000-8000-000000000000`, {
      method: 'OPTIONS',
      headers: { origin: gw.origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(gw.origin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');

    const { token } = await gw.visitor();
    const file = await uploaded({ token }, 'mine.png', files.png());
    const ok = await download(file.id, { token });
    expect(ok.headers.get('access-control-allow-origin')).toBe(gw.origin);
    const foreign = await download(file.id, { token }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
  });

  it('limits how many files one visitor uploads in a burst', async () => {
    const { token } = await gw.visitor();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await upload({ token }, `${i}.txt`, files.text(`file ${i}`))).status);
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

describe.runIf(TEST_DB === 'postgres')('files across gateway nodes', () => {
  it('serves a file uploaded on one node from another, and its message reaches the other node with it', async () => {
    const b = await startSecondNode(gw, { PARLEY_MAX_UPLOAD_BYTES: String(LIMIT) });
    try {
      const agentOnB = await b.connectAgent(await b.login());
      await agentOnB.next('hello');
      const alice = await visitorWithConversation();
      const file = await uploaded(alice, 'scan.tif', files.tiff());
      await sendWith(alice.socket, { conversationId: alice.conversationId, body: 'from node a', attachments: [file.id] });
      const created = await agentOnB.next('message.created', (f) => f.message.body === 'from node a');
      expect(created.message.attachments).toEqual([file]);
      const res = await fetch(`${b.url}/api/attachments/${file.id}`, { headers: { authorization: `Bearer ${alice.token}` } });
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(files.tiff());
      agentOnB.close();
      alice.socket.close();
    } finally {
      await b.close();
    }
  });
});
