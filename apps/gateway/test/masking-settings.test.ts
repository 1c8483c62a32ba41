import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../src/db/database.ts';
import { workspaces } from '../src/db/schema/index.ts';
import type { AgentPrincipal } from '../src/domain/identity/principal.ts';
import { createMaskingSettings, type MaskingChange, type MaskingSettings } from '../src/domain/masking/masking-settings.ts';
import { MASKED, UNMASKED } from '../src/domain/masking/personal-data.ts';
import { openTestDatabase } from './support/database.ts';

let database: OpenDatabase;
let settings: MaskingSettings;
const announced: MaskingChange[] = [];
const errors: unknown[] = [];

const principal = (workspaceId: string, role: 'agent' | 'admin'): AgentPrincipal => ({
  kind: 'agent',
  sessionKey: 's',
  agentId: 'a',
  workspaceId,
  name: 'Ada',
  email: 'ada@example.com',
  role,
});

beforeAll(async () => {
  database = await openTestDatabase();
  await database.db.insert(workspaces).values([
    { id: 'plain', name: 'Plain' },
    { id: 'private', name: 'Private', maskPersonalData: true },
  ]);
  settings = createMaskingSettings({ db: database.db, announce: (change) => announced.push(change), onError: (error) => errors.push(error) });
});
afterAll(async () => {
  settings?.stop();
  await database?.close();
});

describe('masking settings', () => {
  it('masks a workspace it does not know yet, then follows the database', async () => {
    expect(settings.maskerFor('plain')).toBe(MASKED);
    // The read that started answers this too.
    expect(await settings.maskerOf('plain')).toBe(UNMASKED);
    expect(settings.maskerFor('plain')).toBe(UNMASKED);
    expect(await settings.maskerOf('private')).toBe(MASKED);
    expect(settings.maskerFor('private')).toBe(MASKED);
  });

  it('masks a workspace that does not exist', async () => {
    expect(await settings.maskerOf('nowhere')).toBe(MASKED);
    expect(settings.maskerFor('nowhere')).toBe(MASKED);
  });

  it('takes an announced change at once, and the database’s word after it', async () => {
    const confirmed = settings.changed({ workspaceId: 'plain', maskPersonalData: true });
    expect(settings.maskerFor('plain')).toBe(MASKED);
    // The database still says off (an announcement that arrived late): the confirming read wins.
    await confirmed;
    expect(settings.maskerFor('plain')).toBe(UNMASKED);
  });

  it('lets an admin change it, here at once, and announces it to the other nodes', async () => {
    const admin = principal('plain', 'admin');
    expect(await settings.update(admin, { maskPersonalData: true })).toEqual({ id: 'plain', name: 'Plain', maskPersonalData: true });
    expect(settings.maskerFor('plain')).toBe(MASKED);
    expect(announced.at(-1)).toEqual({ workspaceId: 'plain', maskPersonalData: true });
    expect(await settings.get(admin)).toMatchObject({ maskPersonalData: true });
    await settings.update(admin, { maskPersonalData: false });
    expect(settings.maskerFor('plain')).toBe(UNMASKED);
  });

  it('refuses an agent who is not an admin, and changes nothing', async () => {
    const before = announced.length;
    await expect(settings.update(principal('plain', 'agent'), { maskPersonalData: true })).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    await expect(settings.get(principal('plain', 'agent'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(announced.length).toBe(before);
    const [row] = await database.db.select().from(workspaces).where(eq(workspaces.id, 'plain'));
    expect(row!.maskPersonalData).toBe(false);
    expect(errors).toEqual([]);
  });
});
