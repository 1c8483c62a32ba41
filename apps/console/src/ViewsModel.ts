import { CHANNELS, MAX_VIEW_NAME, VIEW_NAMES, type Channel, type SavedView, type SavedViewFilter, type ViewConversation, type ViewGroup, type ViewName, type ViewSort } from '@parley/protocol';
import { batch, computed, effect, signal, type ReadonlySignal } from '@preact/signals';
import { explainError, type Api } from './api.ts';
import { FILTER_KEYS, OPEN_VIEW, pickFilter, type InboxModel, type ViewFilter, type ViewSource } from './InboxModel.ts';

/** The sidebar's groups of built-in views, in the order they are listed (MISSION.md A10). */
export const VIEW_SECTIONS: { title: string; views: ViewName[] }[] = [
  { title: 'From customers', views: ['open', 'unanswered', 'closed'] },
  { title: 'My conversations', views: ['mine.replies', 'mine.internal', 'mine.closed'] },
];

/** How each built-in view is named in the sidebar. */
export const VIEW_LABEL: Record<ViewName, string> = {
  open: 'Open',
  unanswered: 'Unanswered',
  closed: 'Closed',
  'mine.replies': 'Customer replies',
  'mine.internal': 'Internal messages',
  'mine.closed': 'All closed',
  archive: 'Archive',
};

const LIST_TITLE: Record<ViewName, string> = {
  open: 'Open conversations',
  unanswered: 'Unanswered conversations',
  closed: 'Closed conversations',
  'mine.replies': 'My conversations: customer replies',
  'mine.internal': 'My conversations: internal messages',
  'mine.closed': 'My closed conversations',
  archive: 'Archive',
};

/** The heading of the list of a view. */
export function viewTitle(source: ViewSource): string {
  return source.kind === 'view' ? LIST_TITLE[source.view] : (source.saved?.name ?? 'Saved view');
}

/** How a saved view's orders read. */
export const SORT_LABEL: Record<ViewSort, string> = {
  'activity.desc': 'Latest activity first',
  'activity.asc': 'Oldest activity first',
  'started.desc': 'Newest first',
  'started.asc': 'Oldest first',
};

/** How a saved view's groupings read. */
export const GROUP_LABEL: Record<ViewGroup, string> = {
  none: 'No grouping',
  status: 'Status',
  app: 'Product',
  channel: 'Channel',
  queue: 'Queue',
  agent: 'Agent',
};

/** How each channel reads. */
export const CHANNEL_LABEL: Record<Channel, string> = { chat: 'Chat', web_form: 'Web form' };

/**
 * What a saved view keeps of each built-in view it can be saved from. "Internal messages" and
 * "All closed" have no saved form (a saved view looks in the main views or the archive).
 */
const SAVED_BASE: Partial<Record<ViewName, SavedViewFilter>> = {
  open: { scope: 'active', status: 'open' },
  unanswered: { scope: 'active', status: 'open', awaitingReply: true },
  closed: { scope: 'active', status: 'closed' },
  'mine.replies': { scope: 'active', mine: true, awaitingReply: true },
  archive: { scope: 'archive' },
};

/** Where the chosen view is kept between reloads: the address bar's query (`?view=archive&agent=…`). */
export interface ViewLocation {
  /** The query as it is now (`location.search`). */
  read(): string;
  /** Replaces the query, keeping the path and the hash. */
  write(query: string): void;
}

/** The address bar as a view location; history entries are replaced, not added. */
export function browserViewLocation(win: Pick<Window, 'location' | 'history'>): ViewLocation {
  return {
    read: () => win.location.search,
    write(query) {
      if (query === win.location.search) return;
      win.history.replaceState(win.history.state, '', `${win.location.pathname}${query}${win.location.hash}`);
    },
  };
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (text: string) => DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));

