/** The attribute keys the website uses for a phone number, in the order they are looked for. */
export const PHONE_KEYS = ['phone', 'phoneNumber', 'phone_number', 'mobile', 'tel'];

/** The phone number among a visitor's custom attributes, if the website set one. */
export function phoneOf(attributes: Record<string, string | number | boolean>): string | null {
  for (const key of PHONE_KEYS) {
    const value = attributes[key];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return null;
}

/**
 * What is known of one conversation's customer, by source. Every source belongs to the
 * conversation's own visitor: `verified` is the contact the visitor's session was signed into
 * (`visitors.contact_id`), never one found by a matching e-mail or name, so what an anonymous
 * visitor or an agent types can never bring a verified contact's details along.
 */
export interface ContactSources {
  /** The verified contact: the website signed the user's id. */
  verified: { name: string | null; email: string | null } | null;
  /** What an agent typed with "Add as contact" (a decision of `added`). */
  added: { name: string | null; email: string | null; phone: string | null } | null;
  /** What the visitor gave about themselves (profile, pre-chat form, attributes): unverified. */
  visitor: { name: string | null; email: string | null; attributes: Record<string, string | number | boolean> };
}

/** A customer's name, e-mail and phone, each from the most trusted source that has it. */
export interface ContactDetails {
  name: string | null;
  email: string | null;
  phone: string | null;
}

/**
 * The contact a conversation is linked to, however it was made: each detail from the verified
 * contact, else from what an agent typed when adding the customer as a contact (an agent's
 * correction beats what the visitor typed), else from the visitor. The customer panel and
 * template parameters both read it, so an agent sees one name everywhere.
 *
 * @example
 * contactDetails({ verified: null, added: { name: 'Rob Stone', email: null, phone: null }, visitor: { name: 'rob', email: 'r@example.com', attributes: {} } });
 * // { name: 'Rob Stone', email: 'r@example.com', phone: null }
 */
export function contactDetails({ verified, added, visitor }: ContactSources): ContactDetails {
  return {
    name: verified?.name ?? added?.name ?? visitor.name ?? null,
    email: verified?.email ?? added?.email ?? visitor.email ?? null,
    phone: added?.phone ?? phoneOf(visitor.attributes),
  };
}
