import { QUEUE_MODES, type QueueMode, type RoutingAgent } from '@parley/protocol';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { MODE_LABEL, type AdminModel, type AdminQueue } from '../AdminModel.ts';
import { STATUS_LABEL } from '../TeamModel.ts';
import { BlocksAdmin } from './BlocksAdmin.tsx';
import { PrivacySettings } from './PrivacySettings.tsx';
import { TemplatesAdmin } from './TemplatesAdmin.tsx';

type Admin = Pick<AdminModel, 'status' | 'error' | 'busy' | 'queues' | 'reasons' | 'agents' | 'createQueue' | 'updateQueue' | 'addReason' | 'removeReason' | 'setChatLimit' | 'clearError'> &
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

function AgentsSection({ admin }: { admin: Admin }) {
  return (
    <section class="admin__section" aria-labelledby="admin-agents">
      <h3 id="admin-agents">Agents</h3>
      <p class="admin__hint">How many chats each agent may hold at once.</p>
      <table class="admin__table">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Status</th>
            <th scope="col">Chats now</th>
            <th scope="col">Chat limit</th>
          </tr>
        </thead>
        <tbody>
          {admin.agents.value.map((agent) => (
            <tr key={agent.id}>
              <th scope="row">
                {agent.name} <span class="admin__note">{agent.email}</span>
              </th>
              <td>{STATUS_LABEL[agent.status]}</td>
              <td>{agent.load}</td>
              <td>
                <ChatLimit admin={admin} agent={agent} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The workspace settings (admins only): queues, wrap-up reasons, agents' chat limits, templates, blocked visitors and privacy. */
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
