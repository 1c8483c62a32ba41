import type { Params } from '../shared/i18n.ts';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';
import type { MessengerKey, MessengerModel, MessengerStatus } from './MessengerModel.ts';
import type { Extras } from './extras.tsx';
import type { AttachmentsModule } from './attachments/files.tsx';
import { reactive } from '../shared/reactive.ts';

/** Turns a string key and its parameters into text in the messenger's language. */
export type Translate = (key: MessengerKey, params?: Params) => string;

/** Props of the messenger. */
export interface MessengerProps {
  model: MessengerModel;
  t: Translate;
  /** The language and direction the panel is laid out in. */
  lang: string;
  dir: 'ltr' | 'rtl';
  /** Desktop size and corner (boot options). */
  size?: string | undefined;
  position?: string | undefined;
  /** The lazily loaded views (conversation list, forms, ending a chat); null until loaded. */
  extras: Extras | null;
  /** Opens the web form over the panel ("Send a request"). */
  onRequest?: (() => void) | undefined;
  /** The messenger's files (attach, upload, thumbnails, downloads); null until loaded. */
  files?: AttachmentsModule | null | undefined;
}

const STATUS_LINE: Partial<Record<MessengerStatus, MessengerKey>> = {
  starting: 'connecting',
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  reload: 'reload',
  blocked: 'error.blocked',
};

/** The messenger panel: a header with availability, then one conversation or the list of them. */
export const Messenger = reactive(function Messenger({ model, t, lang, dir, size, position, extras, onRequest, files }: MessengerProps) {
  const open = model.open.value;
  const status = model.status.value;
  const view = model.view.value;
  const availability = model.availability.value;
  const app = model.app.value;
  const notice = model.notice.value;
  const line = notice ? t(notice.key, notice.params) : STATUS_LINE[status] && t(STATUS_LINE[status]);
  const canRetry = status === 'failed' || status === 'reload';
  const ended = model.ended.value;
  const conversationId = model.conversationId.value;

  return (
    <div class="panel" part="panel" role="dialog" aria-label={t('dialog')} hidden={!open} lang={lang} dir={dir} data-size={size} data-position={position}>
      {/* A div, not <header>: inside the page's landmarks a <header> would be a second "banner". */}
      <div class="header" part="header">
        {extras && view === 'conversation' && model.conversations.value.length > 0 && <extras.Back model={model} t={t} />}
        <div class="heading">
          <h2 class="title">{view === 'list' ? t('list.title') : (app?.name ?? t('title'))}</h2>
          {availability && (
            <p class="subtitle">
              <span class={`dot ${availability}`} aria-hidden="true" />
              {t(`availability.${availability}`)}
            </p>
          )}
        </div>
        {onRequest && status !== 'blocked' && (view === 'list' || model.items.value.length === 0) && (
          <button type="button" class="request" onClick={onRequest}>
            {t('request')}
          </button>
        )}
        {view === 'conversation' && conversationId && !ended && status === 'online' && (
          <button type="button" class="end" aria-expanded={model.confirmingEnd.value} onClick={() => (model.confirmingEnd.value = !model.confirmingEnd.value)}>
            {t('end')}
          </button>
        )}
      </div>
      {view === 'list' ? (
        extras && <extras.ConversationList model={model} t={t} focused={open} lang={lang} />
      ) : (
        <>
          <MessageList items={model.items.value} typing={model.typing.value} t={t} files={files} />
          {extras && model.asksEmail.value && <extras.EmailOffer model={model} t={t} />}
          {extras && model.confirmingEnd.value && <extras.EndConfirm model={model} t={t} />}
          <div role="status" class="status">
            {line && (
              <div class="notice">
                <span>{line}</span>
                {canRetry && (
                  <button type="button" class="retry" onClick={() => model.retry()}>
                    {status === 'reload' ? t('reload.action') : t('retry')}
                  </button>
                )}
              </div>
            )}
          </div>
          {ended ? (
            extras && <extras.Ended model={model} t={t} focused={open} />
          ) : status === 'blocked' ? null : model.needsPreChat.value ? (
            extras && <extras.PreChatForm model={model} t={t} focused={open} />
          ) : (
            <Composer value={model.draft.value} focused={open && view === 'conversation'} onInput={model.setDraft} onSend={(attached) => model.send(attached)} t={t} files={files} />
          )}
        </>
      )}
    </div>
  );
});
