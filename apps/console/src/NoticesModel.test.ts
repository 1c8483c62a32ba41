import { describe, expect, it } from 'vitest';
import { createNoticesModel } from './NoticesModel.ts';

describe('createNoticesModel', () => {
  it('says one thing per key, and takes back what is no longer true', () => {
    const notices = createNoticesModel();
    notices.add('The chat from Vera was not accepted in time and goes to the next agent.', 'conversation:c1');
    notices.add('Signed in again.');
    notices.add('Bob did not take the chat with Ann; it is yours again.', 'conversation:c2');
    notices.add('The transfer of the chat with Vera ran out.', 'conversation:c1');
    expect(notices.list.value.map((n) => n.text)).toEqual(['Signed in again.', 'Bob did not take the chat with Ann; it is yours again.', 'The transfer of the chat with Vera ran out.']);
    notices.forget('conversation:c1');
    notices.forget('conversation:c9');
    expect(notices.list.value.map((n) => n.text)).toEqual(['Signed in again.', 'Bob did not take the chat with Ann; it is yours again.']);
  });
});
