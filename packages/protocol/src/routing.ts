import * as v from 'valibot';

// Routing between the gateway and the agent console (MISSION.md A1–A4, A7–A9): agent statuses,
// queues, offers, ownership, transfer, conference and wrap-up. HTTP bodies for the console's
// commands, and the frames the gateway pushes to agent sockets (and one to visitors). A module of
// its own, so the messenger's bundle never carries it.

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[A-Za-z0-9_-]+$/, 'must be an id'));
const Label = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

/** The statuses an agent chooses. `rona` (Ready On No Answer) is set only by routing, after a missed offer. */
export const CHOSEN_STATUSES = ['online', 'invisible', 'break', 'offline'] as const;
/** Every agent status. */
export const AGENT_STATUS_VALUES = [...CHOSEN_STATUSES, 'rona'] as const;
/** How a queue hands out its chats. */
export const QUEUE_MODES = ['offer', 'top_n', 'broadcast', 'round_robin', 'least_busy'] as const;
/** Where a conversation stands in routing. */
export const ROUTING_STATE_VALUES = ['waiting', 'offered', 'broadcast', 'owned', 'resolved'] as const;
/**
 * Why an agent can no longer see a conversation (`routing.access.lost`): they transferred it
 * away, another agent took it, they left a conference, the owner ended it for them, or an admin
 * deleted the conversation. Reasons are only ever added: a client reads one it does not know as
 * `ended`.
 */
export const ACCESS_LOST_REASONS = ['transferred', 'taken', 'left', 'ended', 'deleted'] as const;

/** An agent's status. */
export type AgentStatusValue = (typeof AGENT_STATUS_VALUES)[number];
/** A queue's assignment mode. */
export type QueueMode = (typeof QUEUE_MODES)[number];
/** Why an agent lost sight of a conversation. */
export type AccessLostReason = (typeof ACCESS_LOST_REASONS)[number];

// ---------------------------------------------------------------------------------------------
// HTTP bodies (agent cookie, console origin)

/** `PUT /api/agent/status`: the agent's own status. Choosing `online` ends RONA. */
export const StatusChangeSchema = v.strictObject({ status: v.picklist(CHOSEN_STATUSES) });

/** `POST /api/agent/conversations/:id/transfer`: to one agent or to a queue; the target must accept. */
export const TransferSchema = v.pipe(
  v.strictObject({ agentId: v.optional(Id), queueId: v.optional(Id) }),
  v.check((b) => (b.agentId === undefined) !== (b.queueId === undefined), 'needs exactly one of agentId and queueId'),
);

/** `POST /api/agent/conversations/:id/invite`: asks another agent to join the chat (conference). */
export const InviteSchema = v.strictObject({ agentId: Id });

/** `POST /api/agent/conversations/:id/resolve`: the wrap-up reason is required. */
export const ResolveSchema = v.strictObject({ wrapUp: Label(120) });

/** `POST /api/admin/queues` and `PATCH /api/admin/queues/:id` (PATCH takes any subset). */
export const QueueInputSchema = v.strictObject({
  name: Label(80),
  mode: v.picklist(QUEUE_MODES),
  /** `top_n` only: how many agents get each offer at once. */
  topN: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50))),
  /** `offer` and `top_n`: how long an offer waits for "Accept". */
  offerTimeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1_000), v.maxValue(600_000))),
});
export const QueuePatchSchema = v.partial(QueueInputSchema);

/** `PUT /api/admin/queues/:id/agents`: the full list of the queue's agents. */
export const QueueAgentsSchema = v.strictObject({ agentIds: v.pipe(v.array(Id), v.maxLength(500)) });

/** `POST /api/admin/wrap-up-reasons`. */
export const WrapUpReasonInputSchema = v.strictObject({ label: Label(120) });

/** `PATCH /api/admin/agents/:id`: how many chats the agent may hold at once. */
export const AgentLimitSchema = v.strictObject({ maxChats: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)) });

// ---------------------------------------------------------------------------------------------
// What the gateway answers and pushes

/** An agent as the console's lists show them (status picker, transfer and invite pickers). */
export const RoutingAgentSchema = v.object({
  id: v.string(),
  name: v.string(),
  email: v.string(),
  role: v.picklist(['agent', 'admin']),
  status: v.picklist(AGENT_STATUS_VALUES),
  /** When the current status began (ISO 8601), for "time in status". */
  since: v.string(),
  /** Chats the agent owns now, and how many they may own. */
  load: v.number(),
  maxChats: v.number(),
  /** Whether a console of theirs was heard from recently. */
  connected: v.boolean(),
  queueIds: v.array(v.string()),
});

