import type { NoticesModel } from '../NoticesModel.ts';

/** What the console tells the agent (a transfer's answer, a chat that left their list), read out as it comes. */
export function Notices({ notices }: { notices: Pick<NoticesModel, 'list' | 'dismiss'> }) {
  const list = notices.list.value;
  return (
    <div class="notices" aria-live="polite">
      {list.map((notice) => (
        <p key={notice.id} class="notice">
          <span class="notice__text">{notice.text}</span>
          <button class="notice__dismiss" type="button" aria-label={`Dismiss: ${notice.text}`} onClick={() => notices.dismiss(notice.id)}>
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
