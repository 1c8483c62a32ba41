import {
  CloseCode,
  MAX_BODY_CHARS,
  MAX_RESUME_CURSORS,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  TERMINAL_CLOSE_CODES,
  type ClientFrame,
  type ErrorCode,
  type Message,
  type ServerFrame,
  type ServerFrameOf,
} from '@parley/protocol';
import { createBackoff, type BackoffOptions } from './backoff.ts';
import { parseServerFrame, type FrameChecks } from './checks.ts';
import { createCursorTracker, type Resumed } from './cursors.ts';
import { createEmitter } from './emitter.ts';
import { randomId } from './id.ts';
import { browserNetwork, type Network } from './network.ts';
import { memoryOutboxStore, readEntry, toSendFrame, type OutboxEntry, type OutboxStore } from './outbox.ts';
import { socketUrl } from './url.ts';

/** The part of a socket event the client reads. */
export interface SocketEvent {
  data?: unknown;
  code?: number;
  reason?: string;
}

/**
 * The subset of the WebSocket API the client uses: the browser's, Node 22's and `ws`'s sockets
 * all fit. Without `addEventListener`, the client sets `onmessage` / `onclose` instead.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener?(type: 'message' | 'close', listener: (event: SocketEvent) => void): void;
}

/** Options of `createClient`; only `url` is required. */
export interface ClientOptions {
  /** The ws(s) URL (or a function returning it, read on every connect); `v` is set to PROTOCOL_VERSION. */
  url: string | (() => string);
  /** Extra subprotocols read on every connect, e.g. `[TOKEN_SUBPROTOCOL_PREFIX + token]`; 'parley' always goes first. */
  protocols?: () => string[];
  /** The WebSocket constructor (default `globalThis.WebSocket`; pass `ws` on Node 20). */
  WebSocket?: new (url: string, protocols?: string[]) => WebSocketLike;
  /** Where unacknowledged messages are kept (default `memoryOutboxStore()`). */
  outbox?: OutboxStore;
  /** Reconnect delays (defaults 500 ms, 15 s, factor 2, full jitter); also paces RATE_LIMITED retries. */
  backoff?: BackoffOptions;
  /** Random source for jitter (default `Math.random`). */
  random?: () => number;
  /** Timer functions, injectable for tests. */
  setTimeout?: (callback: () => void, ms: number) => unknown;
  /** Cancels a timer made by `setTimeout`. */
  clearTimeout?(handle: unknown): void;
  /** Tells the client when the device goes offline and comes back (default `browserNetwork()`: none on Node). */
  network?: Network;
  /** Makes client message ids (default `crypto.randomUUID()`). */
  newId?: () => string;
  /**
   * How frames are checked: by default the protocol's schemas (`@parley/client`), or by shape
   * alone (`@parley/client/light`, for the visitor widget).
   */
  checks?: FrameChecks;
}

/**
 * `idle` before connect(), `connecting` until hello (also while waiting to reconnect, or for the
 * device to be back online), `closed` once stopped for good (close(), a terminal close code, or reload).
 */
export type ClientState = 'idle' | 'connecting' | 'open' | 'closed';

/**
 * An error the client itself reports; `closeCode` is set when a terminal close code caused it:
 * 4001 `UNAUTHORIZED`, 4002 `VERSION_UNSUPPORTED`, 4010 `SESSION_ENDED`, 4012 `BLOCKED` (an agent
 * blocked the visitor). Its message is the one of the `error` frame with that code the gateway
 * sent before closing, else the close reason.
 */
export interface ClientError {
  code: string;
  message: string;
  closeCode?: number;
}

/** An Error with a stable `code`: a server error code, or CLOSED / DISCONNECTED from the client. */
export type ParleyError = Error & { code: string };

/** The `message.ack` frame. */
export type AckFrame = ServerFrameOf<'message.ack'>;

/** What `send()` takes: exactly one of conversationId and clientConversationId. */
export interface SendInput {
  conversationId?: string;
  clientConversationId?: string;
  /** The text; may be empty when `attachments` has files. */
  body: string;
  internal?: boolean;
  /** Ids of files uploaded beforehand (`POST /api/{visitor,agent}/attachments`), at most 10. */
  attachments?: string[];
}

