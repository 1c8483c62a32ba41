import type { AccessLostReason } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { createOwnershipModel } from './OwnershipModel.ts';
import { fakeApi, fakeClient } from './test-support/fakes.ts';

const ok = () => ({ ok: true });

function setup(routes: Record<string, (body?: unknown) => unknown> = {}, deleting: ReadonlySet<string> = new Set()) {
  const base = '/api/agent/conversations/c1';
  const api = fakeApi({
    [`POST ${base}/take`]: ok,
    [`POST ${base}/transfer`]: ok,
    [`POST ${base}/invite`]: ok,
    [`POST ${base}/leave`]: ok,
    [`POST ${base}/conference/end`]: ok,
    [`POST ${base}/resolve`]: ok,
    ...routes,
  });
  const client = fakeClient();
  const notices: string[] = [];
  const gone: string[] = [];
  const ownership = createOwnershipModel({ api, client, titleOf: () => 'Vera', onNotice: (t) => notices.push(t), onGone: (id) => gone.push(id), deleting: (id) => deleting.has(id) });
  const result = (accepted: boolean) =>
    client.emit('frame', { type: 'routing.transfer.result', conversationId: 'c1', accepted, to: { kind: 'agent', id: 'a2', name: 'Bob' } });
  const lost = (reason: AccessLostReason) => client.emit('frame', { type: 'routing.access.lost', conversationId: 'c1', reason });
  return { api, client, ownership, notices, gone, result, lost };
}