/** A filter's values checked as the gateway checks them; the first problem in words, or the filter. */
export function checkFilter(input: Partial<Record<keyof ViewFilter, string>>): { filter: ViewFilter } | { error: string } {
  const out: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = input[key]?.trim();
    if (value) out[key] = value;
  }
  if (out.app && !ID.test(out.app)) return { error: 'Product: enter the app id as it is set up (letters, digits, _ or -).' };
  if (out.channel && !(CHANNELS as readonly string[]).includes(out.channel)) return { error: 'Channel: choose Chat or Web form.' };
  if (out.queue && !UUID.test(out.queue)) return { error: 'Queue: choose a queue from the list.' };
  if (out.agent && !UUID.test(out.agent)) return { error: 'Agent: choose an agent from the list.' };
  if (out.wrapUp && out.wrapUp.length > 100) return { error: 'Wrap-up reason: use at most 100 characters.' };
  for (const key of ['from', 'to'] as const) {
    if (out[key] && !validDate(out[key])) return { error: `${key === 'from' ? 'From' : 'To'}: enter a date such as 2025-03-01.` };
  }
  if (out.from && out.to && out.from > out.to) return { error: 'The "To" date is before the "From" date; choose a later "To" date or clear it.' };
  return { filter: out as ViewFilter };
}

/** The address bar's query for a view: none for Open without filters. */
export function queryForView(source: ViewSource): string {
  const params = new URLSearchParams();
  if (source.kind === 'saved') params.set('saved', source.id);
  else {
    if (source.view !== 'open') params.set('view', source.view);
    for (const key of FILTER_KEYS) if (source.filter[key]) params.set(key, source.filter[key]!);
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** The view an address bar's query names; Open when it names none (or something that is not a view). */
export function viewFromQuery(query: string): ViewSource {
  const params = new URLSearchParams(query);
  const saved = params.get('saved');
  if (saved !== null) return UUID.test(saved) ? { kind: 'saved', id: saved } : OPEN_VIEW;
  const view = params.get('view') ?? 'open';
  if (!(VIEW_NAMES as readonly string[]).includes(view)) return OPEN_VIEW;
  const values: Partial<Record<keyof ViewFilter, string>> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null) values[key] = value;
  }
  const checked = checkFilter(values);
  return { kind: 'view', view: view as ViewName, filter: 'filter' in checked ? checked.filter : {} };
}

/** The view to start with: the one in the address bar, or Open. */
export const initialViewSource = (location?: ViewLocation): ViewSource => (location ? viewFromQuery(location.read()) : OPEN_VIEW);

/** What the views need: REST, the inbox that lists the chosen view, and who is signed in. */
export interface ViewsTransport {
  api: Pick<Api, 'get' | 'post' | 'patch' | 'delete'>;
  inbox: Pick<InboxModel, 'source' | 'show' | 'load' | 'update' | 'remove'>;
  /** Admins may delete conversations. */
  admin: boolean;
  /** Keeps the chosen view and its filters across reloads (default: nowhere). */
  location?: ViewLocation;
  /** A conversation was deleted: it leaves the console (and closes, when open). */
  onDeleted?: (conversationId: string) => void;
}

/** A new saved view: its name, how it orders and how it groups (the filter is the current view's). */
export interface SavedViewDraft {
  name: string;
  sort: ViewSort;
  group: ViewGroup;
}

/**
 * The sidebar's views (MISSION.md A10, A14): which view the inbox lists, the filters of the
 * built-in views, the agent's saved views, and archiving, unarchiving and deleting conversations.
 * Each action answers null when it worked, or what went wrong in words for the agent.
 */
