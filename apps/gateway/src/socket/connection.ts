import {
  ErrorCode,
  MAX_RESUME_CURSORS,
  parseClientFrame,
  type ParseResult,
  type ClientFrame,
  type ServerFrame,
} from '@parley/protocol';
import type { ConversationService } from '../domain/conversations/conversation-service.ts';
import type { MessengerService } from '../domain/conversations/messenger-service.ts';
import { toAppError } from '../domain/errors.ts';
import { assertIdentityAllowsWrite, rateKey, type Principal } from '../domain/identity/principal.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** What a connection handler needs: who is on the socket, the services, and how to answer. */
export interface ConnectionContext {
  principal: Principal;
  conversations: ConversationService;
  /** Typing, read receipts, ending a conversation, pre-chat checks and read state in lists. */
  messenger: MessengerService;
  limiter: RateLimiter;
  send(frame: ServerFrame): void;
  log: { error(obj: unknown, msg?: string): void };
}

/**
 * The socket's frame handler, free of any transport: parse with the protocol's schemas, check
 * the rate limit, call one service, encode the answer for the principal's audience. Every
 * failure becomes an error frame naming the frame it answers; the socket stays usable.
 */
export function createConnectionHandler(ctx: ConnectionContext) {
  const { principal, conversations, messenger, send } = ctx;
  const limiterKey = rateKey(principal);
  // A socket's messages reach the writer in the order they arrived, whatever each waits for on
  // the way (the pre-chat check, claiming its files): the writer numbers them in that order. The
  // next message waits only until this one is queued, not until it is stored.
  let inLine: Promise<void> = Promise.resolve();

  function fail(frameType: string | undefined, ref: string | undefined, error: unknown) {
    const known = toAppError(error);
    if (known.code === ErrorCode.INTERNAL) ctx.log.error({ err: error, frameType }, 'frame failed');
    send({ type: 'error', ...(ref !== undefined && { ref }), ...(frameType && { frameType }), code: known.code, message: known.message });
  }

  async function handle(frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'message.send': {
        const before = inLine;
        let queued!: () => void;
        inLine = new Promise((resolve) => (queued = resolve));
        let result: Awaited<ReturnType<typeof conversations.send>>;
        try {
          await before;
          // An app that requires identity takes messages (and so new conversations) only from identified visitors.
          assertIdentityAllowsWrite(principal);
          await messenger.checkPreChat(principal, frame);
          result = await conversations.send({
            principal,
            conversationId: frame.conversationId,
            clientConversationId: frame.clientConversationId,
            clientMessageId: frame.clientMessageId,
            body: frame.body,
            internal: frame.internal ?? false,
            attachments: frame.attachments,
            queued,
          });
        } finally {
          // Refused before the writer, or stored: the next message may go either way.
          queued();
        }
        send({
          type: 'message.ack',
          ...(frame.ref !== undefined && { ref: frame.ref }),
          conversationId: result.conversation.id,
          ...(frame.clientConversationId !== undefined && { clientConversationId: frame.clientConversationId }),
          clientMessageId: frame.clientMessageId,
          messageId: result.message.id,
          seq: result.seq,
          createdAt: result.message.createdAt.toISOString(),
          duplicate: result.duplicate,
        });
        return;
      }
      case 'resume': {
        for (const cursor of frame.cursors.slice(0, MAX_RESUME_CURSORS)) {
          try {
            const replay = await conversations.replay(principal, cursor.conversationId, cursor.seq);
            if (replay.kind === 'reset') {
              send({ type: 'conversation.reset', ...(frame.ref !== undefined && { ref: frame.ref }), conversationId: cursor.conversationId, lastSeq: replay.lastSeq, reason: replay.reason });
            } else {
              for (const message of replay.messages) send({ type: 'message.created', message });
            }
          } catch (error) {
            // One cursor's failure is not the resume's answer: no ref, so the client waits for resume.done.
            const known = toAppError(error);
            if (known.code === ErrorCode.INTERNAL) ctx.log.error({ err: error }, 'resume failed');
            send({ type: 'error', frameType: frame.type, conversationId: cursor.conversationId, code: known.code, message: known.message });
          }
        }
        send({ type: 'resume.done', ...(frame.ref !== undefined && { ref: frame.ref }) });
        return;
      }
      case 'conversation.list': {
        const list = await conversations.list(principal, { ...(frame.status && { status: frame.status }), ...(frame.limit && { limit: frame.limit }) });
        send({ type: 'conversation.list.result', ...(frame.ref !== undefined && { ref: frame.ref }), conversations: list });
        return;
      }
      case 'conversation.history': {
        const page = await conversations.history(principal, frame.conversationId, {
          ...(frame.beforeSeq !== undefined && { beforeSeq: frame.beforeSeq }),
          ...(frame.limit && { limit: frame.limit }),
        });
        send({ type: 'conversation.history.result', ...(frame.ref !== undefined && { ref: frame.ref }), conversationId: frame.conversationId, ...page });
        return;
      }
      case 'ping':
        send({ type: 'pong', ...(frame.ref !== undefined && { ref: frame.ref }) });
        return;
      // Changes without data to return: answered with `ok` when the frame has a ref.
      case 'typing':
        await messenger.typing(principal, frame);
        if (frame.ref !== undefined) send({ type: 'ok', ref: frame.ref });
        return;
      case 'conversation.read':
        await messenger.markRead(principal, frame.conversationId, frame.seq);
        if (frame.ref !== undefined) send({ type: 'ok', ref: frame.ref });
        return;
      case 'conversation.end':
        await messenger.end(principal, frame.conversationId);
        if (frame.ref !== undefined) send({ type: 'ok', ref: frame.ref });
        return;
    }
  }

  return {
    /** Handles one frame from the socket (undefined for a binary one). Never throws. */
    receive(text: string | undefined): Promise<void> {
      const parsed: ParseResult =
        text === undefined ? { ok: false, code: ErrorCode.INVALID_FRAME, message: 'Frames must be JSON text, not binary.' } : parseClientFrame(text);
      // Every frame costs a token, a malformed one too: garbage is no way around the limit.
      if (!ctx.limiter.take(limiterKey)) {
        const { ref, type } = parsed.ok ? { ref: parsed.frame.ref, type: parsed.frame.type } : { ref: parsed.ref, type: parsed.frameType };
        send({ type: 'error', ...(ref !== undefined && { ref }), ...(type && { frameType: type }), code: ErrorCode.RATE_LIMITED, message: 'Too many frames; wait a moment and send again.' });
        return Promise.resolve();
      }
      if (!parsed.ok) {
        send({ type: 'error', ...(parsed.ref !== undefined && { ref: parsed.ref }), ...(parsed.frameType && { frameType: parsed.frameType }), code: parsed.code, message: parsed.message });
        return Promise.resolve();
      }
      const { frame } = parsed;
      return handle(frame).catch((error) => fail(frame.type, frame.ref, error));
    },
  };
}
