import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ServerFrameSchema } from './frames.ts';
import { ACCESS_LOST_REASONS } from './routing.ts';

const lost = (reason: unknown) => ({ type: 'routing.access.lost', conversationId: 'c1', reason });

describe('routing.access.lost', () => {
  it('takes every reason the gateway sends, deleted among them', () => {
    expect(ACCESS_LOST_REASONS).toContain('deleted');
    for (const reason of ACCESS_LOST_REASONS) expect(v.parse(ServerFrameSchema, lost(reason))).toEqual(lost(reason));
  });

  it('reads a reason it does not know as ended, so a newer gateway still drops the conversation', () => {
    expect(v.parse(ServerFrameSchema, lost('archived'))).toEqual(lost('ended'));
    expect(v.parse(ServerFrameSchema, lost(7))).toEqual(lost('ended'));
  });

  it('still refuses the frame without a conversation id', () => {
    expect(v.safeParse(ServerFrameSchema, { type: 'routing.access.lost', reason: 'deleted' }).success).toBe(false);
  });
});
