import { CloseCode, ErrorCode, type Block, type BlockInput, type BlockPage, type ServerFrame } from '@parley/protocol';
import type { VisitorBlockedEvent } from '../../bus/event-relay.ts';
import type { Database } from '../../db/database.ts';
import type { BlockRow, ConversationRow } from '../../db/schema/index.ts';
import { AppError, notFound } from '../errors.ts';
import type { AgentPrincipal, Principal, VisitorPrincipal } from '../identity/principal.ts';
import type { Masker } from '../masking/personal-data.ts';
import { decodeCursor, encodeCursor } from '../views/cursor.ts';
import { hashAddress } from './address.ts';
import { createBlockingRepository } from './blocking-repository.ts';

/** What a blocked visitor reads, in the widget and in every refusal. */
export const BLOCKED_MESSAGE = 'You cannot chat here: the support team of this website has blocked this chat.';


/** The refusal every blocked request and socket gets: 403 `BLOCKED`. */
export const blocked = () => new AppError(ErrorCode.BLOCKED, BLOCKED_MESSAGE, { status: 403 });

/** Most blocks one page holds unless asked otherwise. */
export const BLOCK_PAGE = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a node's sockets must offer to end a blocked visitor's sessions (the hub has it). */
export interface BlockableSockets {
  sendToVisitor(visitorId: string, frame: ServerFrame): void;
  closeWhere(match: (principal: Principal) => boolean, code: number, reason: string): void;
}

/**
 * Ends a blocked visitor's sessions on this node: each of their sockets gets an `error` frame
 * with code `BLOCKED` (what the messenger shows) and is closed with close code 4012, after which
 * the client does not reconnect.
 */
export function endBlockedSessions(event: VisitorBlockedEvent, sockets: BlockableSockets): void {
  sockets.sendToVisitor(event.visitorId, { type: 'error', code: ErrorCode.BLOCKED, message: BLOCKED_MESSAGE });
  sockets.closeWhere((p) => p.kind === 'visitor' && p.visitorId === event.visitorId && p.workspaceId === event.workspaceId, CloseCode.BLOCKED, 'blocked');
}

/**
 * Blocking: an agent blocks the visitor of a conversation they may see (and, when asked, the IP
 * address they last connected from; only a keyed hash of it is stored); their sockets close on
 * every node, and new sessions and sockets are refused with `BLOCKED`. Admins list and lift
 * blocks.
 */
export function createBlockingService({
  db,
  readable,
  announce,
  masking,
  onBlocked,
  clock = () => new Date(),
}: {
  db: Database;
  /** The check every conversation route makes: the conversation, or NOT_FOUND (conversations.readable). */
  readable: (agent: AgentPrincipal, conversationId: string) => Promise<ConversationRow>;
  /** Sends the event to every node, this one included (the event relay). */
  announce: (event: VisitorBlockedEvent) => void;
  /** How a workspace's agents get free text (masking-settings.ts). Required: no agent-bound path may forget it. */
  masking: (workspaceId: string) => Promise<Masker>;
  /** Ends the blocked visitor's open conversations (the messenger service). */
  onBlocked?: (workspaceId: string, visitorId: string) => Promise<void>;
  clock?: () => Date;
}) {
  const repo = createBlockingRepository(db);
  // Address keys never change once made, so each node keeps the ones it has used.
  const keys = new Map<string, string>();
  const keyOf = async (workspaceId: string) => {
    let key = keys.get(workspaceId);
    if (!key) keys.set(workspaceId, (key = await repo.key(workspaceId)));
    return key;
  };

  function assertAdmin(agent: AgentPrincipal) {
    if (agent.role !== 'admin') throw new AppError(ErrorCode.FORBIDDEN, 'Only admins list and lift blocks; ask an admin of your workspace.', { status: 403 });
  }

  function toBlock(row: BlockRow, names: { visitorName: string | null; blockerName: string | null }, mask: Masker): Block {
    return {
      id: row.id,
      visitor: { id: row.visitorId, name: names.visitorName == null ? null : mask.text(names.visitorName) },
      byIp: row.ipHash != null,
      conversationId: row.conversationId,
      reason: row.reason == null ? null : mask.text(row.reason),
      blockedBy: row.blockedBy ? { id: row.blockedBy, name: names.blockerName ?? '' } : null,
      createdAt: row.createdAt.toISOString(),
    };
  }

  return {
    /** Refuses a new visitor session of an app from a blocked address (403 `BLOCKED`). */
    async admitSession(appId: string, address: string): Promise<void> {
      const app = await repo.appKey(appId);
      // No key yet means no address was ever hashed in that workspace, so none is blocked.
      if (!app?.key) return;
      const hash = hashAddress(app.key, address);
      if (hash && (await repo.addressBlocked(app.workspaceId, hash))) throw blocked();
    },

    /**
     * Records the address a visitor's socket or request comes from and answers the refusal when
     * the visitor or that address is blocked (undefined when it may go on). Every visitor socket
     * and every visitor HTTP request with a session asks.
     */
    async admitVisitor(visitor: VisitorPrincipal, address: string): Promise<AppError | undefined> {
      const hash = hashAddress(await keyOf(visitor.workspaceId), address);
      return (await repo.connect(visitor.workspaceId, visitor.visitorId, hash)) ? blocked() : undefined;
    },

    /**
     * Blocks the visitor of a conversation the agent may see, and with `byIp` their last address
     * (`byIp` in the answer says whether one was known). Their sockets close on every node and
     * their open conversations in the workspace end.
     */
    async block(agent: AgentPrincipal, conversationId: string, input: BlockInput): Promise<Block> {
      const conversation = await readable(agent, conversationId);
      const row = await repo.block({
        workspaceId: conversation.workspaceId,
        visitorId: conversation.visitorId,
        byIp: input.byIp ?? false,
        conversationId,
        reason: input.reason || null,
        blockedBy: agent.agentId,
        at: clock(),
      });
      announce({ kind: 'visitor.blocked', workspaceId: conversation.workspaceId, visitorId: conversation.visitorId });
      await onBlocked?.(conversation.workspaceId, conversation.visitorId);
      const [listed] = await repo.list(agent.workspaceId, undefined, 1, row.id);
      const mask = await masking(agent.workspaceId);
      return toBlock(row, listed ?? { visitorName: null, blockerName: agent.name }, mask);
    },

    /** A page of the workspace's blocks, newest first; admins only. */
    async list(agent: AgentPrincipal, page: { cursor?: string | undefined; limit?: number | undefined }): Promise<BlockPage> {
      assertAdmin(agent);
      const limit = page.limit ?? BLOCK_PAGE;
      const view = `blocks.${agent.workspaceId}`.slice(0, 64);
      const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, view);
      const rows = await repo.list(agent.workspaceId, after, limit + 1);
      const shown = rows.slice(0, limit);
      const mask = await masking(agent.workspaceId);
      const last = shown.at(-1);
      return {
        blocks: shown.map((r) => toBlock(r.block, r, mask)),
        nextCursor: rows.length > limit && last ? encodeCursor({ view, sort: last.sortValue, id: last.block.id }) : null,
      };
    },

    /** Lifts a block (the visitor, and the address with it); admins only. The visitor may connect again. */
    async unblock(agent: AgentPrincipal, id: string): Promise<void> {
      assertAdmin(agent);
      if (!UUID.test(id) || !(await repo.unblock(agent.workspaceId, id))) throw notFound('block');
    },
  };
}

/** The blocking service's interface. */
export type BlockingService = ReturnType<typeof createBlockingService>;
