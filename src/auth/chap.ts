/**
 * CHAP with MD5 (RFC 1994 §4.1) as RADIUS carries it (RFC 2865 §2.2, §5.3,
 * §5.40): CHAP-Password is the CHAP Identifier and the 16-octet response;
 * the challenge is CHAP-Challenge when present, else the Request
 * Authenticator.
 */
import { timingSafeEqual } from 'node:crypto';
import { md5, scratchBuffer } from '../protocol/index.js';

export interface ChapInput {
  /** The member's cleartext password, as octets. */
  password: Uint8Array;
  /** CHAP-Password value: 1 octet CHAP Ident, 16 octets response. */
  chapPassword: Uint8Array;
  /** From chapChallenge(). */
  challenge: Uint8Array;
}

/** RFC 2865 §2.2: CHAP-Challenge if the request has one, else its Request Authenticator. */
export function chapChallenge(chapChallengeAttr: Uint8Array | undefined, requestAuthenticator: Uint8Array): Uint8Array {
  return chapChallengeAttr ?? requestAuthenticator;
}

/** True when the response is MD5(Ident || password || challenge); a malformed input is false. */
export function verifyChap(input: ChapInput): boolean {
  const { password, chapPassword, challenge } = input;
  if (chapPassword.length !== 17 || challenge.length === 0) return false;
  // Laid out in the shared scratch buffer (synchronous, so no one else sees
  // it) rather than concatenated: one copy of a few dozen octets, one hash.
  const n = 1 + password.length + challenge.length;
  const buf = scratchBuffer(n);
  buf[0] = chapPassword[0]!;
  buf.set(password, 1);
  buf.set(challenge, 1 + password.length);
  const expected = md5(buf, n);
  return timingSafeEqual(expected, chapPassword.subarray(1));
}
