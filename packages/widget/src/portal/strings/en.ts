/** The portal's strings in English: the source every other language is checked against. */
const en = {
  title: 'Your requests',
  'tickets.title': 'Requests',
  'tickets.empty': 'You haven’t sent us a request yet.',
  'conversations.title': 'Chats',
  'conversations.empty': 'No chats yet.',
  'conversation.title': 'Chat of {date}',
  loading: 'Loading…',
  'error.load': 'Your requests could not be loaded. Check your connection and try again.',
  retry: 'Try again',
  refresh: 'Refresh',
  number: 'Request #{number}',
  'status.open': 'Open',
  'status.pending': 'Waiting for your reply',
  'status.closed': 'Closed',
  'status.ended': 'Ended',
  updated: 'Last activity {time}',
  noPreview: 'No messages yet',
  back: 'Back to your requests',
  log: 'Messages',
  you: 'You',
  support: 'Support',
  'reply.label': 'Your reply',
  'reply.hint': 'Press Ctrl+Enter to send.',
  'reply.send': 'Send reply',
  'reply.sending': 'Sending…',
  continue: 'Continue in chat',
  missing: 'This request could not be found.',
  'error.thread': 'This request could not be loaded. Try again.',
  'error.reply': 'Your reply could not be sent. Please try again.',
  'error.tooLong': 'Your reply is too long. Shorten it or split it in two.',
  'error.network': 'We can’t reach the support service. Check your connection and try again.',
  'error.identity': 'Sign in to this website to reply.',
  'file.download': 'Download {name} ({size})',
  'error.download': 'This file could not be downloaded. Try again.',
};

export default en;

/** The keys of the portal's strings. */
export type PortalStrings = typeof en;
