import type { Database } from '../../db/database.ts';
import { templates } from '../../db/schema/index.ts';

/** The demo workspace's first templates: a greeting and a follow-up, each with parameters. */
export const DEMO_TEMPLATES = [
  {
    title: 'Greeting',
    category: 'Greetings',
    language: 'en',
    body: 'Hi <name>, thanks for contacting <app_name>! I am <agent_name>; how can I help you today?',
  },
  {
    title: 'Follow-up by e-mail',
    category: 'Follow-up',
    language: 'en',
    body: 'Thanks, <first_name>. I will send the details to <email>. If you write to us again, mention the reference <conversation_id>.',
  },
] as const;

/** Adds the demo templates to a new workspace; a title it already has is left as it is. */
export async function seedDemoTemplates(db: Database, workspaceId: string): Promise<void> {
  await db
    .insert(templates)
    .values(DEMO_TEMPLATES.map((t) => ({ ...t, workspaceId })))
    .onConflictDoNothing();
}
