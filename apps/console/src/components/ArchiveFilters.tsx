import { CHANNELS } from '@parley/protocol';
import { useState } from 'preact/hooks';
import type { ReadonlySignal } from '@preact/signals';
import type { InboxRow, ViewFilter } from '../InboxModel.ts';
import type { TeamModel } from '../TeamModel.ts';
import { CHANNEL_LABEL, GROUP_LABEL, SORT_LABEL, VIEW_LABEL, type ViewsModel } from '../ViewsModel.ts';
import { SaveViewDialog } from './SavedViews.tsx';

type Views = Pick<ViewsModel, 'current' | 'filter' | 'filterError' | 'setFilter' | 'clearFilter' | 'canSave' | 'save' | 'apps'>;
type Team = Pick<TeamModel, 'agents' | 'queues' | 'wrapUpReasons'>;

const valueOf = (event: Event) => (event.currentTarget as HTMLInputElement | HTMLSelectElement).value;

/** A select of "Any" and the choices; a value the list does not hold (from the address bar) stays choosable. */
function Choice({ label, name, value, choices, onChange }: { label: string; name: keyof ViewFilter; value: string | undefined; choices: { value: string; label: string }[]; onChange: (value: string) => void }) {
  const known = !value || choices.some((c) => c.value === value);
  return (
    <label class="field">
      <span class="field__label">{label}</span>
      <select name={name} value={value ?? ''} onChange={(e) => onChange(valueOf(e))}>
        <option value="">Any</option>
        {!known && <option value={value}>{`${label} ${value!.slice(0, 8)}…`}</option>}
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** How a saved view selects, in a line. */
function SavedSummary({ views }: { views: Pick<ViewsModel, 'current'> }) {
  const current = views.current.value;
  if (current.kind !== 'saved' || !current.saved) return null;
  const { filter, sort, group } = current.saved;
  const parts = [
    filter.scope === 'archive' ? 'Archive' : 'Main views',
    filter.status && (filter.status === 'open' ? 'open' : 'closed'),
    filter.mine && 'mine',
    filter.awaitingReply && 'customer wrote last',
    SORT_LABEL[sort].toLowerCase(),
    group !== 'none' && `grouped by ${GROUP_LABEL[group].toLowerCase()}`,
  ].filter(Boolean);
  return <p class="filters__summary">{parts.join(' · ')}</p>;
}

/**
 * The filters of the chosen built-in view (MISSION.md A10): product, channel, queue, agent,
 * wrap-up reason and a date range (the archive filters by when a conversation was archived, the
 * other views by last activity). A change applies at once; "Save view" keeps the view with its
 * filters under a name. Open in the archive, folded elsewhere until a filter is set.
 */
export function ArchiveFilters({ views, team, rows }: { views: Views; team: Team | null; /** The listed conversations: their products are offered in the product field. */ rows: ReadonlySignal<InboxRow[]> }) {
  const [saving, setSaving] = useState(false);
  const current = views.current.value;
  if (current.kind !== 'view') return <SavedSummary views={views} />;
  const filter = views.filter.value;
  const products = views.apps.value;
  const apps = [...new Set(rows.value.map((r) => r.conversation.appId).filter(Boolean))].sort();
  const count = Object.keys(filter).length;
  const set = (key: keyof ViewFilter) => (value: string) => views.setFilter({ [key]: value });
  // A typed value applies on leaving the field, or at once with Enter (the form has no submit button).
  const applyOnEnter = (key: keyof ViewFilter) => (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    set(key)((event.currentTarget as HTMLInputElement).value);
  };
  const dates = current.view === 'archive' ? 'Archived' : 'Last activity';
  const reasons = team?.wrapUpReasons.value ?? [];
  return (
    <>
      <details key={current.view} class="filters" open={current.view === 'archive' || count > 0}>
        <summary class="filters__toggle">
          Filter {VIEW_LABEL[current.view]}
          {count > 0 && <span class="count">{count}</span>}
        </summary>
        <form
          class="filters__form"
          role="search"
          aria-label={`Filter ${VIEW_LABEL[current.view]}`}
          onSubmit={(event) => event.preventDefault()}
        >
          {products.length > 0 ? (
            <Choice label="Product" name="app" value={filter.app} choices={products.map((p) => ({ value: p.id, label: p.name }))} onChange={set('app')} />
          ) : (
            <>
              <label class="field">
                <span class="field__label">Product</span>
                <input name="app" type="text" list="filter-apps" autocomplete="off" placeholder="App id" value={filter.app ?? ''} onChange={(e) => set('app')(valueOf(e))} onKeyDown={applyOnEnter('app')} />
              </label>
              <datalist id="filter-apps">
                {apps.map((app) => (
                  <option key={app} value={app} />
                ))}
              </datalist>
            </>
          )}
          <Choice label="Channel" name="channel" value={filter.channel} choices={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABEL[c] }))} onChange={set('channel')} />
          <Choice label="Queue" name="queue" value={filter.queue} choices={(team?.queues.value ?? []).map((q) => ({ value: q.id, label: q.name }))} onChange={set('queue')} />
          <Choice label="Agent" name="agent" value={filter.agent} choices={(team?.agents.value ?? []).map((a) => ({ value: a.id, label: a.name }))} onChange={set('agent')} />
          {reasons.length > 0 ? (
            <Choice label="Wrap-up reason" name="wrapUp" value={filter.wrapUp} choices={reasons.map((r) => ({ value: r.label, label: r.label }))} onChange={set('wrapUp')} />
          ) : (
            <label class="field">
              <span class="field__label">Wrap-up reason</span>
              <input name="wrapUp" type="text" maxLength={100} value={filter.wrapUp ?? ''} onChange={(e) => set('wrapUp')(valueOf(e))} onKeyDown={applyOnEnter('wrapUp')} />
            </label>
          )}
          <fieldset class="filters__dates">
            <legend class="field__label">{dates}</legend>
            <label class="field">
              <span class="field__label">From</span>
              <input name="from" type="date" value={filter.from ?? ''} max={filter.to} onChange={(e) => set('from')(valueOf(e))} />
            </label>
            <label class="field">
              <span class="field__label">To</span>
              <input name="to" type="date" value={filter.to ?? ''} min={filter.from} onChange={(e) => set('to')(valueOf(e))} />
            </label>
          </fieldset>
          {views.filterError.value && (
            <p class="filters__error" role="alert">
              {views.filterError.value}
            </p>
          )}
          <div class="filters__actions">
            <button class="button button--quiet" type="button" disabled={count === 0} onClick={() => views.clearFilter()}>
              Clear filters
            </button>
            {views.canSave.value && (
              <button class="button button--quiet" type="button" onClick={() => setSaving(true)}>
                Save view…
              </button>
            )}
          </div>
        </form>
      </details>
      {saving && <SaveViewDialog views={views} onClose={() => setSaving(false)} />}
    </>
  );
}