/** The frame types `request()` sends, and the frame each is answered with. */
export interface RequestResults {
  'conversation.list': ServerFrameOf<'conversation.list.result'>;
  'conversation.history': ServerFrameOf<'conversation.history.result'>;
  ping: ServerFrameOf<'pong'>;
  typing: ServerFrameOf<'ok'>;
  'conversation.read': ServerFrameOf<'ok'>;
  'conversation.end': ServerFrameOf<'ok'>;
}

/** A request frame without its `ref` (the client assigns one). */
export type RequestFrame = { [T in keyof RequestResults]: Omit<Extract<ClientFrame, { type: T }>, 'ref'> }[keyof RequestResults];

/** Every event and its payload. */
export interface ClientEvents {
  state: ClientState;
  hello: ServerFrameOf<'hello'>;
  /** Each message id at most once, in seq order per conversation, whether it came live or by resume. */
  message: Message;
  ack: AckFrame;
  /** The gateway's `conversation.reset`, or the client's own when a resume could not fill a gap: read the history again. */
  reset: ServerFrameOf<'conversation.reset'> | NotReplayed;
  /** Every server `error` frame, plus the client's own (BAD_FRAME, CONNECT_FAILED, STORE_FAILED, terminal closes, local send rejections). */
  error: ServerFrameOf<'error'> | ClientError;
  reload: ServerFrameOf<'reload'>;
  /** Every valid server frame, before the specific event. */
  frame: ServerFrame;
}

/**
 * A gap in a conversation that a resume did not narrow at all (the gateway could not serve the
 * cursor, or refused the resume): its cursor is dropped, as after `conversation.reset`. Read
 * the latest page of history and set the cursor from it; nothing is skipped silently.
 */
export interface NotReplayed {
  type: 'conversation.reset';
  conversationId: string;
  reason: 'not_replayed';
}

/** The connection shared by the widget and the console. */
export interface ParleyClient {
  readonly state: ClientState;
  /** Opens the socket; does nothing unless the state is `idle`. */
  connect(): void;
  /** Stops for good: closes the socket, never reconnects; the outbox stays in its store for the next client. */
  close(): void;
  /** Queues a message in the outbox (saved before any socket write) and sends it when open; `acked` settles on its ack or a final error. */
  send(input: SendInput): { clientMessageId: string; acked: Promise<AckFrame> };
  /** Sends a query with a fresh ref once open; resolves with the frame carrying that ref, rejects on its error frame or a close. */
  request<F extends RequestFrame>(frame: F): Promise<RequestResults[F['type']]>;
  /** The outbox: messages not yet acknowledged, oldest first. */
  pending(): OutboxEntry[];
  /** The last seq seen in a conversation. */
  cursor(conversationId: string): number | undefined;
  /** Sets a conversation's cursor, e.g. after fetching its history; it is resumed from there. */
  setCursor(conversationId: string, seq: number): void;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(event: K, listener: (payload: ClientEvents[K]) => void): () => void;
}

// Error codes are written out (typed by the protocol's `ErrorCode`) rather than read from its
// object, so a bundle of the client does not carry every code there is.
/** Error codes after which a message can never be accepted: it leaves the outbox. */
const FINAL_SEND_CODES = new Set<string>(['CONFLICT', 'MESSAGE_TOO_LONG', 'INVALID_FRAME', 'NOT_FOUND', 'FORBIDDEN', 'PRECHAT_REQUIRED'] satisfies ErrorCode[]);
/** Error codes after which a message is sent again after a backoff delay. */
const RETRY_SEND_CODES = new Set<string>(['RATE_LIMITED', 'UNAVAILABLE'] satisfies ErrorCode[]);
/** Error codes after which a resume is sent again after a backoff delay; any other ends in a reset of its conversations. */
const RETRY_RESUME_CODES = new Set<string>([...RETRY_SEND_CODES, 'INTERNAL' satisfies ErrorCode]);
/** The error code reported for each terminal close code. */
const CLOSE_ERRORS: Record<number, string> = {
  [CloseCode.UNAUTHORIZED]: 'UNAUTHORIZED' satisfies ErrorCode,
  [CloseCode.RELOAD]: 'VERSION_UNSUPPORTED' satisfies ErrorCode,
  [CloseCode.SESSION_ENDED]: 'SESSION_ENDED',
  [CloseCode.BLOCKED]: 'BLOCKED' satisfies ErrorCode,
};
const OPEN = 1;

