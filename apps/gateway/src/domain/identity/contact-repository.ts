import { IDENTITY_LIMITS } from '@parley/protocol';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { contacts, conversations, messages, visitorSessions, visitors, type ContactRow, type VisitorRow } from '../../db/schema/index.ts';

/** A visitor's custom attributes: a flat record of strings, numbers and booleans. */
export type Attributes = Record<string, string | number | boolean>;

/** The verified identity to link a session to. */
export interface LinkRequest {
  /** SHA-256 of the session's token: the session is re-read and locked inside the transaction. */
  sessionKey: string;
  appId: string;
  userId: string;
  name?: string | undefined;
  email?: string | undefined;
}

/** What linking did. */
export type LinkResult =
  | {
      kind: 'linked';
      contact: ContactRow;
      /** The visitor the session now belongs to. */
      visitorId: string;
      /** The session's visitor before, when it changed (its conversations moved to `visitorId`). */
      mergedFrom: string | null;
      /** Whether the session's visitor was anonymous before (so its sockets must re-authenticate). */
      changed: boolean;
    }
  | { kind: 'session_gone' }
  | { kind: 'mismatch' };

/** A visitor with the contact it is, if any. */
export interface VisitorProfile {
  visitor: VisitorRow;
  contact: ContactRow | null;
}

/** The changes `PATCH /api/visitor/me` makes: null clears a field or removes an attribute. */
export interface VisitorPatch {
  name?: string | null | undefined;
  email?: string | null | undefined;
  /** The language the visitor reads (one of the widget's). */
  locale?: string | undefined;
  attributes?: Record<string, string | number | boolean | null> | undefined;
}

/** The contact's attributes win; the other device's fill in names it lacks, up to the limit. */
function mergeAttributes(kept: Attributes, added: Attributes): Attributes {
  const merged: Attributes = { ...kept };
  for (const [name, value] of Object.entries(added)) {
    if (Object.keys(merged).length >= IDENTITY_LIMITS.attributes) break;
    if (!Object.hasOwn(merged, name)) merged[name] = value;
  }
  return merged;
}

