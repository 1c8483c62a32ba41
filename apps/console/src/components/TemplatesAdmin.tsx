import { TEMPLATE_LIMITS, TEMPLATE_PARAMETERS, type Template } from '@parley/protocol';
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TemplatesModel } from '../TemplatesModel.ts';
import { Dialog, DialogError } from './Dialog.tsx';
import { languageName } from './TemplatePicker.tsx';

type Templates = Pick<TemplatesModel, 'templates' | 'facets' | 'filter' | 'status' | 'error' | 'hasMore' | 'busy' | 'load' | 'search' | 'loadMore' | 'create' | 'update' | 'remove' | 'clearError'>;

/** Creating or editing a template: name, category, language and text with `<parameters>`. */
function TemplateForm({ templates, template, onDone }: { templates: Templates; template: Template | null; onDone: () => void }) {
  const [title, setTitle] = useState(template?.title ?? '');
  const [category, setCategory] = useState(template?.category ?? '');
  const [language, setLanguage] = useState(template?.language ?? 'en');
  const [body, setBody] = useState(template?.body ?? '');
  const first = useRef<HTMLInputElement>(null);
  const ids = useId();
  useLayoutEffect(() => first.current?.focus(), []);
  const facets = templates.facets.value;
  return (
    <form
      class="admin-form template-form"
      noValidate
      aria-label={template ? `Edit ${template.title}` : 'New template'}
      onSubmit={async (event) => {
        event.preventDefault();
        const input = { title, body, category: category.trim() ? category : null, language };
        const ok = template ? await templates.update(template.id, input) : await templates.create(input);
        if (ok) onDone();
      }}
    >
      <div class="template-form__row">
        <label class="field">
          <span class="field__label">Name</span>
          <input ref={first} type="text" required maxLength={TEMPLATE_LIMITS.title} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span class="field__label">Category (optional)</span>
          <input type="text" list={`${ids}-categories`} maxLength={TEMPLATE_LIMITS.category} value={category} onInput={(e) => setCategory((e.currentTarget as HTMLInputElement).value)} />
          <datalist id={`${ids}-categories`}>
            {facets.categories.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <label class="field">
          <span class="field__label">Language</span>
          <input type="text" required list={`${ids}-languages`} maxLength={TEMPLATE_LIMITS.language} value={language} placeholder="en, nl, pt-BR" onInput={(e) => setLanguage((e.currentTarget as HTMLInputElement).value)} />
          <datalist id={`${ids}-languages`}>
            {facets.languages.map((l) => (
              <option key={l} value={l}>
                {languageName(l)}
              </option>
            ))}
          </datalist>
        </label>
      </div>
      <label class="field">
        <span class="field__label">Text</span>
        <textarea required rows={4} maxLength={TEMPLATE_LIMITS.body} aria-describedby={`${ids}-parameters`} value={body} onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)} />
      </label>
      <p id={`${ids}-parameters`} class="admin__hint">
        Parameters filled in for each conversation:{' '}
        {Object.keys(TEMPLATE_PARAMETERS).map((name, i) => (
          <span key={name}>
            {i > 0 && ', '}
            <code title={TEMPLATE_PARAMETERS[name as keyof typeof TEMPLATE_PARAMETERS]}>{`<${name}>`}</code>
          </span>
        ))}
        .
      </p>
      <div class="dialog__actions">
        <button
          class="button button--quiet"
          type="button"
          onClick={() => {
            templates.clearError();
            onDone();
          }}
        >
          Cancel
        </button>
        <button class="button button--primary" type="submit" disabled={templates.busy.value}>
          {template ? 'Save template' : 'Create template'}
        </button>
      </div>
    </form>
  );
}

/**
 * The admin's templates (MISSION.md A5): search, create, edit, and delete after a confirmation.
 * Agents insert them with the composer's Templates button or by typing `/`.
 */
export function TemplatesAdmin({ templates }: { templates: Templates }) {
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Template | null>(null);
  useEffect(() => {
    void templates.load({ query: '', category: null, language: null });
  }, [templates]);
  const list = templates.templates.value;
  const filtered = !!templates.filter.value.query;
  return (
    <section class="admin__section" aria-labelledby="admin-templates">
      <h3 id="admin-templates">Templates</h3>
      <p class="admin__hint">Canned replies: agents insert them with the Templates button or by typing / at the start of a reply, and edit them before sending.</p>
      {templates.error.value && !deleting && (
        <p class="admin__error" role="alert">
          {templates.error.value}
        </p>
      )}
      <label class="field templates-admin__search">
        <span class="field__label">Search templates</span>
        <input type="search" value={templates.filter.value.query} onInput={(e) => void templates.search({ query: (e.currentTarget as HTMLInputElement).value })} />
      </label>
      {templates.status.value === 'ready' && list.length === 0 && (
        <p class="admin__empty">{filtered ? 'No template matches.' : 'No templates yet. Create the first one.'}</p>
      )}
      <ul class="admin__list">
        {list.map((template) => (
          <li key={template.id} class="admin__item" data-template-id={template.id}>
            {editing === template.id ? (
              <TemplateForm templates={templates} template={template} onDone={() => setEditing(null)} />
            ) : (
              <>
                <div class="admin__summary">
                  <strong>{template.title}</strong>
                  <span class="admin__note">
                    {template.category ? `${template.category} · ` : ''}
                    {languageName(template.language)}
                  </span>
                  <span class="template-admin__text">{template.body}</span>
                </div>
                <button class="button button--quiet" type="button" aria-label={`Edit ${template.title}`} onClick={() => setEditing(template.id)}>
                  Edit
                </button>
                <button class="button button--quiet button--danger-text" type="button" aria-label={`Delete ${template.title}`} onClick={() => setDeleting(template)}>
                  Delete
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {templates.hasMore.value && (
        <button class="button button--quiet" type="button" onClick={() => void templates.loadMore()}>
          Show more templates
        </button>
      )}
      {editing === 'new' ? (
        <TemplateForm templates={templates} template={null} onDone={() => setEditing(null)} />
      ) : (
        <button class="button button--primary" type="button" onClick={() => setEditing('new')}>
          New template
        </button>
      )}
      {deleting && (
        <Dialog
          title={`Delete the template “${deleting.title}”?`}
          onClose={() => {
            templates.clearError();
            setDeleting(null);
          }}
        >
          <div class="dialog__body">
            <p class="dialog__hint">Agents can no longer insert it. Messages already sent with it stay as they are.</p>
            <DialogError error={templates.error.value} />
            <div class="dialog__actions">
              <button class="button button--quiet" type="button" data-autofocus onClick={() => setDeleting(null)}>
                Cancel
              </button>
              <button
                class="button button--danger"
                type="button"
                disabled={templates.busy.value}
                onClick={async () => {
                  if (await templates.remove(deleting.id)) setDeleting(null);
                }}
              >
                Delete template
              </button>
            </div>
          </div>
        </Dialog>
      )}
    </section>
  );
}
