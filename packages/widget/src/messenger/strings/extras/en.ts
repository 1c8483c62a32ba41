/**
 * The strings of the views the messenger's first open does not need (the way back to the list
 * and the list, ending a chat, the pre-chat form, "leave your e-mail"), in English: they load
 * with those views (`extras.tsx`).
 */
const en = {
  back: 'Your conversations',
  'end.confirm': 'End this chat? You can start a new one any time.',
  'end.cancel': 'Keep chatting',
  ended: 'This chat has ended.',
  joined: '{name} joined the conversation.',
  left: '{name} left the conversation.',
  new: 'New conversation',
  'list.empty': 'No messages yet',
  'list.ended': 'Ended',
  'unread.one': '{count} unread message',
  'unread.other': '{count} unread messages',
  'prechat.intro': 'Before we start, tell us how to reach you.',
  'prechat.name': 'Name',
  'prechat.email': 'E-mail',
  'prechat.optional': '(optional)',
  'prechat.submit': 'Start chat',
  'field.required': 'Please fill in this field.',
  'field.email': 'Please enter a valid e-mail address.',
  'offline.text': 'Nobody can answer right now. Leave your e-mail and we’ll reply there.',
  'offline.email': 'Your e-mail',
  'offline.submit': 'Notify me',
  'offline.thanks': 'Thanks! We’ll reply to {email}.',
  'error.action': 'That did not work. Please try again.',
};

export default en;

/** The keys of the strings of the views that load later. */
export type ExtraStrings = typeof en;
