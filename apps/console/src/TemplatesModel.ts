import {
  TemplateInputSchema,
  TemplatePatchSchema,
  type Template,
  type TemplateInput,
  type TemplatePage,
  type TemplatePatch,
  type TemplateRendered,
} from '@parley/protocol';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import * as v from 'valibot';
import { explainError, type Api } from './api.ts';

/** The categories and languages the workspace's templates use (`GET /api/agent/templates/facets`). */
export interface TemplateFacets {
  categories: string[];
  languages: string[];
}

/** What a search narrows the templates to; `null` means any. */
export interface TemplateFilter {
  query: string;
  category: string | null;
  language: string | null;
}

/** What the templates model needs: REST, and how long typing may pause before a search is sent. */
export interface TemplatesTransport {
  api: Pick<Api, 'get' | 'post' | 'patch' | 'delete'>;
  /** A search waits this long for the next key before it is sent (default 150 ms; tests pass 0). */
  searchDelayMs?: number;
}

/**
 * Templates (canned replies, MISSION.md A5): agents search them by words (title, text, category),
 * category and language, move through the results with the keyboard and render one for a
 * conversation; admins create, change and delete them.
 */
export interface TemplatesModel {
  readonly filter: ReadonlySignal<TemplateFilter>;
  /** The templates that match the filter, by title. */
  readonly templates: ReadonlySignal<Template[]>;
  readonly facets: ReadonlySignal<TemplateFacets>;
  readonly status: ReadonlySignal<'idle' | 'loading' | 'ready' | 'error'>;
  /** Why the last read, render or change failed, in words for the agent. */
  readonly error: ReadonlySignal<string | null>;
  /** More templates match than are shown. */
  readonly hasMore: ReadonlySignal<boolean>;
  /** A change or a render is on its way. */
  readonly busy: ReadonlySignal<boolean>;
  /** The position of the highlighted template in `templates` (-1: none). */
  readonly active: ReadonlySignal<number>;
  readonly activeTemplate: ReadonlySignal<Template | null>;
  /** Reads the facets and the first page for the filter (changed first by the parts given). */
  load(change?: Partial<TemplateFilter>): Promise<void>;
  /** Changes the filter (only the parts given) and reads the first page again, after a short pause for typing. */
  search(change: Partial<TemplateFilter>): Promise<void>;
  /** Reads the next page and adds it below. */
  loadMore(): Promise<void>;
  /** Moves the highlight by `delta` places (wrapping around), or to the first or last template. */
  move(delta: number | 'first' | 'last'): void;
  /** Highlights the template at this position. */
  setActive(index: number): void;
  /** The template's text with its parameters filled from the conversation, or null (then `error` says why). */
  render(templateId: string, conversationId: string): Promise<TemplateRendered | null>;
  /** Adds a template (admins); the new template, or null with `error` set. */
  create(input: TemplateInput): Promise<Template | null>;
  /** Changes a template (admins); the changed template, or null with `error` set. */
  update(templateId: string, patch: TemplatePatch): Promise<Template | null>;
  /** Deletes a template (admins); true when it is gone. */
  remove(templateId: string): Promise<boolean>;
  clearError(): void;
  /** Stops a search that waits for the pause. */
  dispose(): void;
}

const PAGE = 50;

const FIELD_LABEL: Record<string, string> = { title: 'Name', body: 'Text', category: 'Category', language: 'Language' };

/** The first problem of a template form as a sentence that says what to enter. */
function issueText(issues: v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  const key = issue ? v.getDotPath(issue) : null;
  const label = key ? FIELD_LABEL[key] : undefined;
  if (!label) return 'Change at least one field before saving.';
  if (issue?.type === 'max_length') return `${label} must be at most ${String(issue.requirement)} characters.`;
  if (issue?.type === 'min_length' || /must not be empty/.test(issue?.message ?? '')) return `${label} must not be empty.`;
  if (key === 'language') return 'Language must be a language tag such as en, nl or pt-BR.';
  return `${label}: check the value.`;
}

