/** The messenger's strings in English: the source every other language is checked against. */
const en = {
  dialog: 'Chat',
  title: 'Chat with us',
  'availability.online': 'We’re online',
  'availability.away': 'We’re away right now',
  'availability.offline': 'We’re offline',
  end: 'End chat',
  request: 'Send a request',
  'list.title': 'Your conversations',
  log: 'Messages',
  empty: 'Send us a message and we’ll reply right here.',
  you: 'You',
  sending: 'Sending…',
  sent: 'Sent',
  seen: 'Seen',
  typing: '{name} is typing…',
  'typing.anonymous': 'Someone is typing…',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting… your messages will be sent once you are back online.',
  reload: 'This chat was updated. Reload the page to keep chatting.',
  'reload.action': 'Reload',
  retry: 'Try again',
  'error.network': 'Cannot reach the chat service. Check your connection and try again.',
  'error.disabled': 'Chat is not enabled for this website.',
  'error.app': 'This chat is not set up correctly (unknown app).',
  'error.start': 'Something went wrong starting the chat. Please try again.',
  'error.session': 'The chat session could not be started. Please try again later.',
  'error.tooLong': 'Messages can be at most {max} characters.',
  'error.notSent': 'A message could not be sent. Please try again.',
  'error.blocked': 'You cannot chat here: the support team of this website has blocked this chat.',
};

export default en;

/** The keys of the messenger's strings. */
export type MessengerStrings = typeof en;
