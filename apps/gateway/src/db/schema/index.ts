export * from './conversations.ts';
export * from './people.ts';
export * from './workspaces.ts';
export * from './tickets.ts';
export * from './contacts.ts';
export * from './attachments.ts';
export * from './messenger.ts';
export * from './routing.ts';