/** A queue with its live counts: chats waiting (not yet owned), and Online agents in it. */
export const RoutingQueueSchema = v.object({
  id: v.string(),
  name: v.string(),
  mode: v.picklist(QUEUE_MODES),
  topN: v.number(),
  offerTimeoutMs: v.number(),
  waiting: v.number(),
  online: v.number(),
  agentIds: v.array(v.string()),
});

/**
 * Something offered to one agent, to accept (or, for a transfer or an invitation, to refuse):
 * a new chat from a queue, a chat another agent transfers to them, or an invitation to join.
 */
export const OfferSchema = v.object({
  id: v.string(),
  kind: v.picklist(['chat', 'transfer', 'invite']),
  conversationId: v.string(),
  queueId: v.nullable(v.string()),
  queueName: v.nullable(v.string()),
  customerName: v.nullable(v.string()),
  /** The last customer message, masked where the workspace masks. */
  preview: v.nullable(v.string()),
  /** Who transfers or invites (absent for a chat from a queue). */
  from: v.optional(v.object({ id: v.string(), name: v.string() })),
  /** When the chat arrived (started waiting), for the pop-over's running timer. */
  arrivedAt: v.string(),
  createdAt: v.string(),
  /** When the offer runs out; null when it waits until answered. */
  expiresAt: v.nullable(v.string()),
});

/** A conversation's place in routing, as agents see it. */
export const ConversationRoutingSchema = v.object({
  state: v.picklist(ROUTING_STATE_VALUES),
  queueId: v.nullable(v.string()),
  ownerAgentId: v.nullable(v.string()),
  ownerName: v.nullable(v.string()),
  /** Agents who joined by invitation (conference). */
  guests: v.array(v.object({ id: v.string(), name: v.string() })),
  wrapUp: v.nullable(v.string()),
});

/** `GET /api/agent/routing`: everything the console's routing views start from. */
export const RoutingSnapshotSchema = v.object({
  me: RoutingAgentSchema,
  agents: v.array(RoutingAgentSchema),
  queues: v.array(RoutingQueueSchema),
  /** Offers waiting for this agent's answer. */
  offers: v.array(OfferSchema),
  wrapUpReasons: v.array(v.object({ id: v.string(), label: v.string() })),
  /** Days a resolved chat stays in the Closed views before it goes to the archive by itself (`PARLEY_ARCHIVE_AFTER_DAYS`); 0: it goes there as it is resolved. */
  archiveAfterDays: v.number(),
});

/** Frames pushed to agent sockets about routing. */
export const RoutingFrameSchemas = [
  /** Something is offered to this agent (pop-over). */
  v.object({ type: v.literal('routing.offer'), offer: OfferSchema }),
  /** An offer to this agent is over: accepted, refused, ran out, or withdrawn because someone else took the chat. */
  v.object({
    type: v.literal('routing.offer.closed'),
    offerId: v.string(),
    conversationId: v.string(),
    outcome: v.picklist(['accepted', 'declined', 'expired', 'withdrawn']),
  }),
  /** A conversation's routing changed (owner, state, guests); sent to every agent who may see it. */
  v.object({ type: v.literal('routing.conversation'), conversationId: v.string(), routing: ConversationRoutingSchema }),
  /** This agent can no longer see the conversation (transferred away, owned by another, left a conference, ended for them, deleted). */
  v.object({
    type: v.literal('routing.access.lost'),
    conversationId: v.string(),
    // A reason added after this client was built still drops the conversation, as `ended`.
    reason: v.fallback(v.picklist(ACCESS_LOST_REASONS), 'ended'),
  }),
  /** An agent's status or load changed. */
  v.object({ type: v.literal('routing.agent'), agent: RoutingAgentSchema }),
  /** Live counts of the queues this agent sees. */
  v.object({ type: v.literal('routing.queues'), queues: v.array(RoutingQueueSchema) }),
  /** The answer to this agent's transfer: accepted (they lost access) or refused/expired (the chat is theirs again). */
  v.object({
    type: v.literal('routing.transfer.result'),
    conversationId: v.string(),
    accepted: v.boolean(),
    to: v.object({ kind: v.picklist(['agent', 'queue']), id: v.string(), name: v.string() }),
  }),
] as const;

/** Pushed to a visitor whose conversation waits for an agent: their place in the queue (1 = next); 0 once an agent has it. */
export const QueuePositionFrameSchema = v.object({
  type: v.literal('queue.position'),
  conversationId: v.string(),
  position: v.number(),
});

export type RoutingAgent = v.InferOutput<typeof RoutingAgentSchema>;
export type RoutingQueue = v.InferOutput<typeof RoutingQueueSchema>;
export type Offer = v.InferOutput<typeof OfferSchema>;
export type ConversationRouting = v.InferOutput<typeof ConversationRoutingSchema>;
export type RoutingSnapshot = v.InferOutput<typeof RoutingSnapshotSchema>;
export type QueueInput = v.InferOutput<typeof QueueInputSchema>;
