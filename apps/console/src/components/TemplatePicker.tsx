import type { Template } from '@parley/protocol';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';
import type { TemplatesModel } from '../TemplatesModel.ts';
import { Dialog } from './Dialog.tsx';

type Templates = Pick<TemplatesModel, 'templates' | 'facets' | 'filter' | 'status' | 'error' | 'hasMore' | 'active' | 'activeTemplate' | 'load' | 'search' | 'loadMore' | 'move' | 'setActive'>;

const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' }) : null;

/** A language tag as a name, e.g. "Dutch (nl)". */
export function languageName(tag: string): string {
  let name: string | undefined;
  try {
    name = names?.of(tag);
  } catch {
    name = undefined;
  }
  return name && name !== tag ? `${name} (${tag})` : tag;
}

/** The id of a template's option in a listbox. */
export const optionId = (listId: string, template: Template) => `${listId}-${template.id}`;

/**
 * The keys of the template list for the field that has the focus (the search box, or the reply
 * box after `/`): the arrows move the highlight, Enter takes the highlighted template,
 * Escape closes; PageUp and PageDown jump to the first and last. Answers whether the key was the list's.
 */
export function handleTemplateKey(event: KeyboardEvent, templates: Pick<Templates, 'move' | 'activeTemplate'>, pick: (template: Template) => void, close: () => void): boolean {
  if (event.isComposing) return false;
  const take = () => {
    event.preventDefault();
    return true;
  };
  switch (event.key) {
    case 'ArrowDown':
      templates.move(1);
      return take();
    case 'ArrowUp':
      templates.move(-1);
      return take();
    // Home and End stay with the text field (its caret); PageUp and PageDown jump to the ends.
    case 'PageDown':
      templates.move('last');
      return take();
    case 'PageUp':
      templates.move('first');
      return take();
    case 'Enter': {
      if (event.shiftKey) return false;
      const chosen = templates.activeTemplate.value;
      if (!chosen) return false;
      pick(chosen);
      return take();
    }
    case 'Escape':
      // The picker closes, not the dialog or anything around it.
      event.stopPropagation();
      close();
      return take();
    default:
      return false;
  }
}

/** The first line of a template's text, shortened for the list. */
const preview = (body: string) => {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 110 ? `${line.slice(0, 109)}…` : line;
};

/**
 * The templates as an ARIA listbox: title, category and language, and the start of the text. The
 * focus stays in the field that drives it (`aria-activedescendant`); a click takes a template.
 */
export function TemplateOptions({ templates, id, onPick }: { templates: Templates; id: string; onPick: (template: Template) => void }) {
  const list = templates.templates.value;
  const active = templates.active.value;
  const status = templates.status.value;
  const ref = useRef<HTMLUListElement>(null);
  // Keep the highlighted template in view as the arrows move through a long list.
  useLayoutEffect(() => {
    const el = ref.current?.querySelector<HTMLElement>('[aria-selected="true"]');
    el?.scrollIntoView?.({ block: 'nearest' });
  }, [active, list]);
  return (
    <div class="templates">
      <ul class="templates__list" role="listbox" id={id} aria-label="Templates" ref={ref}>
        {list.map((template, i) => (
          <li
            key={template.id}
            id={optionId(id, template)}
            role="option"
            aria-selected={i === active}
            class={`template-option${i === active ? ' template-option--active' : ''}`}
            // Keep the focus in the search or reply box.
            onMouseDown={(event) => event.preventDefault()}
            onMouseMove={() => i !== active && templates.setActive(i)}
            onClick={() => onPick(template)}
          >
            <span class="template-option__title">{template.title}</span>
            <span class="template-option__meta">
              {template.category ? `${template.category} · ` : ''}
              {languageName(template.language)}
            </span>
            <span class="template-option__text">{preview(template.body)}</span>
          </li>
        ))}
      </ul>
      <p class="templates__status" aria-live="polite">
        {status === 'loading' && list.length === 0
          ? 'Searching templates…'
          : status === 'ready' && list.length === 0
            ? templates.filter.value.query || templates.filter.value.category || templates.filter.value.language
              ? 'No template matches. Try other words or another category or language.'
              : 'No templates yet. An admin can add them in the settings.'
            : status === 'ready'
              ? `${list.length}${templates.hasMore.value ? '+' : ''} template${list.length === 1 ? '' : 's'}`
              : ''}
      </p>
      {templates.error.value && (
        <p class="templates__error" role="alert">
          {templates.error.value}
        </p>
      )}
      {templates.hasMore.value && (
        <button class="button button--quiet templates__more" type="button" onClick={() => void templates.loadMore()}>
          Show more templates
        </button>
      )}
    </div>
  );
}

/**
 * The template picker opened by the composer's Templates button: a search box (an ARIA combobox
 * over the list), category and language filters, and the list. Arrows move, Enter inserts,
 * Escape closes and gives the focus back.
 */
export function TemplatePickerDialog({ templates, onPick, onClose }: { templates: Templates; onPick: (template: Template) => void; onClose: () => void }) {
  const listId = useId();
  const filter = templates.filter.value;
  const facets = templates.facets.value;
  const active = templates.activeTemplate.value;
  // Each opening starts a new search, in the categories and language chosen before: before the
  // browser paints, so it never wipes what the agent types into the box the moment it opens.
  useLayoutEffect(() => {
    void templates.load({ query: '' });
  }, [templates]);
  return (
    <Dialog title="Insert a template" onClose={onClose} class="dialog--templates">
      <div class="dialog__body">
        <div class="templates__filters">
          <label class="field templates__search">
            <span class="field__label">Search templates</span>
            <input
              type="text"
              role="combobox"
              aria-expanded="true"
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={active ? optionId(listId, active) : undefined}
              autoComplete="off"
              spellcheck={false}
              data-autofocus
              placeholder="Name, words of the text or category"
              value={filter.query}
              onInput={(event) => void templates.search({ query: (event.currentTarget as HTMLInputElement).value })}
              onKeyDown={(event) => handleTemplateKey(event, templates, onPick, onClose)}
            />
          </label>
          <label class="field">
            <span class="field__label">Category</span>
            <select value={filter.category ?? ''} onChange={(event) => void templates.search({ category: (event.currentTarget as HTMLSelectElement).value || null })}>
              <option value="">All categories</option>
              {facets.categories.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span class="field__label">Language</span>
            <select value={filter.language ?? ''} onChange={(event) => void templates.search({ language: (event.currentTarget as HTMLSelectElement).value || null })}>
              <option value="">All languages</option>
              {facets.languages.map((l) => (
                <option key={l} value={l}>
                  {languageName(l)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <TemplateOptions templates={templates} id={listId} onPick={onPick} />
        <p class="dialog__hint">↑ ↓ to choose · Enter to insert · Escape to close. Typing / at the start of a reply searches too.</p>
        <div class="dialog__actions">
          <button class="button button--quiet" type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </div>
    </Dialog>
  );
}