export interface ViewsModel {
  /** The view the inbox lists. */
  readonly current: ReadonlySignal<ViewSource>;
  /** The filters of the chosen built-in view (none for a saved view). */
  readonly filter: ReadonlySignal<ViewFilter>;
  /** Why the last filter change was refused. */
  readonly filterError: ReadonlySignal<string | null>;
  /** Whether the chosen view can be saved as a custom view (with its filters). */
  readonly canSave: ReadonlySignal<boolean>;
  /** The agent's saved views, by name. */
  readonly saved: ReadonlySignal<SavedView[]>;
  /** The workspace's apps (products), by name: what the product filter offers. */
  readonly apps: ReadonlySignal<{ id: string; name: string }[]>;
  readonly savedError: ReadonlySignal<string | null>;
  /** Why the last archive or unarchive failed. */
  readonly actionError: ReadonlySignal<string | null>;
  /** Conversations with an archive, unarchive or delete on its way. */
  readonly working: ReadonlySignal<ReadonlySet<string>>;
  /** Whether the agent may delete conversations (admins). */
  readonly admin: boolean;
  /** Shows a built-in view with the filters it had last; choosing the shown view reads it again. */
  choose(view: ViewName): void;
  /** Shows a saved view. */
  chooseSaved(id: string): void;
  /** Changes filters of the chosen built-in view (an empty value clears one); answers why not, or null. */
  setFilter(patch: Partial<Record<keyof ViewFilter, string>>): string | null;
  /** Clears the chosen built-in view's filters. */
  clearFilter(): void;
  /** (Re)reads the saved views and the workspace's apps. */
  loadSaved(): Promise<void>;
  /** Saves the chosen view and its filters under a name, and shows it. */
  save(draft: SavedViewDraft): Promise<string | null>;
  /** Renames a saved view. */
  rename(id: string, name: string): Promise<string | null>;
  /** Deletes a saved view (the conversations stay); Open is shown when it was the chosen one. */
  removeSaved(id: string): Promise<string | null>;
  /** Puts a conversation in the archive: it leaves the main views. */
  archive(conversationId: string): Promise<string | null>;
  /** Takes a conversation out of the archive, back to the main views. */
  unarchive(conversationId: string): Promise<string | null>;
  /** Admins: deletes a conversation for good. */
  deleteConversation(conversationId: string): Promise<string | null>;
  /** Stops writing the address bar. */
  dispose(): void;
}

