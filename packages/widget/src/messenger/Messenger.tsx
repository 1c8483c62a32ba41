import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';
import type { MessengerModel, MessengerStatus } from './MessengerModel.ts';

/** Props of the messenger. */
export interface MessengerProps {
  model: MessengerModel;
}

const STATUS_LINE: Partial<Record<MessengerStatus, string>> = {
  starting: 'Connecting…',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting… your messages will be sent once you are back online.',
  reload: 'This chat was updated. Reload the page to keep chatting.',
};

/** The messenger panel: header, the conversation, any notice, and the composer. */
export function Messenger({ model }: MessengerProps) {
  const open = model.open.value;
  const status = model.status.value;
  const notice = model.notice.value ?? STATUS_LINE[status];
  const canRetry = status === 'failed' || status === 'reload';

  return (
    <div class="panel" role="dialog" aria-label="Chat" hidden={!open}>
      <header class="header">
        <h2 class="title">Chat with us</h2>
        <p class="subtitle">Ask us anything. We'll reply here.</p>
      </header>
      <MessageList items={model.items.value} />
      <div role="status">
        {notice && (
          <div class="notice">
            <span>{notice}</span>
            {canRetry && (
              <button type="button" class="retry" onClick={() => model.retry()}>
                {status === 'reload' ? 'Reload' : 'Try again'}
              </button>
            )}
          </div>
        )}
      </div>
      <Composer
        value={model.draft.value}
        maxLength={model.maxLength.value}
        focused={open}
        onInput={(value) => (model.draft.value = value)}
        onSend={() => model.send()}
      />
    </div>
  );
}