/** Reads and writes contacts and links visitors and sessions to them. The only module that touches these tables. */
export function createContactRepository(db: Database) {
  async function profile(executor: Database, visitorId: string): Promise<VisitorProfile | undefined> {
    const [row] = await executor
      .select({ visitor: visitors, contact: contacts })
      .from(visitors)
      .leftJoin(contacts, eq(contacts.id, visitors.contactId))
      .where(eq(visitors.id, visitorId));
    return row;
  }

  return {
    /** A visitor and its contact. */
    findProfile: (visitorId: string) => profile(db, visitorId),

    /**
     * Links the session to the contact of (app, user id), creating the contact, in one
     * transaction. The contact row is locked first (the upsert), so two devices identifying at
     * once take turns. If the contact already has a visitor (another device), the session's
     * anonymous visitor is merged into it: its conversations, its messages' sender id and its
     * sessions move over, and its attributes fill in the ones the contact's visitor lacks.
     */
    async linkContact(request: LinkRequest): Promise<LinkResult> {
      return db.transaction(async (txn) => {
        const tx = txn as unknown as Database;
        const [session] = await tx
          .select({ visitorId: visitorSessions.visitorId })
          .from(visitorSessions)
          .where(and(eq(visitorSessions.tokenHash, request.sessionKey), isNull(visitorSessions.revokedAt)))
          .for('update');
        if (!session) return { kind: 'session_gone' };

        const [contact] = await tx
          .insert(contacts)
          .values({ appId: request.appId, userId: request.userId, name: request.name ?? null, email: request.email ?? null })
          .onConflictDoUpdate({
            target: [contacts.appId, contacts.userId],
            set: {
              name: sql`coalesce(excluded.name, ${contacts.name})`,
              email: sql`coalesce(excluded.email, ${contacts.email})`,
              updatedAt: sql`now()`,
            },
          })
          .returning();
        const [current] = await tx.select().from(visitors).where(eq(visitors.id, session.visitorId)).for('update');
        if (!current) return { kind: 'session_gone' };
        const named = {
          ...(request.name !== undefined && { name: request.name }),
          ...(request.email !== undefined && { email: request.email }),
        };

        if (current.contactId === contact!.id) {
          if (Object.keys(named).length) await tx.update(visitors).set(named).where(eq(visitors.id, current.id));
          return { kind: 'linked', contact: contact!, visitorId: current.id, mergedFrom: null, changed: false };
        }
        // A session of another verified user never becomes this one: that would hand over the
        // other user's conversations. The website must end the session first (shutdown).
        if (current.contactId !== null) return { kind: 'mismatch' };

        const [owner] = await tx.select().from(visitors).where(eq(visitors.contactId, contact!.id)).for('update');
        if (!owner) {
          await tx
            .update(visitors)
            .set({ contactId: contact!.id, ...named })
            .where(eq(visitors.id, current.id));
          return { kind: 'linked', contact: contact!, visitorId: current.id, mergedFrom: null, changed: true };
        }

        // Another device got there first: this session joins that visitor, bringing its conversations.
        const from = current.id;
        const to = owner.id;
        // A client conversation id is unique per visitor; one that clashes is dropped (the id stays).
        await tx
          .update(conversations)
          .set({ clientConversationId: null })
          .where(
            and(
              eq(conversations.visitorId, from),
              inArray(
                conversations.clientConversationId,
                tx.select({ id: conversations.clientConversationId }).from(conversations).where(eq(conversations.visitorId, to)),
              ),
            ),
          );
        const moved = await tx.update(conversations).set({ visitorId: to }).where(eq(conversations.visitorId, from)).returning({ id: conversations.id });
        if (moved.length) {
          // Resends from this browser's outbox must still match their stored messages (sender, client id).
          await tx
            .update(messages)
            .set({ senderId: to })
            .where(
              and(
                inArray(
                  messages.conversationId,
                  moved.map((m) => m.id),
                ),
                eq(messages.senderKind, 'visitor'),
                eq(messages.senderId, from),
              ),
            );
        }
        await tx.update(visitorSessions).set({ visitorId: to }).where(eq(visitorSessions.visitorId, from));
        await tx
          .update(visitors)
          .set({
            name: request.name ?? owner.name ?? current.name,
            email: request.email ?? owner.email ?? current.email,
            // The contact's visitor keeps its own language; this device's only fills in a missing one.
            locale: owner.locale ?? current.locale,
            attributes: mergeAttributes(owner.attributes, current.attributes),
          })
          .where(eq(visitors.id, to));
        return { kind: 'linked', contact: contact!, visitorId: to, mergedFrom: from, changed: true };
      });
    },

    /**
     * Applies a patch to one visitor under its row lock; attributes merge key by key (null
     * removes one). Answers the attributes as they would be, and writes nothing when `accept`
     * refuses them.
     */
    async updateVisitor(visitorId: string, patch: VisitorPatch, accept: (attributes: Attributes) => void): Promise<VisitorProfile | undefined> {
      return db.transaction(async (txn) => {
        const tx = txn as unknown as Database;
        const [visitor] = await tx.select().from(visitors).where(eq(visitors.id, visitorId)).for('update');
        if (!visitor) return undefined;
        let attributes: Attributes | undefined;
        if (patch.attributes) {
          attributes = { ...visitor.attributes };
          for (const [key, value] of Object.entries(patch.attributes)) {
            if (value === null) delete attributes[key];
            else attributes[key] = value;
          }
          accept(attributes);
        }
        const set = {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.email !== undefined && { email: patch.email }),
          ...(patch.locale !== undefined && { locale: patch.locale }),
          ...(attributes && { attributes }),
        };
        if (Object.keys(set).length) await tx.update(visitors).set(set).where(eq(visitors.id, visitorId));
        return profile(tx, visitorId);
      });
    },
  };
}

/** The contact repository's interface. */
export type ContactRepository = ReturnType<typeof createContactRepository>;
