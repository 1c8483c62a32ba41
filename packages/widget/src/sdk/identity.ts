import type { ProfilePatch, SessionError, SessionIdentity, SessionInternals } from './session.ts';
import type { Identity } from './types.ts';

/**
 * The identity and profile part of the visitor session, loaded with the first `identify` or
 * `update`: it applies the signed-in user and the visitor's profile changes to each token once,
 * before any surface gets that token. A refused identity is reported and the session stays
 * anonymous; a session of another user (`IDENTITY_MISMATCH`), or one that ended, is replaced by a
 * clean one for this user.
 */
export function createSessionIdentity({ options, request, create, forget, apply }: SessionInternals): SessionIdentity {
  const { report, onIdentified, onReplaced } = options;
  let identity: Identity | undefined;
  // The token the current identity was applied to (or refused for), so it is sent once per token.
  let identifiedToken: string | undefined;
  let profile: ProfilePatch | undefined;

  async function prepare(token: string, retried = false): Promise<string> {
    if (identity && identifiedToken !== token) {
      const wanted = identity;
      try {
        const result = await request<{ userId: string; merged: boolean }>('POST', '/api/visitor/identify', token, wanted);
        identifiedToken = token;
        onIdentified({ userId: result.userId, merged: result.merged });
      } catch (error) {
        const { code, message } = error as SessionError;
        if (!retried && (code === 'IDENTITY_MISMATCH' || code === 'UNAUTHORIZED')) {
          // Another user's session, or one that ended: start a clean one for this user.
          forget();
          if (code === 'IDENTITY_MISMATCH') onReplaced();
          return prepare(await create(), true);
        }
        if (code === 'NETWORK') throw error;
        identifiedToken = token;
        report({ code, message: `identify: ${message}`, method: 'identify' });
      }
    }
    if (profile) {
      const patch = profile;
      profile = undefined;
      try {
        await request('PATCH', '/api/visitor/me', token, patch);
      } catch (error) {
        const { code, message } = error as SessionError;
        report({ code, message: `update: ${message}`, method: 'update' });
      }
    }
    return token;
  }

  return {
    prepare: (token) => prepare(token),
    identify(next, now) {
      if (identity?.userId !== next.userId || identity.signature !== next.signature || identity.name !== next.name || identity.email !== next.email) {
        identity = next;
        identifiedToken = undefined;
      }
      return apply(now);
    },
    update(patch, now) {
      profile = { ...profile, ...patch, ...((profile?.attributes || patch.attributes) && { attributes: { ...profile?.attributes, ...patch.attributes } }) };
      return apply(now);
    },
  };
}
