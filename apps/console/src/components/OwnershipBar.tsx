import type { ConversationRouting, RoutingAgent, RoutingQueue } from '@parley/protocol';
import { useState } from 'preact/hooks';
import type { OwnershipModel, TransferTarget } from '../OwnershipModel.ts';
import { STATUS_LABEL, type TeamModel } from '../TeamModel.ts';
import { Dialog, DialogError } from './Dialog.tsx';

type Team = Pick<TeamModel, 'agents' | 'queues' | 'wrapUpReasons' | 'archiveAfterDays' | 'load' | 'status'>;

/** Where a resolved chat goes, as the gateway keeps it (docs/protocol.md, resolve): Closed for some days, then the archive. */
export function afterResolve(archiveAfterDays: number | null): string {
  if (archiveAfterDays === 0) return 'The visitor is told the chat has ended, and it moves to the archive.';
  if (archiveAfterDays === null) return 'The visitor is told the chat has ended. It stays in Closed for a while, then moves to the archive.';
  const days = Math.max(1, Math.round(archiveAfterDays));
  return `The visitor is told the chat has ended. It stays in Closed for ${days === 1 ? 'a day' : `${days} days`}, then moves to the archive.`;
}

/** Where the chat stands, in a sentence. */
export function routingText(routing: ConversationRouting, meId: string, queueName: string | null): string {
  const queue = queueName ? ` in ${queueName}` : '';
  switch (routing.state) {
    case 'waiting':
      return `Waiting for an agent${queue}`;
    case 'offered':
      return `Offered to agents${queue}, waiting for one to accept`;
    case 'broadcast':
      return `Open to every agent${queue}: the first to reply or take it owns it`;
    case 'owned':
      return routing.ownerAgentId === meId ? 'Owned by you' : `Owned by ${routing.ownerName ?? 'another agent'}`;
    case 'resolved':
      return routing.wrapUp ? `Resolved: ${routing.wrapUp}` : 'Resolved';
  }
}

/** Whether an agent can take a chat now (the gateway has the last word). */
const available = (agent: RoutingAgent) => agent.status === 'online' && agent.connected && agent.load < agent.maxChats;

function agentNote(agent: RoutingAgent): string {
  const status = agent.connected || agent.status === 'offline' ? STATUS_LABEL[agent.status] : `${STATUS_LABEL[agent.status]}, not connected`;
  return `${status} · ${agent.load} of ${agent.maxChats} chats`;
}

/**
 * The picker of the Transfer and Invite dialogs: a search over a live list of agents with their
 * status and load, and (for a transfer) of queues with their counts. "Reload" reads the list again.
 */
