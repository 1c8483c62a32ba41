import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs, replyEmails, visitors } from '../src/db/schema/index.ts';
import { UNSEEN_REPLIES } from '../src/domain/reply-emails/reply-email-service.ts';
import { TEST_DB } from './support/database.ts';
import { cid, DEMO_SECRET, startGateway, startSecondNode, type TestGateway } from './support/gateway.ts';
import type { TestSocket } from './support/socket.ts';

// MISSION.md V10: a reply the visitor has not seen within the delay is e-mailed to them, if their
// address is known. Real gateways, real sockets, a real SMTP server in this process.

const FROM = 'Demo Support <support@parley.test>';
/** In every internal note of this file: no e-mail may ever carry it. */
const CANARY = `internal-canary-${cid()}`;

/** A message as the SMTP server received it, with its text and HTML parts decoded. */
interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  headers: Map<string, string>;
  text: string;
  html: string;
}

/** A real SMTP server on 127.0.0.1 (port 0 picks one) that keeps every message it accepts. */
async function startSmtp(port = 0) {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelope = session.envelope;
        mails.push({
          envelopeFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
          envelopeTo: envelope.rcptTo.map((r) => r.address),
          raw,
          ...parseMail(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.server.address() as { port: number };
  return {
    mails,
    url: `smtp://127.0.0.1:${address.port}`,
    port: address.port,
    to: (address: string) => mails.filter((m) => m.envelopeTo.includes(address)),
    /** Waits until `count` mails came (to `address`, or to anyone), and answers them. */
    arrived: (address?: string, count = 1) =>
      until(() => {
        const got = address ? mails.filter((m) => m.envelopeTo.includes(address)) : mails;
        return got.length >= count ? got : undefined;
      }, `${count} e-mail(s)${address ? ` to ${address}` : ''}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
type Smtp = Awaited<ReturnType<typeof startSmtp>>;

/** A port nothing listens on (an SMTP server that is down), free for a server to take later. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Headers (unfolded, names in lower case) and body of one MIME entity. */
function splitEntity(entity: string) {
  const at = entity.search(/\r?\n\r?\n/);
  const head = (at < 0 ? entity : entity.slice(0, at)).replace(/\r?\n[ \t]+/g, ' ');
  const body = at < 0 ? '' : entity.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map(head.split(/\r?\n/).map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const));
  return { headers, body };
}

/** A body as its Content-Transfer-Encoding says (RFC 2045): what a mail program shows. */
function decodeBody(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** The headers and the decoded text and HTML parts of a message (one part, or multipart/alternative). */
function parseMail(raw: string) {
  const { headers, body } = splitEntity(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const parts = new Map<string, string>();
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const part = splitEntity(chunk.replace(/^\r?\n/, ''));
      parts.set((part.headers.get('content-type') ?? 'text/plain').split(';')[0]!.trim(), decodeBody(part.headers, part.body));
    }
  } else parts.set(type.split(';')[0]!.trim(), decodeBody(headers, body));
  return { headers, text: parts.get('text/plain') ?? '', html: parts.get('text/html') ?? '' };
}

/** Waits, polling, until `check` returns something truthy; fails after a generous while. */
async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Logs of a gateway, as JSON lines. */
function logSink() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: { level: 'info', stream } };
}

/** Talks to one gateway as its demo agent and as visitors. */
function actors(gw: TestGateway, cookie: string) {
  const open: TestSocket[] = [];

  async function agent() {
    const socket = await gw.connectAgent(cookie);
    open.push(socket);
    await socket.next('hello');
    return socket;
  }

  async function visitorRequest(token: string, method: string, path: string, body: unknown) {
    const res = await fetch(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, origin: gw.origin, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  }

  /**
   * A visitor with a conversation holding one message of theirs; `email` is given the way the
   * messenger's pre-chat form and "leave your e-mail" (and the SDK's `update`) give it.
   */
  async function visitor({ email, identify, locale, patch }: { email?: string; identify?: { userId: string; email: string }; locale?: string; patch?: Record<string, unknown> } = {}) {
    const session = locale ? await session_(locale) : await gw.visitor();
    if (email) await visitorRequest(session.token, 'PATCH', '/api/visitor/me', { email });
    if (patch) await visitorRequest(session.token, 'PATCH', '/api/visitor/me', patch);
    if (identify) {
      const signature = createHmac('sha256', DEMO_SECRET).update(identify.userId).digest('hex');
      await visitorRequest(session.token, 'POST', '/api/visitor/identify', { userId: identify.userId, signature, email: identify.email });
    }
    const socket = await gw.connectVisitor(session.token);
    open.push(socket);
    await socket.next('hello');
    const ref = cid();
    socket.send({ type: 'message.send', ref, clientConversationId: cid(), clientMessageId: cid(), body: 'Where is my order?' });
    const { conversationId } = await socket.next('message.ack', (f) => f.ref === ref);
    return { ...session, socket, conversationId };
  }

  /** A visitor session made the way the SDK makes it, in the language the widget shows. */
  async function session_(locale: string) {
    const res = await fetch(`${gw.url}/api/visitor/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: gw.origin },
      body: JSON.stringify({ appId: 'demo', locale }),
    });
    if (res.status !== 201) throw new Error(`visitor session failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as { token: string; visitorId: string };
  }

  /** An agent's message (a public reply, or an internal note), acknowledged. */
  async function reply(socket: TestSocket, conversationId: string, body: string, internal = false) {
    const ref = cid();
    socket.send({ type: 'message.send', ref, conversationId, clientMessageId: cid(), body, ...(internal && { internal: true }) });
    const answer = await Promise.race([socket.next('message.ack', (f) => f.ref === ref), socket.next('error', (f) => f.ref === ref)]);
    if (answer.type !== 'message.ack') throw new Error(`reply refused: ${JSON.stringify(answer)}`);
    return answer;
  }

  return { agent, visitor, reply, close: () => open.splice(0).forEach((s) => s.close()) };
}

/**
 * Resolves once the conversation has no unseen-replies timer or e-mail send pending: whatever it
 * was going to e-mail has gone (the send job finishes only after the server accepted the mail).
 */
function settled(gw: TestGateway, conversationId: string) {
  return until(async () => {
    const pending = await gw.database.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(isNull(jobs.doneAt), sql`${jobs.payload} ->> 'conversationId' = ${conversationId}`));
    return pending.length === 0;
  }, `the e-mail jobs of ${conversationId} to finish`);
}

/** A unique address for one test. */
const address = (name: string) => `${name}-${cid().slice(0, 8)}@visitor.test`;

describe('unread replies e-mailed over SMTP', () => {
  let smtp: Smtp;
  let gw: TestGateway;
  /** The same database and mail server, with a delay no test step comes near: for tests that act before the timer. */
  let patient: TestGateway;
  let fast: ReturnType<typeof actors>;
  let slow: ReturnType<typeof actors>;

  beforeAll(async () => {
    smtp = await startSmtp();
    const env = { PARLEY_SMTP_URL: smtp.url, PARLEY_MAIL_FROM: FROM };
    gw = await startGateway({ ...env, PARLEY_UNSEEN_EMAIL_AFTER_MS: '200' });
    patient = await startGateway({ ...env, PARLEY_UNSEEN_EMAIL_AFTER_MS: '3000' }, gw.database);
    fast = actors(gw, await gw.login());
    slow = actors(patient, await patient.login());
  });
  afterAll(async () => {
    fast?.close();
    slow?.close();
    await patient?.close();
    await gw?.close();
    // The security invariant, over every mail this file's servers received: no internal note.
    for (const mail of smtp?.mails ?? []) expect(mail.raw + mail.text + mail.html).not.toContain(CANARY);
    await smtp?.close();
  });

  it('e-mails a reply the visitor has not read, once, to their address, from PARLEY_MAIL_FROM', async () => {
    const to = address('ayse');
    const v = await fast.visitor({ email: to });
    const dana = await fast.agent();
    await fast.reply(dana, v.conversationId, 'Your parcel ships today.');

    const [mail] = await smtp.arrived(to);
    expect(mail!.envelopeTo).toEqual([to]);
    expect(mail!.envelopeFrom).toBe('support@parley.test');
    expect(mail!.headers.get('from')).toBe(FROM);
    expect(mail!.headers.get('to')).toContain(to);
    expect(mail!.headers.get('subject')).toBe('New reply from Demo site');
    expect(mail!.headers.get('content-language')).toBe('en');
    expect(mail!.headers.get('content-type')).toMatch(/^multipart\/alternative/);
    expect(mail!.text).toContain('Your parcel ships today.');
    expect(mail!.text).toContain('Demo Agent');
    expect(mail!.html).toContain('Your parcel ships today.');
    // Never the visitor's own words: those they have seen.
    expect(mail!.text).not.toContain('Where is my order?');

    await settled(gw, v.conversationId);
    expect(smtp.to(to)).toHaveLength(1);
  });

  it('e-mails a Turkish visitor in Turkish, the language their session was made in', async () => {
    const to = address('ayse-tr');
    const v = await fast.visitor({ email: to, locale: 'tr' });
    await fast.reply(await fast.agent(), v.conversationId, 'Kargonuz bugün çıkıyor.');

    const [mail] = await smtp.arrived(to);
    expect(mail!.headers.get('content-language')).toBe('tr');
    expect(mail!.headers.get('subject')).toBe('=?UTF-8?Q?Demo_site_size_yan=C4=B1t_verdi?=');
    expect(mail!.text).toMatch(/^Merhaba,\r?\n\r?\nSohbetinizde Demo site tarafından yeni bir yanıt var:/);
    expect(mail!.text).toContain('Kargonuz bugün çıkıyor.');
    expect(mail!.text).toContain('Yanıtlamak için bize yazdığınız sohbete geri dönün.');
    expect(mail!.html).toContain('<html lang="tr">');
  });

  it('e-mails in the language the visitor changed to with PATCH /api/visitor/me', async () => {
    const to = address('giulia');
    const v = await fast.visitor({ email: to, locale: 'nl', patch: { locale: 'it' } });
    await fast.reply(await fast.agent(), v.conversationId, 'Spedito oggi.');
    const [mail] = await smtp.arrived(to);
    expect(mail!.headers.get('content-language')).toBe('it');
    expect(mail!.text).toContain('Hai una nuova risposta da Demo site nella tua chat:');
  });

  it('refuses a language the widget does not speak, naming the field, and stores nothing', async () => {
    const count = async () => (await gw.database.db.select({ n: sql<number>`count(*)::int` }).from(visitors))[0]!.n;
    const before = await count();
    for (const locale of ['de', 'TR', '', 42]) {
      const res = await fetch(`${gw.url}/api/visitor/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: gw.origin },
        body: JSON.stringify({ appId: 'demo', locale }),
      });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.message).toContain('locale');
    }
    expect(await count()).toBe(before);

    const session = await gw.visitor();
    const res = await fetch(`${gw.url}/api/visitor/me`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${session.token}`, origin: gw.origin, 'content-type': 'application/json' },
      body: JSON.stringify({ locale: 'fr', name: 'Zoé' }),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain('locale');
    const [row] = await gw.database.db.select().from(visitors).where(eq(visitors.id, session.visitorId));
    expect(row).toMatchObject({ locale: null, name: null });
  });

  it("e-mails a visitor merged into a contact in the language of the contact's visitor, which keeps its own", async () => {
    const userId = `merve-${cid()}`;
    const to = address('merve');
    const first = await fast.visitor({ identify: { userId, email: to }, locale: 'nl' });
    // A second device in Turkish joins the same user: its conversation moves to the first device's visitor.
    const second = await fast.visitor({ identify: { userId, email: to }, locale: 'tr' });
    expect(second.conversationId).not.toBe(first.conversationId);
    const [owner] = await gw.database.db.select().from(visitors).where(eq(visitors.id, first.visitorId));
    expect(owner!.locale).toBe('nl');
    await fast.reply(await fast.agent(), second.conversationId, 'Het pakket is onderweg.');
    const mails = await smtp.arrived(to);
    expect(mails[0]!.headers.get('content-language')).toBe('nl');
    expect(mails[0]!.text).toContain('Je hebt een nieuw antwoord van Demo site in je chat:');
  });

  it("e-mails an identified visitor at the contact's address", async () => {
    const to = address('ada');
    const v = await fast.visitor({ identify: { userId: `ada-${cid()}`, email: to } });
    await fast.reply(await fast.agent(), v.conversationId, 'Hello Ada, your invoice is attached to your account.');
    const [mail] = await smtp.arrived(to);
    expect(mail!.text).toContain('your invoice is attached');
  });

  it('puts two replies made before the timer in one e-mail, in order, with each agent and time', async () => {
    const to = address('bob');
    const v = await slow.visitor({ email: to });
    const dana = await slow.agent();
    await slow.reply(dana, v.conversationId, 'First: we found your order.');
    await slow.reply(dana, v.conversationId, 'Second: it leaves the warehouse tomorrow.');

    const [mail] = await smtp.arrived(to);
    const first = mail!.text.indexOf('First: we found your order.');
    expect(first).toBeGreaterThan(-1);
    expect(mail!.text.indexOf('Second: it leaves the warehouse tomorrow.')).toBeGreaterThan(first);
    expect(mail!.text.match(/Demo Agent, \d{4}-\d\d-\d\d \d\d:\d\d UTC/g)).toHaveLength(2);
    await settled(patient, v.conversationId);
    expect(smtp.to(to)).toHaveLength(1);
    // One timer for the conversation: the second reply joined the first one's.
    const timers = await patient.database.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.kind, UNSEEN_REPLIES), sql`${jobs.payload} ->> 'conversationId' = ${v.conversationId}`));
    expect(timers).toHaveLength(1);
  });

  it('e-mails nothing to a visitor who read the reply in time, while one who did not gets it', async () => {
    const reader = address('reader');
    const away = address('away');
    const dana = await slow.agent();
    const a = await slow.visitor({ email: reader });
    const b = await slow.visitor({ email: away });
    await slow.reply(dana, a.conversationId, 'Read me in the chat.');
    await slow.reply(dana, b.conversationId, 'Nobody reads this one in the chat.');
    const shown = await a.socket.next('message.created', (f) => f.message.body === 'Read me in the chat.');
    a.socket.send({ type: 'conversation.read', ref: 'read', conversationId: a.conversationId, seq: shown.message.seq });
    await a.socket.next('ok', (f) => f.ref === 'read');

    await smtp.arrived(away);
    await settled(patient, a.conversationId);
    expect(smtp.to(reader)).toEqual([]);
  });

  it('e-mails nothing to a visitor without an address, while one with an address gets their reply', async () => {
    const known = address('known');
    const dana = await fast.agent();
    const anonymous = await fast.visitor();
    const withAddress = await fast.visitor({ email: known });
    await fast.reply(dana, anonymous.conversationId, 'A reply to someone we cannot write to.');
    await fast.reply(dana, withAddress.conversationId, 'A reply to someone we can write to.');

    await smtp.arrived(known);
    await settled(gw, anonymous.conversationId);
    expect(smtp.mails.filter((m) => m.text.includes('someone we cannot write to'))).toEqual([]);
  });

  it("never puts an internal note in an e-mail, only the public reply beside it", async () => {
    const to = address('carol');
    const v = await fast.visitor({ email: to });
    const dana = await fast.agent();
    await fast.reply(dana, v.conversationId, `Note for the team: ${CANARY}`, true);
    await fast.reply(dana, v.conversationId, 'We are looking into it.');
    await fast.reply(dana, v.conversationId, `Another note: ${CANARY}`, true);

    const [mail] = await smtp.arrived(to);
    // The parts were decoded (the public reply is there), so the note cannot hide in an encoding.
    expect(mail!.text).toContain('We are looking into it.');
    expect(mail!.html).toContain('We are looking into it.');
    expect(mail!.raw + mail!.text + mail!.html).not.toContain(CANARY);
    expect(mail!.text).not.toContain('Note for the team');
    await settled(gw, v.conversationId);
    const stored = await gw.database.db.select().from(replyEmails).where(eq(replyEmails.conversationId, v.conversationId));
    expect(JSON.stringify(stored)).not.toContain(CANARY);
  });

  it('sends a later unread reply in a second e-mail that carries only the new one', async () => {
    const to = address('dave');
    const v = await fast.visitor({ email: to });
    const dana = await fast.agent();
    await fast.reply(dana, v.conversationId, 'The first answer.');
    await smtp.arrived(to);
    await settled(gw, v.conversationId);

    await fast.reply(dana, v.conversationId, 'The second answer.');
    const mails = await smtp.arrived(to, 2);
    expect(mails[1]!.text).toContain('The second answer.');
    expect(mails[1]!.text).not.toContain('The first answer.');
    await settled(gw, v.conversationId);
    expect(smtp.to(to)).toHaveLength(2);
  });

  it.runIf(TEST_DB === 'postgres')('sends each e-mail once with two gateway nodes running the timers', async () => {
    const second = await startSecondNode(gw, { PARLEY_SMTP_URL: smtp.url, PARLEY_MAIL_FROM: FROM, PARLEY_UNSEEN_EMAIL_AFTER_MS: '200' });
    const other = actors(second, await second.login());
    try {
      const dana = await fast.agent();
      const sam = await other.agent();
      // Replies on both nodes at once: both nodes' runners race for every timer and every send.
      const addresses = Array.from({ length: 6 }, (_, i) => address(`node${i}`));
      const visitors = await Promise.all(addresses.map((email, i) => (i % 2 ? fast : other).visitor({ email })));
      await Promise.all(visitors.map((v, i) => (i % 2 ? fast : other).reply(i % 2 ? dana : sam, v.conversationId, `Reply number ${i}.`)));
      for (const [i, v] of visitors.entries()) {
        await smtp.arrived(addresses[i]);
        await settled(gw, v.conversationId);
      }
      for (const [i, to] of addresses.entries()) {
        expect(smtp.to(to)).toHaveLength(1);
        expect(smtp.to(to)[0]!.text).toContain(`Reply number ${i}.`);
      }
    } finally {
      other.close();
      await second.close();
    }
  });
});

describe('unread replies e-mailed without an SMTP server', () => {
  it('writes the e-mail as an .eml file to the outbox folder and logs where', async () => {
    const outbox = await mkdtemp(join(tmpdir(), 'parley-outbox-'));
    const logs = logSink();
    const gw = await startGateway({ PARLEY_MAIL_OUTBOX: outbox, PARLEY_UNSEEN_EMAIL_AFTER_MS: '200' }, undefined, { logger: logs.logger });
    const talk = actors(gw, await gw.login());
    try {
      const to = address('erin');
      const v = await talk.visitor({ email: to });
      await talk.reply(await talk.agent(), v.conversationId, 'Written to a file, since there is no mail server.');

      const emlFiles = async () => (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
      const [name] = await until(async () => ((await emlFiles()).length ? emlFiles() : undefined), 'the .eml file');
      const mail = parseMail(await readFile(join(outbox, name!), 'utf8'));
      expect(mail.headers.get('to')).toContain(to);
      expect(mail.headers.get('from')).toBe('Parley <no-reply@localhost>');
      expect(mail.headers.get('subject')).toBe('New reply from Demo site');
      expect(mail.text).toContain('Written to a file, since there is no mail server.');
      const line = await until(() => logs.lines.find((l) => l.file === join(outbox, name!)), 'the log line');
      expect(line.msg).toContain(join(outbox, name!));
      await settled(gw, v.conversationId);
      expect(await emlFiles()).toHaveLength(1);
    } finally {
      talk.close();
      await gw.close();
      await rm(outbox, { recursive: true, force: true });
    }
  });
});

describe('unread replies e-mailed while the SMTP server is down', () => {
  /** A gateway whose SMTP server is down (nothing listens on its port), with its logs, and how to talk to it. */
  async function withServerDown(env: Record<string, string>) {
    const port = await closedPort();
    const logs = logSink();
    const gw = await startGateway({ PARLEY_SMTP_URL: `smtp://127.0.0.1:${port}`, PARLEY_UNSEEN_EMAIL_AFTER_MS: '200', ...env }, undefined, { logger: logs.logger });
    const talk = actors(gw, await gw.login());
    return { port, logs, gw, talk, dana: await talk.agent() };
  }

  it('tries again with backoff and delivers the e-mail once the server is back', async () => {
    const { port, gw, talk, dana } = await withServerDown({ PARLEY_MAIL_RETRY_MS: '100' });
    let smtp: Smtp | undefined;
    try {
      const to = address('grace');
      const v = await talk.visitor({ email: to });
      await talk.reply(dana, v.conversationId, 'This one arrives once the server is back.');
      await until(async () => (await gw.database.db.select().from(replyEmails).where(eq(replyEmails.conversationId, v.conversationId)))[0]?.error, 'a failed try');
      smtp = await startSmtp(port);
      const [mail] = await smtp.arrived(to);
      expect(mail!.text).toContain('This one arrives once the server is back.');
      await settled(gw, v.conversationId);
      expect(smtp.to(to)).toHaveLength(1);
    } finally {
      talk.close();
      await gw.close();
      await smtp?.close();
    }
  });

  it('logs each failed try and gives the e-mail up after the last one, without touching the chat', async () => {
    const { port, logs, gw, talk, dana } = await withServerDown({ PARLEY_MAIL_RETRY_MS: '50', PARLEY_MAIL_ATTEMPTS: '2' });
    let smtp: Smtp | undefined;
    try {
      const v = await talk.visitor({ email: address('frank') });
      await talk.reply(dana, v.conversationId, 'This one never gets through.');
      const givenUp = await until(() => logs.lines.find((l) => l.emailId && l.level === 50), 'the give-up log line');
      expect(givenUp.msg).toContain('given up after 2 tries');
      expect(logs.lines.filter((l) => l.emailId === givenUp.emailId && l.level === 40)).toHaveLength(1);
      await settled(gw, v.conversationId);
      // The chat went on as ever: the visitor got the reply, and the next message is acknowledged.
      expect(await v.socket.next('message.created', (f) => f.message.body === 'This one never gets through.')).toBeTruthy();
      await talk.reply(dana, v.conversationId, 'Still here.');

      // Given up stays given up: once the server is back, only the new reply is e-mailed.
      smtp = await startSmtp(port);
      const [mail] = await smtp.arrived();
      await settled(gw, v.conversationId);
      expect(smtp.mails).toHaveLength(1);
      expect(mail!.text).toContain('Still here.');
      expect(mail!.text).not.toContain('never gets through');
    } finally {
      talk.close();
      await gw.close();
      await smtp?.close();
    }
  });
});
