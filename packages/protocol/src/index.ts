export * from './codes.ts';
export * from './frames.ts';
export * from './parse.ts';
export * from './version.ts';
export * from './tickets.ts';
export * from './routing.ts';
export * from './templates.ts';
export * from './workspace.ts';