function TargetPicker({
  team,
  exclude,
  withQueues,
  busy,
  onPick,
}: {
  team: Team;
  exclude: ReadonlySet<string>;
  withQueues: boolean;
  busy: boolean;
  onPick: (target: TransferTarget) => void;
}) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const match = (...texts: string[]) => !q || texts.some((t) => t.toLowerCase().includes(q));
  const agents = team.agents.value.filter((a) => !exclude.has(a.id) && match(a.name, a.email));
  const queues: RoutingQueue[] = withQueues ? team.queues.value.filter((queue) => match(queue.name)) : [];
  return (
    <div class="picker">
      <div class="picker__search">
        <label class="field">
          <span class="field__label">Search</span>
          <input type="search" data-autofocus value={query} placeholder={withQueues ? 'Agent or queue name' : 'Agent name or e-mail'} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button class="button button--quiet" type="button" onClick={() => void team.load()}>
          Reload list
        </button>
      </div>
      <h3 class="picker__title">Agents</h3>
      {agents.length === 0 ? (
        <p class="picker__empty">No agent matches.</p>
      ) : (
        <ul class="picker__list">
          {agents.map((agent) => (
            <li key={agent.id} class={`pick pick--${agent.status}`}>
              <button
                class="pick__button"
                type="button"
                disabled={busy || !available(agent)}
                aria-describedby={`pick-${agent.id}`}
                onClick={() => onPick({ kind: 'agent', id: agent.id, name: agent.name })}
              >
                {agent.name}
              </button>
              <span id={`pick-${agent.id}`} class="pick__note">
                {agentNote(agent)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {withQueues && (
        <>
          <h3 class="picker__title">Queues</h3>
          {queues.length === 0 ? (
            <p class="picker__empty">No queue matches.</p>
          ) : (
            <ul class="picker__list">
              {queues.map((queue) => (
                <li key={queue.id} class="pick">
                  <button class="pick__button" type="button" disabled={busy} aria-describedby={`pick-${queue.id}`} onClick={() => onPick({ kind: 'queue', id: queue.id, name: queue.name })}>
                    {queue.name}
                  </button>
                  <span id={`pick-${queue.id}`} class="pick__note">
                    {queue.waiting} waiting · {queue.online} online
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

/** The Resolve dialog: a wrap-up reason is required, from the workspace's list (or typed when there is none). */
function ResolveDialog({ team, busy, error, title, onResolve, onClose }: { team: Team; busy: boolean; error: string | null; title: string; onResolve: (wrapUp: string) => void; onClose: () => void }) {
  const reasons = team.wrapUpReasons.value;
  const [chosen, setChosen] = useState('');
  return (
    <Dialog title={`Resolve the chat with ${title}`} onClose={onClose}>
      <form
        class="dialog__body"
        onSubmit={(event) => {
          event.preventDefault();
          onResolve(chosen);
        }}
      >
        {reasons.length > 0 ? (
          <fieldset class="choices">
            <legend class="field__label">Wrap-up reason (required)</legend>
            {reasons.map((reason, i) => (
              <label key={reason.id} class="choice">
                <input type="radio" name="wrap-up" value={reason.label} checked={chosen === reason.label} required {...(i === 0 && { 'data-autofocus': true })} onChange={() => setChosen(reason.label)} />
                {reason.label}
              </label>
            ))}
          </fieldset>
        ) : (
          <label class="field">
            <span class="field__label">Wrap-up reason (required)</span>
            <input type="text" required maxLength={120} value={chosen} onInput={(e) => setChosen((e.currentTarget as HTMLInputElement).value)} />
          </label>
        )}
        <p class="dialog__hint">{afterResolve(team.archiveAfterDays.value)}</p>
        <DialogError error={error} />
        <div class="dialog__actions">
          <button class="button button--quiet" type="button" onClick={onClose}>
            Cancel
          </button>
          <button class="button button--primary" type="submit" disabled={busy || !chosen.trim()}>
            {busy ? 'Resolving…' : 'Resolve'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The open conversation's routing (MISSION.md A4, A7–A9): who owns it and who joined, and the
 * commands this agent may use on it: Take ownership, Transfer, Invite, Leave, End conference, Resolve.
 */
export function OwnershipBar({
  conversationId,
  title,
  routing,
  me,
  team,
  ownership,
}: {
  conversationId: string;
  /** How the conversation is named ("Vera"). */
  title: string;
  routing: ConversationRouting;
  me: { id: string };
  team: Team;
  ownership: Pick<OwnershipModel, 'state' | 'take' | 'transfer' | 'invite' | 'leave' | 'endConference' | 'resolve' | 'clearError'>;
}) {
  const [dialog, setDialog] = useState<'transfer' | 'invite' | 'resolve' | null>(null);
  const state = ownership.state(conversationId);
  const mine = routing.state === 'owned' && routing.ownerAgentId === me.id;
  const guest = routing.guests.some((g) => g.id === me.id);
  const takeable = routing.state === 'broadcast' || routing.state === 'waiting';
  const queueName = team.queues.value.find((q) => q.id === routing.queueId)?.name ?? null;
  const busy = state.busy !== null;
  const close = () => {
    setDialog(null);
    ownership.clearError(conversationId);
  };
  const inChat = new Set([me.id, ...(routing.ownerAgentId ? [routing.ownerAgentId] : []), ...routing.guests.map((g) => g.id)]);
  return (
    <div class="ownership">
      <p class={`ownership__state ownership__state--${routing.state}`}>{routingText(routing, me.id, queueName)}</p>
      {routing.guests.length > 0 && (
        <p class="ownership__guests">
          In conference: {routing.guests.map((g) => (g.id === me.id ? 'you' : g.name)).join(', ')}
        </p>
      )}
      <div aria-live="polite">
        {state.transfer && (
          <p class="ownership__pending">
            Transfer to {state.transfer.name} pending: waiting for {state.transfer.kind === 'agent' ? 'their' : 'an agent’s'} answer…
          </p>
        )}
      </div>
      {state.error && !dialog && (
        <p class="ownership__error" role="alert">
          {state.error}
        </p>
      )}
      <div class="ownership__actions">
        {takeable && (
          <button class="button button--primary" type="button" disabled={busy} onClick={() => void ownership.take(conversationId)}>
            Take ownership
          </button>
        )}
        {mine && (
          <>
            <button class="button button--quiet" type="button" disabled={busy || state.transfer !== null} onClick={() => setDialog('transfer')}>
              Transfer
            </button>
            <button class="button button--quiet" type="button" disabled={busy} onClick={() => setDialog('invite')}>
              Invite
            </button>
            {routing.guests.length > 0 && (
              <button class="button button--quiet" type="button" disabled={busy} onClick={() => void ownership.endConference(conversationId)}>
                End conference
              </button>
            )}
            <button class="button button--primary" type="button" disabled={busy || state.transfer !== null} onClick={() => setDialog('resolve')}>
              Resolve
            </button>
          </>
        )}
        {guest && !mine && (
          <button class="button button--quiet" type="button" disabled={busy} onClick={() => void ownership.leave(conversationId)}>
            Leave
          </button>
        )}
      </div>
      {(dialog === 'transfer' || dialog === 'invite') && (
        <Dialog title={dialog === 'transfer' ? `Transfer the chat with ${title}` : `Invite an agent to the chat with ${title}`} onClose={close}>
          <div class="dialog__body">
            <p class="dialog__hint">
              {dialog === 'transfer'
                ? 'The chat stays yours until the agent (or an agent of the queue) accepts it; then it leaves your list.'
                : 'The agent joins the conversation when they accept; you keep owning it.'}
            </p>
            <TargetPicker
              team={team}
              exclude={inChat}
              withQueues={dialog === 'transfer'}
              busy={busy}
              onPick={async (target) => {
                const ok = dialog === 'transfer' ? await ownership.transfer(conversationId, target) : await ownership.invite(conversationId, target);
                if (ok) setDialog(null);
              }}
            />
            <DialogError error={state.error} />
            <div class="dialog__actions">
              <button class="button button--quiet" type="button" onClick={close}>
                Cancel
              </button>
            </div>
          </div>
        </Dialog>
      )}
      {dialog === 'resolve' && (
        <ResolveDialog
          team={team}
          title={title}
          busy={state.busy === 'resolve'}
          error={state.error}
          onClose={close}
          onResolve={async (wrapUp) => {
            if (await ownership.resolve(conversationId, wrapUp)) setDialog(null);
          }}
        />
      )}
    </div>
  );
}