/** Creates the templates model; call `load()` when a picker or the admin section opens. */
export function createTemplatesModel({ api, searchDelayMs = 150 }: TemplatesTransport): TemplatesModel {
  const filter = signal<TemplateFilter>({ query: '', category: null, language: null });
  const templates = signal<Template[]>([]);
  const facets = signal<TemplateFacets>({ categories: [], languages: [] });
  const status = signal<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const error = signal<string | null>(null);
  const nextCursor = signal<string | null>(null);
  const busy = signal(false);
  const active = signal(-1);
  const activeTemplate = computed(() => templates.value[active.value] ?? null);
  // Only the newest search may fill the list: an older answer that comes late is dropped.
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let disposed = false;

  function pathFor(cursor?: string): string {
    const { query, category, language } = filter.value;
    const params = new URLSearchParams();
    if (query.trim()) params.set('q', query.trim());
    if (category) params.set('category', category);
    if (language) params.set('language', language);
    if (cursor) params.set('cursor', cursor);
    params.set('limit', String(PAGE));
    return `/api/agent/templates?${params}`;
  }

  async function read(delay: number): Promise<void> {
    const mine = ++latest;
    clearTimeout(timer);
    wake?.();
    if (delay > 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, delay);
      });
    }
    if (mine !== latest || disposed) return;
    status.value = 'loading';
    try {
      const page = await api.get<TemplatePage>(pathFor());
      if (mine !== latest || disposed) return;
      batch(() => {
        templates.value = page.templates;
        nextCursor.value = page.nextCursor;
        active.value = page.templates.length ? 0 : -1;
        status.value = 'ready';
        error.value = null;
      });
    } catch (e) {
      if (mine !== latest || disposed) return;
      batch(() => {
        status.value = 'error';
        error.value = explainError(e, 'The templates could not be loaded.');
      });
    }
  }

  async function loadFacets(): Promise<void> {
    try {
      facets.value = await api.get<TemplateFacets>('/api/agent/templates/facets');
    } catch {
      // The filters then offer no choices; the search itself still works and says what failed.
    }
  }

  /** Runs a change, then reads the list and the facets again. */
  async function change<T>(fallback: string, work: () => Promise<T>): Promise<T | null> {
    if (busy.value) return null;
    busy.value = true;
    error.value = null;
    try {
      const result = await work();
      await Promise.all([read(0), loadFacets()]);
      return result;
    } catch (e) {
      error.value = explainError(e, fallback);
      return null;
    } finally {
      busy.value = false;
    }
  }

  function check<T extends v.GenericSchema>(schema: T, input: unknown): v.InferOutput<T> | null {
    const result = v.safeParse(schema, input);
    if (result.success) return result.output;
    error.value = issueText(result.issues);
    return null;
  }

  const path = (id: string) => `/api/admin/templates/${encodeURIComponent(id)}`;

  return {
    filter,
    templates,
    facets,
    status,
    error,
    hasMore: computed(() => nextCursor.value !== null),
    busy,
    active,
    activeTemplate,
    async load(change) {
      if (change) filter.value = { ...filter.value, ...change };
      await Promise.all([read(0), loadFacets()]);
    },
    search(next) {
      const before = filter.value;
      filter.value = { ...before, ...next };
      // Typing waits for a pause; choosing a category or language reads at once.
      return read(next.query !== undefined && next.query !== before.query ? searchDelayMs : 0);
    },
    async loadMore() {
      const cursor = nextCursor.value;
      if (!cursor || status.value === 'loading') return;
      const mine = latest;
      try {
        const page = await api.get<TemplatePage>(pathFor(cursor));
        if (mine !== latest || disposed) return;
        batch(() => {
          templates.value = [...templates.value, ...page.templates];
          nextCursor.value = page.nextCursor;
        });
      } catch (e) {
        error.value = explainError(e, 'More templates could not be loaded.');
      }
    },
    move(delta) {
      const count = templates.value.length;
      if (!count) return;
      if (delta === 'first') active.value = 0;
      else if (delta === 'last') active.value = count - 1;
      else {
        // With nothing highlighted, down starts at the first template and up at the last.
        const from = active.value < 0 ? (delta > 0 ? -1 : count) : active.value;
        active.value = (((from + delta) % count) + count) % count;
      }
    },
    setActive(index) {
      if (index >= 0 && index < templates.value.length) active.value = index;
    },
    async render(templateId, conversationId) {
      busy.value = true;
      error.value = null;
      try {
        return await api.post<TemplateRendered>(`/api/agent/templates/${encodeURIComponent(templateId)}/render`, { conversationId });
      } catch (e) {
        error.value = explainError(e, 'The template could not be inserted.');
        return null;
      } finally {
        busy.value = false;
      }
    },
    async create(input) {
      const body = check(TemplateInputSchema, input);
      if (!body) return null;
      return change('The template could not be created.', async () => (await api.post<{ template: Template }>('/api/admin/templates', body)).template);
    },
    async update(templateId, patch) {
      const body = check(TemplatePatchSchema, patch);
      if (!body) return null;
      return change('The template could not be saved.', async () => (await api.patch<{ template: Template }>(path(templateId), body)).template);
    },
    async remove(templateId) {
      return (await change('The template could not be deleted.', async () => (await api.delete(path(templateId)), true))) ?? false;
    },
    clearError() {
      error.value = null;
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
      wake?.();
    },
  };
}