type Settle<T> = { resolve: (value: T) => void; reject: (error: ParleyError) => void };
type RefTarget =
  | ({ kind: 'request' } & Settle<ServerFrame>)
  | { kind: 'send'; clientMessageId: string }
  | { kind: 'resume'; conversationIds: string[] };
type QueuedRequest = { frame: RequestFrame } & Settle<ServerFrame>;

/** An Error carrying a stable `code`. */
const parleyError = (code: string, message: string): ParleyError => Object.assign(new Error(message), { name: 'ParleyError', code });

/**
 * Creates the client: reconnects with backoff, resumes conversations from their cursors, and
 * keeps unacknowledged messages in an outbox that outlives the socket (and, with a persistent
 * store, the page).
 *
 * @example
 * const client = createClient({
 *   url: 'wss://chat.example.com/ws/visitor',
 *   protocols: () => [TOKEN_SUBPROTOCOL_PREFIX + sessionToken],
 *   outbox: localStorageOutboxStore(localStorage, 'parley.outbox'),
 * });
 * client.on('message', (m) => render(m));
 * client.connect();
 * const { acked } = client.send({ conversationId, body: 'Hello!' });
 * await acked;
 */
export function createClient(options: ClientOptions & { checks: FrameChecks }): ParleyClient {
  const { checks } = options;
  const Socket = options.WebSocket ?? (globalThis as { WebSocket?: ClientOptions['WebSocket'] }).WebSocket;
  const store = options.outbox ?? memoryOutboxStore();
  const setTimer = options.setTimeout ?? ((callback, ms) => globalThis.setTimeout(callback, ms));
  const clearTimer = (handle: unknown) => (options.clearTimeout ? options.clearTimeout(handle) : globalThis.clearTimeout(handle as number));
  const newId = options.newId ?? (() => randomId());
  const network = options.network ?? browserNetwork();
  const reconnectDelay = createBackoff(options.backoff, options.random);
  const retryDelay = createBackoff(options.backoff, options.random);
  const emitter = createEmitter<ClientEvents>();
  const cursors = createCursorTracker();
  const acks = new Map<string, Settle<AckFrame>>();
  const refs = new Map<string, RefTarget>();
  const retryTimers = new Set<unknown>();
  let queued: QueuedRequest[] = [];
  let outbox = load();
  let state: ClientState = 'idle';
  let socket: WebSocketLike | undefined;
  let reconnectTimer: unknown;
  let unwatchNetwork: (() => void) | undefined;
  let maxFrameBytes = Infinity;
  let lastRef = 0;
  // The last error frame that answered no request: the gateway says why before a terminal close (BLOCKED before 4012).
  let refusal: { code: string; message: string } | undefined;
  // What was loaded is this page's to send, and to remove from a store shared with other tabs once acknowledged.
  if (outbox.length) save();

  function load(): OutboxEntry[] {
    try {
      return store.load().flatMap((e) => readEntry(e, checks) ?? []);
    } catch {
      return [];
    }
  }
  function save(): void {
    try {
      store.save(outbox.map((e) => ({ ...e })));
    } catch (error) {
      emitter.emit('error', { code: 'STORE_FAILED', message: String(error) });
    }
  }
  function setState(next: ClientState): void {
    if (state === next) return;
    state = next;
    emitter.emit('state', next);
  }
  const deliver = (messages: Message[]) => messages.forEach((m) => emitter.emit('message', m));

  function transmit(frame: ClientFrame | string): boolean {
    if (state !== 'open' || socket?.readyState !== OPEN) return false;
    try {
      socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }
  function transmitEntry(entry: OutboxEntry): void {
    const ref = `s${++lastRef}`;
    const text = JSON.stringify(toSendFrame(entry, ref));
    if (new TextEncoder().encode(text).length > maxFrameBytes) {
      const error = { code: 'FRAME_TOO_LARGE' satisfies ErrorCode, message: `The message does not fit in ${maxFrameBytes} bytes.` };
      fail(entry.clientMessageId, error);
      return emitter.emit('error', error);
    }
    if (transmit(text)) refs.set(ref, { kind: 'send', clientMessageId: entry.clientMessageId });
  }
  function transmitRequest(request: QueuedRequest): void {
    const ref = `q${++lastRef}`;
    refs.set(ref, { kind: 'request', resolve: request.resolve, reject: request.reject });
    if (transmit({ ...request.frame, ref } as ClientFrame)) return;
    refs.delete(ref);
    queued.push(request);
  }
  /** Delivers what a resume's answer released, resumes again where it narrowed a gap, resets where it did not. */
  function onResumed({ deliver: ready, resume: again, reset }: Resumed): void {
    deliver(ready);
    if (again.length) resume(again);
    reset.forEach(notReplayed);
  }
  function notReplayed(conversationId: string): void {
    cursors.drop(conversationId);
    emitter.emit('reset', { type: 'conversation.reset', conversationId, reason: 'not_replayed' });
  }
  /** Runs `retry` after a backoff delay, unless the socket closes first (the next connect sends everything again anyway). */
  function later(retry: () => void): void {
    const timer = setTimer(() => {
      retryTimers.delete(timer);
      retry();
    }, retryDelay.next());
    retryTimers.add(timer);
  }
  /** Sends the resume of these conversations again after a backoff delay, from their cursors then; they stay in flight meanwhile. */
  const resumeLater = (conversationIds: string[]) => later(() => resume(cursors.list().filter((c) => conversationIds.includes(c.conversationId))));
  function resume(list: { conversationId: string; seq: number }[]): void {
    for (let i = 0; i < list.length; i += MAX_RESUME_CURSORS) {
      const chunk = list.slice(i, i + MAX_RESUME_CURSORS);
      const ref = `r${++lastRef}`;
      const conversationIds = chunk.map((c) => c.conversationId);
      cursors.resuming(conversationIds);
      if (transmit({ type: 'resume', ref, cursors: chunk })) refs.set(ref, { kind: 'resume', conversationIds });
    }
  }
  /** Removes a message that can never be accepted from the outbox and rejects its `acked`. */
  function fail(clientMessageId: string, error: { code: string; message: string }): void {
    outbox = outbox.filter((e) => e.clientMessageId !== clientMessageId);
    save();
    acks.get(clientMessageId)?.reject(parleyError(error.code, error.message));
    acks.delete(clientMessageId);
  }
  function retryLater(clientMessageId: string): void {
    later(() => {
      const entry = outbox.find((e) => e.clientMessageId === clientMessageId);
      if (entry) transmitEntry(entry);
    });
  }
  /** Forgets everything tied to the current socket; requests already sent are rejected. */
  function detach(error: ParleyError): void {
    const ws = socket;
    socket = undefined; // First: the events of a closing socket no longer reach the client.
    try {
      ws?.close(CloseCode.NORMAL);
    } catch {
      // Already closed.
    }
    for (const target of refs.values()) if (target.kind === 'request') target.reject(error);
    refs.clear();
    retryTimers.forEach(clearTimer);
    retryTimers.clear();
    cursors.disconnected();
  }
  /** Stops for good: state `closed`, no timers, every pending promise rejected. */
  function shutdown(error: ParleyError): void {
    clearTimer(reconnectTimer);
    unwatchNetwork?.();
    unwatchNetwork = undefined;
    detach(error);
    for (const request of queued) request.reject(error);
    queued = [];
    for (const settle of acks.values()) settle.reject(error);
    acks.clear();
    setState('closed');
  }
  const disconnected = () => parleyError('DISCONNECTED', 'The connection closed before an answer arrived.');
  /** Whether a socket could reach the gateway now; without a network to ask, always. */
  const online = () => network?.isOnline() ?? true;
  /** Follows the device's network between connect() and the end: see `Network`. */
  function onNetwork(isOnline: boolean): void {
    if (isOnline) {
      // Back online: connect now rather than at the next backoff attempt, from the first delay again.
      if (state !== 'connecting' || socket) return;
      clearTimer(reconnectTimer);
      reconnectDelay.reset();
      return open();
    }
    // The socket may look open for a minute or more, until the gateway's heartbeat drops it: let it go
    // now, so messages wait in the outbox and the page shows it is not connected.
    clearTimer(reconnectTimer);
    detach(disconnected());
    setState('connecting');
  }

  function open(): void {
    setState('connecting');
    // Offline, a socket could only fail and spend a backoff attempt: the `online` event opens it.
    if (!online()) return;
    refusal = undefined;
    let ws: WebSocketLike;
    try {
      const url = socketUrl(typeof options.url === 'function' ? options.url() : options.url);
      const extra = options.protocols?.() ?? [];
      ws = new Socket!(url, [SUBPROTOCOL, ...extra.filter((p) => p !== SUBPROTOCOL)]);
    } catch (error) {
      emitter.emit('error', { code: 'CONNECT_FAILED', message: String(error) });
      return reconnect();
    }
    socket = ws;
    listen(ws, 'message', (event) => socket === ws && onFrame(event.data));
    listen(ws, 'close', (event) => socket === ws && onClose(event.code ?? 1006, event.reason ?? ''));
    // A close event always follows an error; listening keeps Node's `ws` from throwing it.
    listen(ws, 'error', () => {});
  }
  function listen(ws: WebSocketLike, type: 'message' | 'close' | 'error', handler: (event: SocketEvent) => void): void {
    const safe = (event: SocketEvent | undefined) => {
      try {
        handler(event ?? {});
      } catch (error) {
        emitter.emit('error', { code: 'CLIENT_ERROR', message: String(error) });
      }
    };
    if (typeof ws.addEventListener === 'function') (ws.addEventListener as (t: string, l: typeof safe) => void).call(ws, type, safe);
    else (ws as unknown as Record<string, unknown>)[`on${type}`] = safe;
  }
  function reconnect(): void {
    setState('connecting');
    if (online()) reconnectTimer = setTimer(open, reconnectDelay.next());
  }
  function onClose(code: number, reason: string): void {
    if (!TERMINAL_CLOSE_CODES.includes(code)) {
      detach(disconnected());
      return reconnect();
    }
    const errorCode = CLOSE_ERRORS[code] ?? `CLOSE_${code}`;
    // The gateway's own words when it explained the close in an error frame with the same code.
    const message = (refusal?.code === errorCode && refusal.message) || reason || `The server closed the connection (${code}).`;
    // Everything waiting (requests sent or queued, messages' `acked`) fails with the same error.
    socket = undefined;
    shutdown(parleyError(errorCode, message));
    emitter.emit('error', { code: errorCode, message, closeCode: code });
  }

  function onFrame(data: unknown): void {
    const frame = parseServerFrame(data, checks);
    if (!frame) return emitter.emit('error', { code: 'BAD_FRAME', message: 'Ignored a frame that is not a valid server frame.' });
    emitter.emit('frame', frame);
    const target = 'ref' in frame && frame.ref !== undefined ? refs.get(frame.ref) : undefined;
    switch (frame.type) {
      case 'hello':
        return onHello(frame);
      case 'message.created': {
        const { deliver: ready, resumeFrom } = cursors.receive(frame.message);
        if (resumeFrom !== undefined) resume([{ conversationId: frame.message.conversationId, seq: resumeFrom }]);
        return deliver(ready);
      }
      case 'message.ack':
        return onAck(frame);
      case 'conversation.reset':
        cursors.drop(frame.conversationId);
        return emitter.emit('reset', frame);
      case 'resume.done': {
        // A resume.done without a ref answers every resume in flight.
        const refsDone = frame.ref !== undefined ? [frame.ref] : [...refs].filter(([, t]) => t.kind === 'resume').map(([r]) => r);
        for (const ref of refsDone) {
          const done = refs.get(ref);
          refs.delete(ref);
          if (done?.kind === 'resume') onResumed(cursors.resumed(done.conversationIds));
        }
        return;
      }
      case 'error':
        if (frame.ref !== undefined) refs.delete(frame.ref);
        // One cursor of a resume the gateway could not serve (NOT_FOUND, INTERNAL): nothing will fill its gap.
        else if (frame.frameType === 'resume' && frame.conversationId !== undefined && cursors.get(frame.conversationId) !== undefined) notReplayed(frame.conversationId);
        else refusal = frame;
        if (target?.kind === 'request') target.reject(parleyError(frame.code, frame.message));
        // A resume refused as a whole replayed nothing: ask again later, or start those conversations over.
        if (target?.kind === 'resume' && RETRY_RESUME_CODES.has(frame.code)) resumeLater(target.conversationIds);
        else if (target?.kind === 'resume') target.conversationIds.filter((id) => cursors.get(id) !== undefined).forEach(notReplayed);
        if (target?.kind === 'send' && FINAL_SEND_CODES.has(frame.code)) fail(target.clientMessageId, frame);
        if (target?.kind === 'send' && RETRY_SEND_CODES.has(frame.code)) retryLater(target.clientMessageId);
        return emitter.emit('error', frame);
      case 'reload':
        shutdown(parleyError('RELOAD', frame.reason));
        return emitter.emit('reload', frame);
      default:
        if (target?.kind === 'request') {
          refs.delete((frame as { ref: string }).ref);
          target.resolve(frame);
        }
    }
  }
  function onHello(frame: ServerFrameOf<'hello'>): void {
    maxFrameBytes = frame.limits.maxFrameBytes;
    reconnectDelay.reset();
    const wasOpen = state === 'open';
    state = 'open'; // Flush before listeners run, so a send() from a listener is not sent twice.
    resume(cursors.list());
    // Messages another tab left in a shared store (closed before it could send them) go too; a
    // resend of one that tab did send gets its original ack.
    const known = new Set(outbox.map((e) => e.clientMessageId));
    const left = load().filter((e) => !known.has(e.clientMessageId));
    if (left.length) {
      outbox.push(...left);
      save();
    }
    outbox.forEach(transmitEntry);
    const waiting = queued;
    queued = [];
    waiting.forEach(transmitRequest);
    if (!wasOpen) emitter.emit('state', 'open');
    emitter.emit('hello', frame);
  }
  function onAck(frame: AckFrame): void {
    if (frame.ref !== undefined) refs.delete(frame.ref);
    const before = outbox.length;
    outbox = outbox.filter((e) => e.clientMessageId !== frame.clientMessageId);
    if (outbox.length === before) return; // A second ack for a message sent twice (retry or reconnect).
    save();
    acks.get(frame.clientMessageId)?.resolve(frame);
    acks.delete(frame.clientMessageId);
    retryDelay.reset();
    cursors.ack(frame.conversationId, frame.seq, frame.messageId);
    emitter.emit('ack', frame);
  }

  function request<F extends RequestFrame>(frame: F): Promise<RequestResults[F['type']]> {
    return new Promise<RequestResults[F['type']]>((resolve, reject) => {
      if (state === 'closed') return reject(parleyError('CLOSED', 'The client is closed.'));
      const queuedRequest: QueuedRequest = { frame, resolve: resolve as (f: ServerFrame) => void, reject };
      if (state === 'open') transmitRequest(queuedRequest);
      else queued.push(queuedRequest);
    });
  }

  return {
    get state() {
      return state;
    },
    connect() {
      if (state !== 'idle') return;
      if (!Socket) throw new TypeError('No WebSocket implementation: pass options.WebSocket (e.g. the `ws` package on Node 20).');
      unwatchNetwork = network?.watch(onNetwork);
      open();
    },
    close() {
      if (state !== 'closed') shutdown(parleyError('CLOSED', 'The client was closed.'));
    },
    send(input) {
      const clientMessageId = newId();
      let settle!: Settle<AckFrame>;
      const acked = new Promise<AckFrame>((resolve, reject) => (settle = { resolve, reject }));
      acked.catch(() => {}); // Callers may ignore `acked`; failures are also emitted as 'error'.
      const draft: OutboxEntry = { v: PROTOCOL_VERSION, clientMessageId, ...input, createdAt: Date.now() };
      const problem = checks.messageSend(toSendFrame(draft));
      if (problem !== undefined) {
        const code: ErrorCode = typeof input.body === 'string' && input.body.length > MAX_BODY_CHARS ? 'MESSAGE_TOO_LONG' : 'INVALID_FRAME';
        settle.reject(parleyError(code, problem));
        emitter.emit('error', { code, message: problem });
        return { clientMessageId, acked };
      }
      const entry = readEntry(draft, checks)!;
      outbox.push(entry);
      save();
      if (state === 'closed') settle.reject(parleyError('CLOSED', 'The client is closed; the message stays in the outbox.'));
      else acks.set(clientMessageId, settle);
      transmitEntry(entry);
      return { clientMessageId, acked };
    },
    request,
    pending: () => outbox.map((e) => ({ ...e })),
    cursor: (conversationId) => cursors.get(conversationId),
    setCursor: (conversationId, seq) => cursors.set(conversationId, seq),
    on: (event, listener) => emitter.on(event, listener),
  };
}
