import crypto from 'node:crypto';

/** Length in bytes of an HMAC-SHA256. */
const MAC_BYTES = 32;

/**
 * The identity signature a website's server computes for one of its users: the HMAC-SHA256 of
 * the user id with the app's identity secret, as lowercase hex. The secret never leaves servers.
 *
 * @example
 * signIdentity(process.env.PARLEY_IDENTITY_SECRET, 'user-42'); // '5f0c…' (64 hex characters)
 */
export function signIdentity(secret: string, userId: string): string {
  return crypto.createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/**
 * Whether `signature` is the identity signature of `userId`. The comparison takes the same time
 * whatever the signature is: a malformed one (wrong length, not hex) is compared against a buffer
 * of the right length too, through `crypto.timingSafeEqual`, so timing tells nothing about how
 * many leading bytes were right.
 */
export function verifyIdentitySignature(secret: string, userId: string, signature: string): boolean {
  const expected = crypto.createHmac('sha256', secret).update(userId, 'utf8').digest();
  const wellFormed = /^[0-9a-fA-F]{64}$/.test(signature);
  const given = wellFormed ? Buffer.from(signature, 'hex') : Buffer.alloc(MAC_BYTES);
  // Always one constant-time comparison of two 32-byte buffers; a malformed signature fails after it.
  const equal = crypto.timingSafeEqual(expected, given);
  return equal && wellFormed;
}
