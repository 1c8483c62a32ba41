import { ErrorCode, IDENTITY_LIMITS, type VisitorProfile as PublicVisitorProfile } from '@parley/protocol';
import type { Database } from '../../db/database.ts';
import { AppError } from '../errors.ts';
import { createContactRepository, type Attributes, type VisitorPatch, type VisitorProfile } from './contact-repository.ts';
import { createIdentityRepository } from './identity-repository.ts';
import type { VisitorPrincipal } from './principal.ts';
import { verifyIdentitySignature } from './signature.ts';

/** Most custom attributes one visitor may have. */
export const MAX_ATTRIBUTES = IDENTITY_LIMITS.attributes;

/** What `identify` is given: the website's user id, its signature, and optionally who they are. */
export interface IdentifyInput {
  userId: string;
  signature?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
}

/** What `identify` did, for the route to act on. */
export interface IdentifyResult {
  visitorId: string;
  userId: string;
  /** The session's visitor before, when it was merged into the contact's visitor (another device). */
  mergedFrom: string | null;
  /** Whether the session's visitor or contact link changed, so its open sockets must re-authenticate. */
  changed: boolean;
}

/** The visitor as the visitor may see themselves: `GET` and `PATCH /api/visitor/me`. */
export type VisitorMe = PublicVisitorProfile;

const unauthorized = () =>
  new AppError(ErrorCode.UNAUTHORIZED, 'The visitor session is missing or has ended; create a new one with POST /api/visitor/sessions.', { status: 401 });

function toMe(profile: VisitorProfile): VisitorMe {
  return {
    visitorId: profile.visitor.id,
    name: profile.visitor.name,
    email: profile.visitor.email,
    attributes: profile.visitor.attributes,
    identified: profile.contact !== null,
    ...(profile.contact && { userId: profile.contact.userId }),
  };
}

/**
 * Signed visitor identities and the visitor's own profile. A session becomes a verified contact
 * only with a valid signature; an unverified session never reads or writes a contact, and
 * `updateMe` only ever writes the session's own visitor.
 */
export function createContactService({ db }: { db: Database }) {
  const repo = createContactRepository(db);
  const identities = createIdentityRepository(db);

  return {
    /**
     * Verifies `signature` (HMAC-SHA256 of the user id with the app's identity secret, in
     * constant time) and links the session to the contact: the first device's visitor becomes
     * the contact's; a later device's session is moved to it with its conversations. A missing
     * or wrong signature changes nothing.
     */
    async identify(principal: VisitorPrincipal, input: IdentifyInput): Promise<IdentifyResult> {
      if (!input.signature) {
        throw new AppError(
          ErrorCode.SIGNATURE_REQUIRED,
          "identify needs a signature: the HMAC-SHA256 (hex) of the user id with the app's identity secret, computed on your server.",
          { status: 401 },
        );
      }
      const app = await identities.findApp(principal.appId);
      if (!app) throw unauthorized();
      if (!verifyIdentitySignature(app.identitySecret, input.userId, input.signature)) {
        throw new AppError(
          ErrorCode.INVALID_SIGNATURE,
          "The signature does not match the user id: sign exactly this user id with the app's identity secret (HMAC-SHA256, hex).",
          { status: 401 },
        );
      }
      const result = await repo.linkContact({ sessionKey: principal.sessionKey, appId: app.id, userId: input.userId, name: input.name, email: input.email });
      if (result.kind === 'session_gone') throw unauthorized();
      if (result.kind === 'mismatch') {
        throw new AppError(
          ErrorCode.IDENTITY_MISMATCH,
          "This session belongs to another signed-in user. End it first (Parley('shutdown') when a user signs out), then identify the new user.",
          { status: 409 },
        );
      }
      return { visitorId: result.visitorId, userId: result.contact.userId, mergedFrom: result.mergedFrom, changed: result.changed };
    },

    /** The session's visitor as they see themselves. */
    async me(principal: VisitorPrincipal): Promise<VisitorMe> {
      const profile = await repo.findProfile(principal.visitorId);
      if (!profile) throw unauthorized();
      return toMe(profile);
    },

    /** Changes the session's own visitor: name, e-mail and custom attributes (merged; null removes one). */
    async updateMe(principal: VisitorPrincipal, patch: VisitorPatch): Promise<VisitorMe> {
      const profile = await repo.updateVisitor(principal.visitorId, patch, (attributes) => {
        if (Object.keys(attributes).length > MAX_ATTRIBUTES) {
          throw new AppError(
            ErrorCode.INVALID_REQUEST,
            `attributes: a visitor has at most ${MAX_ATTRIBUTES} attributes; remove some (set them to null) before adding others.`,
            { status: 400 },
          );
        }
      });
      if (!profile) throw unauthorized();
      return toMe(profile);
    },
  };
}

/** The contact service's interface. */
export type ContactService = ReturnType<typeof createContactService>;
