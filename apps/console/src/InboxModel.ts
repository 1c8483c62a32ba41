import { BUILT_IN_VIEWS, type Channel, type ConversationSummary, type Message, type SavedView, type SavedViewFilter, type ViewConversation, type ViewGroup, type ViewName, type ViewPage, type ViewSelection } from '@parley/protocol';
import type { ParleyClient } from '@parley/client';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import { ApiError, type Api } from './api.ts';

/** What the inbox needs: REST for the views, the client's events for live changes, and a clock. */
export interface InboxTransport {
  api: Pick<Api, 'get'>;
  client: Pick<ParleyClient, 'on'>;
  /** The signed-in agent's id, for the "My conversations" views. */
  me?: string;
  /** The view shown first (default: Open). */
  source?: ViewSource;
  /** Current time in ms (default `Date.now`). */
  now?: () => number;
  /** Starts the timer that refreshes relative times; returns its cancel function (default: every 30 s). */
  tick?: (callback: () => void) => () => void;
}

/** The filters a view takes, as the gateway reads them (`GET /api/agent/views/:view?app=…`). */
export type ViewFilter = Pick<SavedViewFilter, 'app' | 'channel' | 'queue' | 'agent' | 'wrapUp' | 'from' | 'to'>;

/** The filter names, in the order they are written into a query. */
export const FILTER_KEYS = ['app', 'channel', 'queue', 'agent', 'wrapUp', 'from', 'to'] as const satisfies readonly (keyof ViewFilter)[];

/**
 * What the list shows: a built-in view with its filters, or one of the agent's saved views
 * (`saved` is its definition once the saved views are read; until then the gateway's order stands).
 */
export type ViewSource = { kind: 'view'; view: ViewName; filter: ViewFilter } | { kind: 'saved'; id: string; saved?: SavedView };

/** The view the console starts with: From customers — Open. */
export const OPEN_VIEW: ViewSource = { kind: 'view', view: 'open', filter: {} };

/** A conversation as the list holds it: the summary, and what a view's page adds when it came from one. */
export type InboxConversation = ConversationSummary & {
  channel?: Channel;
  ticketNumber?: number | null;
  group?: { key: string | null; label: string | null };
};

/** One row of the inbox, with what the console adds to the summary. */
export interface InboxRow {
  conversation: InboxConversation;
  /** New visitor activity arrived live while the conversation was not open. */
  unread: boolean;
}

/**
 * The conversations of the chosen view, a page at a time, kept current from live events: a
 * conversation that stops matching the view leaves it, one that starts matching joins it where
 * the event says enough to tell.
 */
export interface InboxModel {
  readonly rows: ReadonlySignal<InboxRow[]>;
  readonly status: ReadonlySignal<'loading' | 'ready' | 'error'>;
  readonly error: ReadonlySignal<string | null>;
  /** The view shown. */
  readonly source: ReadonlySignal<ViewSource>;
  /** Whether the gateway has more conversations in this view than the pages read so far. */
  readonly hasMore: ReadonlySignal<boolean>;
  /** True while the next page is on its way. */
  readonly loadingMore: ReadonlySignal<boolean>;
  /** The open conversation's id, if any. */
  readonly selectedId: ReadonlySignal<string | null>;
  /** The current time, refreshed on a timer, for relative times. */
  readonly now: ReadonlySignal<number>;
  /** (Re)reads the first page of the view; rows a live event made newer than the answer are kept. */
  load(): Promise<void>;
  /** Reads the next page and adds it below. */
  loadMore(): Promise<void>;
  /** Shows another view (reading its first page), or the same one with a new definition (a renamed saved view). */
  show(source: ViewSource): void;
  /** Takes in a conversation as the gateway answered it (archived, unarchived): it joins or leaves the view. */
  update(conversation: ConversationSummary | ViewConversation): void;
  /** Opens a conversation (or none) and marks it read. */
  select(conversationId: string | null): void;
  /** A conversation the list knows, by id. */
  find(conversationId: string): InboxConversation | undefined;
  /** Drops a conversation this agent no longer works (resolved, transferred away, left, deleted). */
  remove(conversationId: string): void;
  /** Stops listening to the client and the timer. */
  dispose(): void;
}

