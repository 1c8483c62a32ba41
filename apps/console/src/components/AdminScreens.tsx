import { AGENT_LIMITS, QUEUE_MODES, type AgentRole, type QueueMode, type RoutingAgent } from '@parley/protocol';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { MODE_LABEL, type AdminModel, type AdminQueue } from '../AdminModel.ts';
import { STATUS_LABEL } from '../TeamModel.ts';
import { BlocksAdmin } from './BlocksAdmin.tsx';
import { Dialog, DialogError } from './Dialog.tsx';
import { PrivacySettings } from './PrivacySettings.tsx';
import { TemplatesAdmin } from './TemplatesAdmin.tsx';

type Admin = Pick<
  AdminModel,
  | 'status'
  | 'error'
  | 'busy'
  | 'queues'
  | 'reasons'
  | 'agents'
  | 'meId'
  | 'added'
  | 'notice'
  | 'agentError'
  | 'createQueue'
  | 'updateQueue'
  | 'addReason'
  | 'removeReason'
  | 'setChatLimit'
  | 'addAgent'
  | 'dismissAdded'
  | 'removeAgent'
  | 'clearError'
> &
  Partial<Pick<AdminModel, 'templates' | 'blocks' | 'privacy'>>;

const usesOffers = (mode: QueueMode) => mode === 'offer' || mode === 'top_n';

/** Creating or editing a queue: name, assignment mode, agents per offer, offer timeout, and its agents. */
function QueueForm({ admin, queue, onDone }: { admin: Admin; queue: AdminQueue | null; onDone: () => void }) {
  const [name, setName] = useState(queue?.name ?? '');
  const [mode, setMode] = useState<QueueMode>(queue?.mode ?? 'offer');
  const [topN, setTopN] = useState(String(queue?.topN ?? 2));
  const [timeout, setTimeoutSeconds] = useState(String((queue?.offerTimeoutMs ?? 30_000) / 1000));
  const [agentIds, setAgentIds] = useState<string[]>(queue?.agentIds ?? []);
  const first = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => first.current?.focus(), []);
  const toggle = (id: string, on: boolean) => setAgentIds((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));
  return (
    <form
      class="admin-form"
      noValidate
      aria-label={queue ? `Edit ${queue.name}` : 'New queue'}
      onSubmit={async (event) => {
        event.preventDefault();
        const input = {
          name,
          mode,
          ...(mode === 'top_n' && { topN: Number(topN) }),
          ...(usesOffers(mode) && { offerTimeoutMs: Math.round(Number(timeout) * 1000) }),
        };
        const ok = queue ? await admin.updateQueue(queue.id, input, agentIds) : await admin.createQueue(input, agentIds);
        if (ok) onDone();
      }}
    >
      <label class="field">
        <span class="field__label">Name</span>
        <input ref={first} type="text" required maxLength={80} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="field">
        <span class="field__label">Assignment</span>
        <select value={mode} onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as QueueMode)}>
          {QUEUE_MODES.map((m) => (
            <option key={m} value={m}>
              {MODE_LABEL[m]}
            </option>
          ))}
        </select>
      </label>
      {mode === 'top_n' && (
        <label class="field">
          <span class="field__label">Agents per offer</span>
          <input type="number" min={1} max={50} step={1} required value={topN} onInput={(e) => setTopN((e.currentTarget as HTMLInputElement).value)} />
        </label>
      )}
      {usesOffers(mode) && (
        <label class="field">
          <span class="field__label">Offer timeout (seconds)</span>
          <input type="number" min={1} max={600} step={1} required value={timeout} onInput={(e) => setTimeoutSeconds((e.currentTarget as HTMLInputElement).value)} />
        </label>
      )}
      <fieldset class="choices">
        <legend class="field__label">Agents in this queue</legend>
        {admin.agents.value.length === 0 && <p class="picker__empty">No agents yet.</p>}
        {admin.agents.value.map((agent) => (
          <label key={agent.id} class="choice">
            <input type="checkbox" checked={agentIds.includes(agent.id)} onChange={(e) => toggle(agent.id, (e.currentTarget as HTMLInputElement).checked)} />
            {agent.name} <span class="choice__note">{agent.email}</span>
          </label>
        ))}
      </fieldset>
      <div class="dialog__actions">
        <button class="button button--quiet" type="button" onClick={onDone}>
          Cancel
        </button>
        <button class="button button--primary" type="submit" disabled={admin.busy.value}>
          {queue ? 'Save queue' : 'Create queue'}
        </button>
      </div>
    </form>
  );
}

