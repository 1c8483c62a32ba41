export * from './conversations.ts';
export * from './people.ts';
export * from './workspaces.ts';
