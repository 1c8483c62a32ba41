import { describe, expect, it } from 'vitest';
import { contactDetails, phoneOf } from './contact-details.ts';

const visitor = { name: 'rob', email: 'rob@home.example', attributes: { mobile: '+44 7700 900123' } };
const added = { name: 'Rob Stone', email: null, phone: '+31 6 1234 5678' };
const verified = { name: 'Robert Stone', email: 'robert@company.example' };

describe('contactDetails', () => {
  it('takes each detail from the verified contact first', () => {
    expect(contactDetails({ verified, added, visitor })).toEqual({ name: 'Robert Stone', email: 'robert@company.example', phone: '+31 6 1234 5678' });
  });

  it('takes what an agent added over what the visitor typed, and the visitor’s for what the agent left out', () => {
    expect(contactDetails({ verified: null, added, visitor })).toEqual({ name: 'Rob Stone', email: 'rob@home.example', phone: '+31 6 1234 5678' });
  });

  it('falls back to the visitor, and to nothing', () => {
    expect(contactDetails({ verified: null, added: null, visitor })).toEqual({ name: 'rob', email: 'rob@home.example', phone: '+44 7700 900123' });
    expect(contactDetails({ verified: { name: null, email: null }, added: null, visitor: { name: null, email: null, attributes: {} } })).toEqual({ name: null, email: null, phone: null });
  });
});

describe('phoneOf', () => {
  it('reads the first phone attribute the website set, skipping blank and non-text ones', () => {
    expect(phoneOf({ phone: ' ', tel: '+1 555 0100', mobile: 5550100 })).toBe('+1 555 0100');
    expect(phoneOf({ plan: 'Gold' })).toBeNull();
  });
});