function QueuesSection({ admin }: { admin: Admin }) {
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const agentsById = new Map(admin.agents.value.map((a) => [a.id, a]));
  return (
    <section class="admin__section" aria-labelledby="admin-queues">
      <h3 id="admin-queues">Queues</h3>
      {admin.queues.value.length === 0 && <p class="admin__empty">No queues yet. Create one and choose its agents.</p>}
      <ul class="admin__list">
        {admin.queues.value.map((queue) => (
          <li key={queue.id} class="admin__item" data-queue-id={queue.id}>
            {editing === queue.id ? (
              <QueueForm admin={admin} queue={queue} onDone={() => setEditing(null)} />
            ) : (
              <>
                <div class="admin__summary">
                  <strong>{queue.name}</strong>
                  <span>
                    {MODE_LABEL[queue.mode]}
                    {queue.mode === 'top_n' && ` (${queue.topN})`}
                    {usesOffers(queue.mode) && ` · ${queue.offerTimeoutMs / 1000} s to accept`}
                  </span>
                  <span class="admin__note">{queue.agentIds.map((id) => agentsById.get(id)?.name ?? 'an agent').join(', ') || 'No agents'}</span>
                </div>
                <button class="button button--quiet" type="button" aria-label={`Edit ${queue.name}`} onClick={() => setEditing(queue.id)}>
                  Edit
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {editing === 'new' ? (
        <QueueForm admin={admin} queue={null} onDone={() => setEditing(null)} />
      ) : (
        <button class="button button--primary" type="button" onClick={() => setEditing('new')}>
          New queue
        </button>
      )}
    </section>
  );
}

function ReasonsSection({ admin }: { admin: Admin }) {
  const [label, setLabel] = useState('');
  return (
    <section class="admin__section" aria-labelledby="admin-reasons">
      <h3 id="admin-reasons">Wrap-up reasons</h3>
      <p class="admin__hint">Agents choose one of these to resolve a chat.</p>
      {admin.reasons.value.length === 0 && <p class="admin__empty">No wrap-up reasons yet: agents then type one when they resolve a chat.</p>}
      <ul class="admin__list">
        {admin.reasons.value.map((reason) => (
          <li key={reason.id} class="admin__item">
            <span class="admin__summary">{reason.label}</span>
            <button class="button button--quiet" type="button" aria-label={`Remove ${reason.label}`} disabled={admin.busy.value} onClick={() => void admin.removeReason(reason.id)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form
        class="admin__inline"
        onSubmit={async (event) => {
          event.preventDefault();
          if (await admin.addReason(label)) setLabel('');
        }}
      >
        <label class="field">
          <span class="field__label">New wrap-up reason</span>
          <input type="text" maxLength={120} value={label} onInput={(e) => setLabel((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button class="button button--primary" type="submit" disabled={admin.busy.value}>
          Add
        </button>
      </form>
    </section>
  );
}

function ChatLimit({ admin, agent }: { admin: Admin; agent: RoutingAgent }) {
  const [value, setValue] = useState(String(agent.maxChats));
  useEffect(() => setValue(String(agent.maxChats)), [agent.maxChats]);
  const id = `limit-${agent.id}`;
  return (
    <form
      class="admin__inline"
      onSubmit={(event) => {
        event.preventDefault();
        void admin.setChatLimit(agent.id, Number(value));
      }}
    >
      <label class="visually-hidden" for={id}>
        Chat limit for {agent.name}
      </label>
      <input id={id} class="admin__number" type="number" min={1} max={50} step={1} value={value} onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)} />
      <button class="button button--quiet" type="submit" disabled={admin.busy.value || value === String(agent.maxChats)} aria-label={`Save chat limit for ${agent.name}`}>
        Save
      </button>
    </form>
  );
}

/** "Remove <name>?": what removing does; the removal needs this confirmation. */
function RemoveAgentDialog({ admin, agent, onClose }: { admin: Admin; agent: RoutingAgent; onClose: () => void }) {
  return (
    <Dialog title={`Remove ${agent.name}?`} onClose={onClose}>
      <form
        class="dialog__body"
        onSubmit={async (event) => {
          event.preventDefault();
          if (await admin.removeAgent(agent.id)) onClose();
        }}
      >
        <p class="dialog__hint">
          {agent.name} is signed out at once and can no longer sign in. The chats {agent.name} owns go back to their queues, and chats offered to {agent.name} go to the next agent. What{' '}
          {agent.name} wrote keeps their name.
        </p>
        <DialogError error={admin.agentError.value} />
        <div class="dialog__actions">
          <button class="button button--quiet" type="button" data-autofocus onClick={onClose}>
            Cancel
          </button>
          <button class="button button--danger" type="submit" disabled={admin.busy.value}>
            {admin.busy.value ? 'Removing…' : 'Remove agent'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Adding an agent: name, e-mail and role. Parley makes their first password. */
function AddAgentForm({ admin }: { admin: Admin }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AgentRole>('agent');
  return (
    <form
      class="admin-form"
      noValidate
      aria-label="Add an agent"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!(await admin.addAgent({ name, email, role }))) return;
        setName('');
        setEmail('');
        setRole('agent');
      }}
    >
      <label class="field">
        <span class="field__label">Name</span>
        <input type="text" required maxLength={AGENT_LIMITS.name} autoComplete="off" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="field">
        <span class="field__label">E-mail</span>
        <input type="email" required maxLength={AGENT_LIMITS.email} autoComplete="off" value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="field">
        <span class="field__label">Role</span>
        <select value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as AgentRole)}>
          <option value="agent">Agent: answers chats</option>
          <option value="admin">Admin: also manages the workspace</option>
        </select>
      </label>
      {admin.agentError.value && (
        <p class="admin__error" role="alert">
          {admin.agentError.value}
        </p>
      )}
      <div class="dialog__actions">
        <button class="button button--primary" type="submit" disabled={admin.busy.value}>
          Add agent
        </button>
      </div>
    </form>
  );
}

/** The one-time password of the agent just added, shown this once, to pass on. */
function AddedAgent({ admin }: { admin: Admin }) {
  const added = admin.added.value;
  const [copied, setCopied] = useState(false);
  useEffect(() => setCopied(false), [added]);
  if (!added) return null;
  const { agent, password } = added;
  return (
    <div class="admin__item" role="status" aria-label={`${agent.name} was added`}>
      <div class="admin__summary">
        <strong>{agent.name} was added.</strong>
        <span class="admin__note">
          They sign in at this console as {agent.email} with this one-time password, then choose their own. It is shown only now: give it to them yourself, not by e-mail.
        </span>
        <label class="field">
          <span class="field__label">One-time password for {agent.name}</span>
          <input type="text" readOnly value={password} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
        </label>
      </div>
      <button
        class="button button--quiet"
        type="button"
        onClick={() => navigator.clipboard?.writeText(password).then(() => setCopied(true), () => setCopied(false))}
      >
        {copied ? 'Copied' : 'Copy password'}
      </button>
      <button class="button button--quiet" type="button" onClick={() => admin.dismissAdded()}>
        Done
      </button>
    </div>
  );
}

function AgentsSection({ admin }: { admin: Admin }) {
  const [removing, setRemoving] = useState<RoutingAgent | null>(null);
  return (
    <section class="admin__section" aria-labelledby="admin-agents">
      <h3 id="admin-agents">Agents</h3>
      <p class="admin__hint">Who answers chats, and how many chats each may hold at once.</p>
      {admin.notice.value && (
        <p class="admin__note" role="status">
          {admin.notice.value}
        </p>
      )}
      <table class="admin__table">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Status</th>
            <th scope="col">Chats now</th>
            <th scope="col">Chat limit</th>
            <th scope="col">
              <span class="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {admin.agents.value.map((agent) => (
            <tr key={agent.id}>
              <th scope="row">
                {agent.name} <span class="admin__note">{agent.email}</span>
                {agent.role === 'admin' && <span class="admin__note"> · Admin</span>}
              </th>
              <td>{STATUS_LABEL[agent.status]}</td>
              <td>{agent.load}</td>
              <td>
                <ChatLimit admin={admin} agent={agent} />
              </td>
              <td>
                {agent.id !== admin.meId.value && (
                  <button
                    class="button button--quiet"
                    type="button"
                    aria-label={`Remove ${agent.name}`}
                    disabled={admin.busy.value}
                    onClick={() => {
                      admin.clearError();
                      setRemoving(agent);
                    }}
                  >
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddedAgent admin={admin} />
      <AddAgentForm admin={admin} />
      {removing && <RemoveAgentDialog admin={admin} agent={removing} onClose={() => setRemoving(null)} />}
    </section>
  );
}

/** The workspace settings (admins only): queues, wrap-up reasons, the agents (add, remove, chat limits), templates, blocked visitors and privacy. */
export function AdminScreens({ admin, onBack }: { admin: Admin; onBack: () => void }) {
  return (
    <section class="admin" aria-labelledby="admin-title">
      <header class="admin__header">
        <h2 id="admin-title">Workspace settings</h2>
        <button class="button button--quiet" type="button" onClick={onBack}>
          Back to conversations
        </button>
      </header>
      {admin.error.value && (
        <p class="admin__error" role="alert">
          {admin.error.value}
        </p>
      )}
      {admin.status.value === 'loading' && <p class="admin__empty">Loading…</p>}
      <QueuesSection admin={admin} />
      <ReasonsSection admin={admin} />
      <AgentsSection admin={admin} />
      {admin.templates && <TemplatesAdmin templates={admin.templates} />}
      {admin.blocks && <BlocksAdmin blocks={admin.blocks} />}
      {admin.privacy && <PrivacySettings privacy={admin.privacy} />}
    </section>
  );
}
