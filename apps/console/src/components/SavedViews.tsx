import { MAX_VIEW_NAME, VIEW_GROUPS, VIEW_SORTS, type SavedView, type ViewGroup, type ViewSort } from '@parley/protocol';
import { useState } from 'preact/hooks';
import { queryForView, GROUP_LABEL, SORT_LABEL, type ViewsModel } from '../ViewsModel.ts';
import { Dialog, DialogError } from './Dialog.tsx';

type Views = Pick<ViewsModel, 'current' | 'saved' | 'savedError' | 'chooseSaved' | 'rename' | 'removeSaved'>;

/** Runs an action that answers an error or null; keeps the error and whether it is on its way. */
function useAction(): { busy: boolean; error: string | null; run: (action: () => Promise<string | null>, onDone: () => void) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return {
    busy,
    error,
    run(action, onDone) {
      setBusy(true);
      void action().then((problem) => {
        setBusy(false);
        setError(problem);
        if (!problem) onDone();
      });
    },
  };
}

/** "Save view": names the chosen view with its filters, and picks how it orders and groups. */
export function SaveViewDialog({ views, onClose }: { views: Pick<ViewsModel, 'save'>; onClose: () => void }) {
  const [name, setName] = useState('');
  const [sort, setSort] = useState<ViewSort>('activity.desc');
  const [group, setGroup] = useState<ViewGroup>('none');
  const action = useAction();
  return (
    <Dialog title="Save this view" onClose={onClose}>
      <form
        class="dialog__body"
        onSubmit={(event) => {
          event.preventDefault();
          action.run(() => views.save({ name, sort, group }), onClose);
        }}
      >
        <label class="field">
          <span class="field__label">Name</span>
          <input type="text" required maxLength={MAX_VIEW_NAME} value={name} data-autofocus onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span class="field__label">Order</span>
          <select value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value as ViewSort)}>
            {VIEW_SORTS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field__label">Group by</span>
          <select value={group} onChange={(e) => setGroup((e.currentTarget as HTMLSelectElement).value as ViewGroup)}>
            {VIEW_GROUPS.map((g) => (
              <option key={g} value={g}>
                {GROUP_LABEL[g]}
              </option>
            ))}
          </select>
        </label>
        <p class="dialog__hint">The view keeps the filters chosen now. It appears under Saved views, for you only.</p>
        <DialogError error={action.error} />
        <div class="dialog__actions">
          <button class="button button--quiet" type="button" onClick={onClose}>
            Cancel
          </button>
          <button class="button button--primary" type="submit" disabled={action.busy}>
            Save view
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameDialog({ view, views, onClose }: { view: SavedView; views: Pick<ViewsModel, 'rename'>; onClose: () => void }) {
  const [name, setName] = useState(view.name);
  const action = useAction();
  return (
    <Dialog title={`Rename “${view.name}”`} onClose={onClose}>
      <form
        class="dialog__body"
        onSubmit={(event) => {
          event.preventDefault();
          action.run(() => views.rename(view.id, name), onClose);
        }}
      >
        <label class="field">
          <span class="field__label">Name</span>
          <input type="text" required maxLength={MAX_VIEW_NAME} value={name} data-autofocus onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <DialogError error={action.error} />
        <div class="dialog__actions">
          <button class="button button--quiet" type="button" onClick={onClose}>
            Cancel
          </button>
          <button class="button button--primary" type="submit" disabled={action.busy}>
            Rename
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog({ view, views, onClose }: { view: SavedView; views: Pick<ViewsModel, 'removeSaved'>; onClose: () => void }) {
  const action = useAction();
  return (
    <Dialog title={`Delete the view “${view.name}”?`} onClose={onClose}>
      <div class="dialog__body">
        <p>Only the view goes; its conversations stay where they are.</p>
        <DialogError error={action.error} />
        <div class="dialog__actions">
          <button class="button button--quiet" type="button" data-autofocus onClick={onClose}>
            Cancel
          </button>
          <button class="button button--delete" type="button" disabled={action.busy} onClick={() => action.run(() => views.removeSaved(view.id), onClose)}>
            Delete view
          </button>
        </div>
      </div>
    </Dialog>
  );
}

/** The agent's saved views in the sidebar; the chosen one can be renamed or deleted. */
export function SavedViewsList({ views }: { views: Views }) {
  const [dialog, setDialog] = useState<{ kind: 'rename' | 'delete'; view: SavedView } | null>(null);
  const list = views.saved.value;
  const current = views.current.value;
  return (
    <>
      <h2 id="saved-views-title" class="views__heading">
        Saved views
      </h2>
      {views.savedError.value && (
        <p class="views__error" role="alert">
          {views.savedError.value}
        </p>
      )}
      {list.length === 0 ? (
        <p class="views__empty">None yet: filter a view, then choose “Save view”.</p>
      ) : (
        <ul class="views__list" aria-labelledby="saved-views-title">
          {list.map((view) => {
            const chosen = current.kind === 'saved' && current.id === view.id;
            return (
              <li key={view.id} class="views__saved">
                <a
                  class="views__link"
                  href={queryForView({ kind: 'saved', id: view.id })}
                  aria-current={chosen ? 'page' : undefined}
                  onClick={(event) => {
                    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                    event.preventDefault();
                    views.chooseSaved(view.id);
                  }}
                >
                  {view.name}
                </a>
                {chosen && (
                  <span class="views__tools">
                    <button class="views__tool" type="button" aria-label={`Rename the view ${view.name}`} onClick={() => setDialog({ kind: 'rename', view })}>
                      Rename
                    </button>
                    <button class="views__tool" type="button" aria-label={`Delete the view ${view.name}`} onClick={() => setDialog({ kind: 'delete', view })}>
                      Delete
                    </button>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {dialog?.kind === 'rename' && <RenameDialog view={dialog.view} views={views} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'delete' && <DeleteDialog view={dialog.view} views={views} onClose={() => setDialog(null)} />}
    </>
  );
}