describe('createOwnershipModel', () => {
  it('takes ownership, and says so when another agent was first', async () => {
    const first = setup();
    expect(await first.ownership.take('c1')).toBe(true);
    expect(first.api.calls).toEqual(['POST /api/agent/conversations/c1/take']);
    const late = setup({
      'POST /api/agent/conversations/c1/take': () => {
        throw new ApiError(409, 'CONFLICT', 'Another agent already took this chat.');
      },
    });
    expect(await late.ownership.take('c1')).toBe(false);
    expect(late.ownership.state('c1')).toEqual({ busy: null, error: 'Another agent already took this chat.', transfer: null });
  });

  it('keeps a transfer pending until the target accepts; then the chat leaves this agent', async () => {
    const { ownership, api, notices, gone, result } = setup();
    expect(await ownership.transfer('c1', { kind: 'agent', id: 'a2', name: 'Bob' })).toBe(true);
    expect(api.bodies).toEqual([{ call: 'POST /api/agent/conversations/c1/transfer', body: { agentId: 'a2' } }]);
    expect(ownership.state('c1').transfer).toEqual({ kind: 'agent', id: 'a2', name: 'Bob' });
    // A second transfer while one is pending is not sent.
    expect(await ownership.transfer('c1', { kind: 'queue', id: 'q1', name: 'Sales' })).toBe(false);
    result(true);
    expect(ownership.state('c1').transfer).toBeNull();
    expect(notices).toEqual(['Bob accepted the chat with Vera.']);
    expect(gone).toEqual(['c1']);
  });

  it('gives the chat back and says so when the target refuses', async () => {
    const { ownership, notices, gone, result } = setup();
    await ownership.transfer('c1', { kind: 'agent', id: 'a2', name: 'Bob' });
    result(false);
    expect(ownership.state('c1').transfer).toBeNull();
    expect(notices).toEqual(['Bob did not take the chat with Vera; it is yours again.']);
    expect(gone).toEqual([]);
  });

  it('sends a queue transfer as queueId, and tells its answer as the queue’s', async () => {
    const { ownership, api, client, notices } = setup();
    await ownership.transfer('c1', { kind: 'queue', id: 'q1', name: 'Sales' });
    expect(api.bodies[0]!.body).toEqual({ queueId: 'q1' });
    client.emit('frame', { type: 'routing.transfer.result', conversationId: 'c1', accepted: false, to: { kind: 'queue', id: 'q1', name: 'Sales' } });
    expect(notices).toEqual(['No agent in Sales took the chat with Vera; it is yours again.']);
  });

  it('tells an accepted transfer once, whichever of access loss and result comes first', async () => {
    const { ownership, notices, gone, result, lost } = setup();
    await ownership.transfer('c1', { kind: 'agent', id: 'a2', name: 'Bob' });
    lost('transferred');
    result(true);
    expect(notices).toEqual(['Bob accepted the chat with Vera.']);
    expect(gone).toContain('c1');
  });

  it('closes a chat another agent took, with the reason', () => {
    const { notices, gone, lost } = setup();
    lost('taken');
    expect(notices).toEqual(['Another agent took the chat with Vera, so it is no longer in your list.']);
    expect(gone).toEqual(['c1']);
  });

  it('invites, leaves and ends a conference', async () => {
    const { ownership, api, notices, gone } = setup();
    await ownership.invite('c1', { id: 'a2', name: 'Bob' });
    await ownership.endConference('c1');
    await ownership.leave('c1');
    expect(api.calls).toEqual(['POST /api/agent/conversations/c1/invite', 'POST /api/agent/conversations/c1/conference/end', 'POST /api/agent/conversations/c1/leave']);
    expect(api.bodies[0]!.body).toEqual({ agentId: 'a2' });
    expect(notices).toEqual(['Bob is invited to the chat with Vera.', 'You left the conversation with Vera.']);
    expect(gone).toEqual(['c1']);
  });

  it('resolves only with a wrap-up reason; then the chat leaves the list, told once', async () => {
    const { ownership, api, notices, gone, lost } = setup();
    expect(await ownership.resolve('c1', '   ')).toBe(false);
    expect(api.calls).toEqual([]);
    expect(ownership.state('c1').error).toBe('Choose a wrap-up reason to resolve the chat.');
    expect(await ownership.resolve('c1', 'Order placed')).toBe(true);
    expect(api.bodies).toEqual([{ call: 'POST /api/agent/conversations/c1/resolve', body: { wrapUp: 'Order placed' } }]);
    lost('ended');
    expect(notices).toEqual(['Resolved the chat with Vera (Order placed).']);
    expect(gone).toEqual(['c1', 'c1']);
  });

  it('hands the resolved chat, as the gateway answered it, to the console', async () => {
    const resolved = { id: 'c1', status: 'closed' };
    const api = fakeApi({ 'POST /api/agent/conversations/c1/resolve': () => ({ conversation: resolved }) });
    const answers: unknown[] = [];
    const ownership = createOwnershipModel({ api, client: fakeClient(), titleOf: () => 'Vera', onNotice: () => {}, onGone: () => answers.push('gone'), onResolved: (id, c) => answers.push([id, c]) });
    expect(await ownership.resolve('c1', 'Order placed')).toBe(true);
    expect(answers).toEqual([['c1', resolved]]);
  });

  it('keeps the chat and shows the gateway’s reason when resolving is refused', async () => {
    const { ownership, gone } = setup({
      'POST /api/agent/conversations/c1/resolve': () => {
        throw new ApiError(400, 'WRAP_UP_REQUIRED', 'Choose one of the wrap-up reasons: Order placed.');
      },
    });
    expect(await ownership.resolve('c1', 'Other')).toBe(false);
    expect(ownership.state('c1').error).toBe('Choose one of the wrap-up reasons: Order placed.');
    expect(gone).toEqual([]);
    ownership.clearError('c1');
    expect(ownership.state('c1').error).toBeNull();
  });

  it('tells the end of a later conference after the agent left an earlier one', async () => {
    const { ownership, notices, lost } = setup();
    await ownership.leave('c1');
    lost('left');
    lost('ended');
    expect(notices).toEqual(['You left the conversation with Vera.', 'The conversation with Vera has ended for you.']);
  });

  describe('a conversation this admin deleted', () => {
    it('says "Conversation deleted." once when the access loss comes after the deletion’s answer', () => {
      const { ownership, notices, gone, lost } = setup();
      ownership.deleted('c1');
      lost('deleted');
      expect(notices).toEqual(['Conversation deleted.']);
      expect(gone).toEqual(['c1']);
    });

    it('says "Conversation deleted." once when the access loss comes while the deletion is on its way', () => {
      const deleting = new Set(['c1']);
      const { ownership, notices, gone, lost } = setup({}, deleting);
      lost('deleted');
      expect(notices).toEqual([]);
      expect(gone).toEqual(['c1']);
      deleting.delete('c1');
      ownership.deleted('c1');
      expect(notices).toEqual(['Conversation deleted.']);
    });

    it('tells the other consoles that an admin deleted it', () => {
      const { notices, gone, lost } = setup({}, new Set(['c2']));
      lost('deleted');
      expect(notices).toEqual(['An admin deleted the conversation with Vera.']);
      expect(gone).toEqual(['c1']);
    });

    it('still tells an end of the chat that is not the deletion', () => {
      const { notices, lost } = setup({}, new Set(['c1']));
      lost('ended');
      expect(notices).toEqual(['The conversation with Vera has ended for you.']);
    });
  });
});
