import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { BlockInputSchema, CustomerPanelSettingsSchema, EmptyBodySchema, SavedViewInputSchema, ViewQuerySchema } from './workspace.ts';

describe('workspace request schemas', () => {
  it('refuse an array where a JSON object belongs, also nested', () => {
    expect(v.safeParse(BlockInputSchema, []).success).toBe(false);
    expect(v.safeParse(EmptyBodySchema, []).success).toBe(false);
    expect(v.safeParse(SavedViewInputSchema, { name: 'A', filter: [] }).success).toBe(false);
    expect(v.safeParse(BlockInputSchema, {}).success).toBe(true);
    expect(v.safeParse(EmptyBodySchema, undefined).success).toBe(true);
  });

  it('take dates alone or with an offset, and nothing in between', () => {
    const ok = (from: string) => v.safeParse(ViewQuerySchema, { from }).success;
    expect(ok('2025-03-01')).toBe(true);
    expect(ok('2025-03-01T09:30:00Z')).toBe(true);
    expect(ok('2025-03-01T09:30:00.123+02:00')).toBe(true);
    expect(ok('2025-03-01T09:30:00')).toBe(false);
    expect(ok('March 1st')).toBe(false);
    expect(ok('2025-03-01T29:30:00Z')).toBe(false);
  });

  it('keep contact detail roles in one order, and always admin', () => {
    expect(v.parse(CustomerPanelSettingsSchema, { contactDetailsRoles: ['admin', 'agent'] })).toEqual({ contactDetailsRoles: ['agent', 'admin'] });
    expect(v.parse(CustomerPanelSettingsSchema, { contactDetailsRoles: ['admin'] })).toEqual({ contactDetailsRoles: ['admin'] });
    expect(v.safeParse(CustomerPanelSettingsSchema, { contactDetailsRoles: ['agent'] }).success).toBe(false);
  });
});
