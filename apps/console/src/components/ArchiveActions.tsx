import type { ConversationSummary } from '@parley/protocol';
import type { ReadonlySignal } from '@preact/signals';
import { useState } from 'preact/hooks';
import { conversationTitle, fullTime } from '../format.ts';
import type { ViewsModel } from '../ViewsModel.ts';
import { Dialog, DialogError } from './Dialog.tsx';

type Views = Pick<ViewsModel, 'archive' | 'unarchive' | 'deleteConversation' | 'working' | 'admin'>;

/** "Delete for good": says what goes, and offers the archive instead. */
function DeleteConversationDialog({ title, busy, error, onDelete, onClose }: { title: string; busy: boolean; error: string | null; onDelete: () => void; onClose: () => void }) {
  return (
    <Dialog title={`Delete the conversation with ${title}?`} onClose={onClose}>
      <div class="dialog__body">
        <p>Its messages, files and ticket are deleted for good and cannot be brought back. To keep it out of the way instead, archive it.</p>
        <DialogError error={error} />
        <div class="dialog__actions">
          <button class="button button--quiet" type="button" data-autofocus onClick={onClose}>
            Cancel
          </button>
          <button class="button button--delete" type="button" disabled={busy} onClick={onDelete}>
            Delete for good
          </button>
        </div>
      </div>
    </Dialog>
  );
}

/**
 * The open conversation's archive actions (MISSION.md A14): Archive, or Unarchive when it is in
 * the archive, and for admins Delete after a confirmation. Shows nothing until the summary is read.
 */
export function ArchiveActions({ summary, views }: { summary: ReadonlySignal<ConversationSummary | null>; views: Views }) {
  const conversation = summary.value;
  return conversation ? <ArchiveBar key={conversation.id} conversation={conversation} views={views} /> : null;
}

function ArchiveBar({ conversation, views }: { conversation: ConversationSummary; views: Views }) {
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const busy = views.working.value.has(conversation.id);
  const archived = conversation.archivedAt;
  const title = conversationTitle(conversation);
  const run = async (action: () => Promise<string | null>) => setError(await action());
  return (
    <div class="archive-actions" role="group" aria-label="Archive">
      {archived && (
        <p class="archive-actions__state">
          Archived <time dateTime={archived}>{fullTime(archived)}</time>
        </p>
      )}
      <button
        class="button button--quiet archive-actions__button"
        type="button"
        disabled={busy}
        onClick={() => void run(() => (archived ? views.unarchive(conversation.id) : views.archive(conversation.id)))}
      >
        {archived ? 'Unarchive' : 'Archive'}
      </button>
      {views.admin && (
        <button class="button button--quiet archive-actions__button archive-actions__delete" type="button" disabled={busy} onClick={() => (setError(null), setConfirming(true))}>
          Delete
        </button>
      )}
      {error && !confirming && (
        <p class="archive-actions__error" role="alert">
          {error}
        </p>
      )}
      {confirming && (
        <DeleteConversationDialog
          title={title}
          busy={busy}
          error={error}
          onClose={() => setConfirming(false)}
          onDelete={() =>
            void views.deleteConversation(conversation.id).then((problem) => {
              // On success the conversation closes and this bar goes with it.
              if (problem) setError(problem);
            })
          }
        />
      )}
    </div>
  );
}
