import { describe, expect, it } from 'vitest';
import { fillTemplate } from './fill.ts';

const values = new Map<string, string | null>([
  ['name', 'Ayşe Yılmaz'],
  ['agent_name', 'Demo Agent'],
  ['email', null],
]);

describe('fillTemplate', () => {
  it('fills every occurrence of a known parameter', () => {
    expect(fillTemplate('Hi <name>! <name>, I am <agent_name>.', values)).toEqual({ text: 'Hi Ayşe Yılmaz! Ayşe Yılmaz, I am Demo Agent.', unfilled: [] });
  });

  it('leaves an unknown parameter as written and lists it once', () => {
    expect(fillTemplate('Order <order_id> for <name>, again <order_id>', values)).toEqual({
      text: 'Order <order_id> for Ayşe Yılmaz, again <order_id>',
      unfilled: ['order_id'],
    });
  });

  it('leaves a known parameter without a value as written, for the agent to edit', () => {
    expect(fillTemplate('Mail: <email>', values)).toEqual({ text: 'Mail: <email>', unfilled: ['email'] });
  });

  it('inserts values as plain text: never read again for parameters or replacement patterns', () => {
    const tricky = new Map([
      ['name', '<agent_name> $& $1 <b>bold</b>'],
      ['agent_name', 'Demo Agent'],
    ]);
    expect(fillTemplate('Hi <name>', tricky).text).toBe('Hi <agent_name> $& $1 <b>bold</b>');
  });

  it('takes only lower-case words as parameters and leaves other angle brackets alone', () => {
    expect(fillTemplate('<Name> < name> <na me> <> <1x> a<b', values)).toEqual({ text: '<Name> < name> <na me> <> <1x> a<b', unfilled: [] });
  });

  it('does not look names up on the prototype', () => {
    expect(fillTemplate('<constructor> <__proto__>', values)).toEqual({ text: '<constructor> <__proto__>', unfilled: ['constructor'] });
  });

  it('stays linear on a long body of unclosed brackets', () => {
    const body = '<a'.repeat(100_000);
    expect(fillTemplate(body, values).text).toBe(body);
  });
});