const byName = (a: SavedView, b: SavedView) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** Creates the views model over an inbox; the inbox's current view is the chosen one. */
export function createViewsModel({ api, inbox, admin, location, onDeleted }: ViewsTransport): ViewsModel {
  const current = inbox.source;
  const filters = new Map<ViewName, ViewFilter>();
  if (current.value.kind === 'view') filters.set(current.value.view, current.value.filter);
  const filterError = signal<string | null>(null);
  const saved = signal<SavedView[]>([]);
  const apps = signal<{ id: string; name: string }[]>([]);
  const savedError = signal<string | null>(null);
  const actionError = signal<string | null>(null);
  const working = signal<ReadonlySet<string>>(new Set());

  const filter = computed<ViewFilter>(() => (current.value.kind === 'view' ? current.value.filter : {}));
  const canSave = computed(() => current.value.kind === 'view' && SAVED_BASE[current.value.view] !== undefined);
  const stopLocation = location ? effect(() => location.write(queryForView(current.value))) : () => {};

  function showView(view: ViewName, next: ViewFilter): void {
    filters.set(view, next);
    filterError.value = null;
    inbox.show({ kind: 'view', view, filter: next });
  }

  /** Runs an action on a conversation, marking it as being worked on meanwhile. */
  async function act(conversationId: string, run: () => Promise<void>, fallback: string): Promise<string | null> {
    working.value = new Set(working.value).add(conversationId);
    try {
      await run();
      actionError.value = null;
      return null;
    } catch (e) {
      return explainError(e, fallback);
    } finally {
      const next = new Set(working.value);
      next.delete(conversationId);
      working.value = next;
    }
  }

  async function archiveAction(conversationId: string, action: 'archive' | 'unarchive'): Promise<string | null> {
    const fallback = action === 'archive' ? 'The conversation could not be archived.' : 'The conversation could not be taken out of the archive.';
    const error = await act(
      conversationId,
      async () => {
        const { conversation } = await api.post<{ conversation: ViewConversation }>(`/api/agent/conversations/${encodeURIComponent(conversationId)}/${action}`);
        inbox.update(conversation);
      },
      fallback,
    );
    if (error) actionError.value = error;
    return error;
  }

  return {
    current,
    filter,
    filterError,
    canSave,
    saved,
    apps,
    savedError,
    actionError,
    working,
    admin,
    choose(view) {
      const shown = current.value;
      if (shown.kind === 'view' && shown.view === view) {
        void inbox.load();
        return;
      }
      showView(view, filters.get(view) ?? {});
    },
    chooseSaved(id) {
      const shown = current.value;
      if (shown.kind === 'saved' && shown.id === id) {
        void inbox.load();
        return;
      }
      filterError.value = null;
      const found = saved.value.find((s) => s.id === id);
      inbox.show({ kind: 'saved', id, ...(found && { saved: found }) });
    },
    setFilter(patch) {
      const shown = current.value;
      if (shown.kind !== 'view') return null;
      const checked = checkFilter({ ...shown.filter, ...patch });
      if ('error' in checked) {
        filterError.value = checked.error;
        return checked.error;
      }
      showView(shown.view, checked.filter);
      return null;
    },
    clearFilter() {
      const shown = current.value;
      if (shown.kind === 'view') showView(shown.view, {});
    },
    async loadSaved() {
      // The product filter falls back to a text field while the apps are unknown.
      api.get<{ apps: { id: string; name: string }[] }>('/api/agent/apps').then(
        (answer) => (apps.value = answer.apps),
        () => {},
      );
      try {
        const { views } = await api.get<{ views: SavedView[] }>('/api/agent/saved-views');
        batch(() => {
          saved.value = [...views].sort(byName);
          savedError.value = null;
          const shown = current.value;
          if (shown.kind !== 'saved') return;
          const found = views.find((s) => s.id === shown.id);
          // A saved view in the address bar that is gone (or another agent's): back to Open.
          if (found) inbox.show({ kind: 'saved', id: found.id, saved: found });
          else inbox.show(OPEN_VIEW);
        });
      } catch (e) {
        savedError.value = explainError(e, 'Your saved views could not be loaded.');
      }
    },
    async save(draft) {
      const shown = current.value;
      const base = shown.kind === 'view' ? SAVED_BASE[shown.view] : undefined;
      if (shown.kind !== 'view' || !base) return 'This view cannot be saved; choose Open, Unanswered, Closed, Customer replies or Archive first.';
      const name = draft.name.trim();
      if (!name) return 'Give the view a name.';
      if (name.length > MAX_VIEW_NAME) return `Use a name of at most ${MAX_VIEW_NAME} characters.`;
      try {
        const { view } = await api.post<{ view: SavedView }>('/api/agent/saved-views', {
          name,
          filter: { ...base, ...pickFilter(shown.filter) },
          sort: draft.sort,
          group: draft.group,
        });
        batch(() => {
          saved.value = [...saved.value, view].sort(byName);
          inbox.show({ kind: 'saved', id: view.id, saved: view });
        });
        return null;
      } catch (e) {
        return explainError(e, 'The view could not be saved.');
      }
    },
    async rename(id, name) {
      const trimmed = name.trim();
      if (!trimmed) return 'Give the view a name.';
      if (trimmed.length > MAX_VIEW_NAME) return `Use a name of at most ${MAX_VIEW_NAME} characters.`;
      try {
        const { view } = await api.patch<{ view: SavedView }>(`/api/agent/saved-views/${encodeURIComponent(id)}`, { name: trimmed });
        batch(() => {
          saved.value = saved.value.map((s) => (s.id === id ? view : s)).sort(byName);
          const shown = current.value;
          if (shown.kind === 'saved' && shown.id === id) inbox.show({ kind: 'saved', id, saved: view });
        });
        return null;
      } catch (e) {
        return explainError(e, 'The view could not be renamed.');
      }
    },
    async removeSaved(id) {
      try {
        await api.delete(`/api/agent/saved-views/${encodeURIComponent(id)}`);
        batch(() => {
          saved.value = saved.value.filter((s) => s.id !== id);
          const shown = current.value;
          if (shown.kind === 'saved' && shown.id === id) showView('open', filters.get('open') ?? {});
        });
        return null;
      } catch (e) {
        return explainError(e, 'The view could not be deleted.');
      }
    },
    archive: (conversationId) => archiveAction(conversationId, 'archive'),
    unarchive: (conversationId) => archiveAction(conversationId, 'unarchive'),
    deleteConversation(conversationId) {
      if (!admin) return Promise.resolve('Only admins delete conversations; archive it instead, or ask an admin.');
      return act(
        conversationId,
        async () => {
          // The gateway deletes only when the body repeats the id: a stray call cannot delete.
          await api.delete(`/api/admin/conversations/${encodeURIComponent(conversationId)}`, { confirm: conversationId });
          inbox.remove(conversationId);
          onDeleted?.(conversationId);
        },
        'The conversation could not be deleted.',
      );
    },
    dispose: stopLocation,
  };
}