/** What a view selects, as the gateway's view service defines it (domain/views/view-service.ts). */
export interface ViewSpec extends ViewSelection {
  filter: ViewFilter;
}

/** What a view selects; null for a saved view whose definition is not read yet. */
export function specOf(source: ViewSource): ViewSpec | null {
  if (source.kind === 'view') return { ...BUILT_IN_VIEWS[source.view], filter: source.filter };
  if (!source.saved) return null;
  const { filter, sort, group } = source.saved;
  const [by, direction] = sort.split('.') as ['activity' | 'started', 'asc' | 'desc'];
  const archive = filter.scope === 'archive';
  return {
    scope: archive ? 'archive' : 'active',
    ...(filter.status && { status: filter.status }),
    ...(filter.mine && { mine: true }),
    ...(filter.awaitingReply && { awaitingReply: true }),
    filter: pickFilter(filter),
    // In the archive, "activity" is when a conversation was archived (as the gateway orders it).
    sort: archive && by === 'activity' ? 'archived' : by,
    direction,
    group,
  };
}

/** The filter fields of a saved view's filter, without empty ones. */
export function pickFilter(filter: Partial<Record<keyof ViewFilter, unknown>>): ViewFilter {
  const out: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) if (filter[key]) out[key] = filter[key];
  return out as ViewFilter;
}

/** The REST path of a view's page (its first without a cursor). */
export function viewPath(source: ViewSource, cursor?: string | null): string {
  const params = new URLSearchParams();
  if (source.kind === 'view') for (const key of FILTER_KEYS) if (source.filter[key]) params.set(key, source.filter[key]!);
  if (cursor) params.set('cursor', cursor);
  const base = source.kind === 'view' ? `/api/agent/views/${source.view}` : `/api/agent/saved-views/${encodeURIComponent(source.id)}/conversations`;
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

/** What live messages told about a conversation's last messages (unknown until one arrives). */
interface Facts {
  /** The customer wrote the last public message. */
  awaiting?: boolean;
  /** The latest message is an internal note. */
  internal?: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** `from` as an instant: a date alone is the start of that UTC day (as the gateway reads it). */
const fromMs = (text: string) => Date.parse(DATE.test(text) ? `${text}T00:00:00Z` : text);
/** `to` as an exclusive instant: a date alone includes that whole UTC day. */
const toMs = (text: string) => (DATE.test(text) ? Date.parse(`${text}T00:00:00Z`) + DAY_MS : Date.parse(text));

/** The time a view sorts a conversation by, in ms (NaN when it has none, e.g. not archived). */
export function sortTime(c: ConversationSummary, sort: ViewSpec['sort']): number {
  const iso = sort === 'activity' ? (c.lastMessageAt ?? c.createdAt) : sort === 'started' ? c.createdAt : c.archivedAt;
  return iso ? Date.parse(iso) : Number.NaN;
}

/** The group a conversation falls in: the gateway's, or worked out from the summary for one that joined live. */
export function groupKey(c: InboxConversation, group: ViewGroup): string {
  if (c.group) return c.group.key ?? '';
  switch (group) {
    case 'status':
      return c.status;
    case 'app':
      return c.appId;
    case 'channel':
      return c.channel ?? '';
    case 'queue':
      return c.routing?.queueId ?? '';
    case 'agent':
      return c.routing?.ownerAgentId ?? '';
    default:
      return '';
  }
}

/**
 * Whether a conversation belongs in a view: true or false when the summary and what live
 * messages told say so, undefined when they cannot tell (a filter on a field the summary lacks).
 */
export function matchesView(c: InboxConversation, spec: ViewSpec, me: string | undefined, facts: Facts = {}): boolean | undefined {
  const routing = c.routing;
  const owner = routing ? routing.ownerAgentId : undefined;
  const { filter } = spec;
  const checks: (boolean | undefined)[] = [
    spec.scope === 'active' ? !c.archivedAt : spec.scope === 'archive' ? !!c.archivedAt : true,
    // Open holds what is still someone's work: a chat whose customer left stays there until its owner resolves it.
    spec.status === undefined || (spec.status === 'open' ? c.status === 'open' || routing?.state === 'owned' : c.status === spec.status && routing?.state !== 'owned'),
    // A resolved chat has left the open views, whatever its status says yet.
    spec.status !== 'open' || routing?.state !== 'resolved',
    !spec.mine || (me === undefined || owner === undefined ? undefined : owner === me),
    !spec.awaitingReply || facts.awaiting,
    !spec.lastInternal || facts.internal,
    !filter.app || (c.appId ? c.appId === filter.app : undefined),
    !filter.channel || (c.channel ? c.channel === filter.channel : undefined),
    !filter.queue || (routing ? routing.queueId === filter.queue : undefined),
    !filter.agent || (routing ? routing.ownerAgentId === filter.agent : undefined),
    !filter.wrapUp || (routing ? routing.wrapUp === filter.wrapUp : undefined),
  ];
  if (filter.from || filter.to) {
    const at = sortTime(c, spec.sort);
    checks.push(Number.isNaN(at) ? undefined : (!filter.from || at >= fromMs(filter.from)) && (!filter.to || at < toMs(filter.to)));
  }
  if (checks.includes(false)) return false;
  return checks.includes(undefined) ? undefined : true;
}

/** The view's order: by group (when grouped), then its time (none last when descending, first when ascending), then id. */
export function compareInView(spec: ViewSpec): (a: InboxConversation, b: InboxConversation) => number {
  const sign = spec.direction === 'desc' ? -1 : 1;
  return (a, b) => {
    if (spec.group !== 'none') {
      const ga = groupKey(a, spec.group);
      const gb = groupKey(b, spec.group);
      if (ga !== gb) return ga < gb ? -1 : 1;
    }
    const ta = sortTime(a, spec.sort);
    const tb = sortTime(b, spec.sort);
    const na = Number.isNaN(ta);
    const nb = Number.isNaN(tb);
    if (na !== nb) return na ? -sign : sign;
    if (!na && ta !== tb) return (ta - tb) * sign;
    // Ties (rare: the same instant) in id order, so the list does not shuffle.
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** A row for a conversation first seen through one of its messages; `conversation.updated` fills in the rest. */
function rowFromMessage(message: Message): InboxConversation {
  return {
    id: message.conversationId,
    appId: '',
    status: 'open',
    lastSeq: message.seq,
    lastMessageAt: message.createdAt,
    createdAt: message.createdAt,
    preview: message.body,
    ...(message.author.kind === 'visitor' && { visitor: { id: message.author.id, name: message.author.name ?? null } }),
  };
}

/**
 * A known conversation after one of its messages: open, with the message as its last. A customer
 * who writes brings it back from the archive, as the gateway does (docs/protocol.md, archive).
 */
function afterMessage(known: InboxConversation, message: Message): InboxConversation {
  const { archivedAt, ...rest } = known;
  const back = !archivedAt || (message.author.kind === 'visitor' && Date.parse(message.createdAt) >= Date.parse(archivedAt));
  return { ...rest, ...(!back && { archivedAt }), status: 'open', lastSeq: message.seq, lastMessageAt: message.createdAt, preview: message.body };
}

/** A view's conversation as the list holds it: not archived is no `archivedAt`, as in summaries. */
function fromGateway(c: ConversationSummary | ViewConversation): InboxConversation {
  const { archivedAt, ...rest } = c;
  return archivedAt ? { ...rest, archivedAt } : rest;
}

/**
 * A newer summary over the one the list has: what the summary lacks (the routing, when a frame
 * carries none; what a view's page added) stays; `archivedAt` goes with the newer one.
 */
function merge(known: InboxConversation | undefined, incoming: InboxConversation): InboxConversation {
  if (!known) return incoming;
  const next: InboxConversation = { ...incoming };
  if (!next.routing && known.routing) next.routing = known.routing;
  if (next.channel === undefined && known.channel !== undefined) next.channel = known.channel;
  if (next.ticketNumber === undefined && known.ticketNumber !== undefined) next.ticketNumber = known.ticketNumber;
  if (!next.group && known.group) next.group = known.group;
  return next;
}

const defaultTick = (callback: () => void) => {
  const timer = setInterval(callback, 30_000);
  return () => clearInterval(timer);
};

/** Creates the inbox. Call `load()` once the client is connecting; live events are applied from creation on. */
export function createInboxModel({ api, client, me, source: initial = OPEN_VIEW, now: clock = Date.now, tick = defaultTick }: InboxTransport): InboxModel {
  const byId = signal(new Map<string, InboxConversation>());
  /** The ids the view holds: its pages, and those that joined live (in the order they came). */
  const members = signal(new Set<string>());
  const facts = signal(new Map<string, Facts>());
  const unread = signal(new Set<string>());
  const source = signal<ViewSource>(initial);
  const spec = computed(() => specOf(source.value));
  const nextCursor = signal<string | null>(null);
  const loadingMore = signal(false);
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const selectedId = signal<string | null>(null);
  const now = signal(clock());
  let hellos = 0;
  let generation = 0;
  /** Conversations that joined live while the first page was loading: the answer may predate them. */
  let joinedWhileLoading = new Set<string>();

  const rows = computed<InboxRow[]>(() => {
    const s = spec.value;
    const known = byId.value;
    const told = facts.value;
    const list: InboxConversation[] = [];
    for (const id of members.value) {
      const c = known.get(id);
      if (c && (!s || matchesView(c, s, me, told.get(id)) !== false)) list.push(c);
    }
    if (s) list.sort(compareInView(s));
    return list.map((conversation) => ({ conversation, unread: unread.value.has(conversation.id) }));
  });

  /** Stores a conversation and lets it join the view when it now clearly belongs there. */
  function put(conversation: InboxConversation): void {
    const next = new Map(byId.value);
    next.set(conversation.id, conversation);
    byId.value = next;
    const s = spec.value;
    if (s && !members.value.has(conversation.id) && matchesView(conversation, s, me, facts.value.get(conversation.id)) === true) {
      members.value = new Set(members.value).add(conversation.id);
      joinedWhileLoading.add(conversation.id);
    }
  }

  function markUnread(id: string): void {
    if (id === selectedId.value || unread.value.has(id)) return;
    unread.value = new Set(unread.value).add(id);
  }

  /** `conversation.updated`: the summary as the gateway has it, unless ours is already newer. */
  function applySummary(conversation: ConversationSummary | ViewConversation): void {
    const known = byId.value.get(conversation.id);
    // Updates may arrive out of order; an older one must not roll the row back.
    if (known && conversation.lastSeq < known.lastSeq) return;
    put(merge(known, fromGateway(conversation)));
  }

  /** `message.created`: moves the row forward, or adds it at the top when the conversation is new. */
  function applyMessage(message: Message): void {
    const known = byId.value.get(message.conversationId);
    if (known && message.seq <= known.lastSeq) return;
    batch(() => {
      const before = facts.value.get(message.conversationId) ?? {};
      const told: Facts = message.internal ? { ...before, internal: true } : { awaiting: message.author.kind === 'visitor', internal: false };
      facts.value = new Map(facts.value).set(message.conversationId, told);
      put(known ? afterMessage(known, message) : rowFromMessage(message));
      if (message.author.kind === 'visitor') markUnread(message.conversationId);
    });
  }

  /** Puts a page's conversations in, keeping any the list already has newer. */
  function absorb(into: Map<string, InboxConversation>, page: ViewConversation[], ids: Set<string>): void {
    for (const c of page) {
      const known = into.get(c.id);
      const incoming = fromGateway(c);
      into.set(c.id, known && known.lastSeq > c.lastSeq ? merge(incoming, known) : merge(known, incoming));
      ids.add(c.id);
    }
  }

  const explain = (e: unknown) => (e instanceof ApiError ? e.message : 'The conversations could not be loaded.');

  async function load(): Promise<void> {
    const mine = ++generation;
    const wanted = source.value;
    joinedWhileLoading = new Set();
    loadingMore.value = false;
    if (members.value.size === 0) status.value = 'loading';
    try {
      const page = await api.get<ViewPage>(viewPath(wanted));
      if (mine !== generation) return;
      batch(() => {
        const next = new Map(byId.value);
        const ids = new Set<string>();
        absorb(next, page.conversations, ids);
        for (const id of joinedWhileLoading) ids.add(id);
        byId.value = next;
        members.value = ids;
        nextCursor.value = page.nextCursor;
        status.value = 'ready';
        error.value = null;
      });
    } catch (e) {
      if (mine !== generation) return;
      error.value = explain(e);
      status.value = members.value.size ? 'ready' : 'error';
    }
  }

  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value;
    if (!cursor || loadingMore.value) return;
    const mine = generation;
    loadingMore.value = true;
    try {
      const page = await api.get<ViewPage>(viewPath(source.value, cursor));
      if (mine !== generation) return;
      batch(() => {
        const next = new Map(byId.value);
        const ids = new Set(members.value);
        absorb(next, page.conversations, ids);
        byId.value = next;
        members.value = ids;
        nextCursor.value = page.nextCursor;
        error.value = null;
      });
    } catch (e) {
      if (mine === generation) error.value = explain(e);
    } finally {
      if (mine === generation) loadingMore.value = false;
    }
  }

  function show(next: ViewSource): void {
    if (viewPath(next) === viewPath(source.value)) {
      source.value = next;
      return;
    }
    batch(() => {
      source.value = next;
      // Only what the new view needs stays known: the open conversation, for its title.
      const keep = new Map<string, InboxConversation>();
      const open = selectedId.value && byId.value.get(selectedId.value);
      if (open) keep.set(open.id, open);
      byId.value = keep;
      members.value = new Set();
      nextCursor.value = null;
      error.value = null;
      status.value = 'loading';
    });
    void load();
  }

  function remove(conversationId: string): void {
    if (!byId.value.has(conversationId) && !members.value.has(conversationId)) return;
    batch(() => {
      const next = new Map(byId.value);
      next.delete(conversationId);
      byId.value = next;
      const ids = new Set(members.value);
      ids.delete(conversationId);
      members.value = ids;
    });
  }

  const stops = [
    client.on('frame', (frame) => {
      if (frame.type === 'conversation.updated') applySummary(frame.conversation);
      else if (frame.type === 'routing.conversation') {
        const known = byId.value.get(frame.conversationId);
        if (known) put({ ...known, routing: frame.routing });
      } else if (frame.type === 'routing.access.lost') remove(frame.conversationId);
    }),
    client.on('message', applyMessage),
    // After a reconnect, summaries may have changed while no socket was listening.
    client.on('hello', () => {
      if (++hellos > 1) void load();
    }),
    tick(() => (now.value = clock())),
  ];

  return {
    rows,
    status,
    error,
    source,
    hasMore: computed(() => nextCursor.value !== null),
    loadingMore,
    selectedId,
    now,
    load,
    loadMore,
    show,
    update: applySummary,
    select(conversationId) {
      batch(() => {
        selectedId.value = conversationId;
        if (conversationId && unread.value.has(conversationId)) {
          const next = new Set(unread.value);
          next.delete(conversationId);
          unread.value = next;
        }
      });
    },
    find: (conversationId) => byId.value.get(conversationId),
    remove,
    dispose() {
      generation++;
      stops.splice(0).forEach((stop) => stop());
    },
  };
}
