/**
 * MS-CHAP version 2 (RFC 2759) and version 1 (RFC 2433) for an
 * authenticator holding the NT hash, with the RADIUS attribute formats of
 * RFC 2548 §2.3 (MS-CHAP-Response, MS-CHAP2-Response, MS-CHAP2-Success,
 * MS-CHAP-Error). Key derivation for MPPE is in mppe.ts.
 *
 * All inputs are treated as untrusted wire data: wrong lengths give
 * `{ ok: false, reason: 'malformed' }`, never an exception.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { desEncrypt56 } from './crypto/des.js';
import { md4 } from './crypto/md4.js';
import { sha1Of } from './crypto/sha1.js';

// ---- RFC 2759 §8 primitives.

/** RFC 2759 §8.3 NtPasswordHash: MD4 of the password in UTF-16LE (16 octets). */
export function ntPasswordHash(password: string): Buffer {
  return md4(Buffer.from(password, 'utf16le'));
}

/** RFC 2759 §8.4 HashNtPasswordHash: MD4 of the NT hash (16 octets). */
export function hashNtPasswordHash(passwordHash: Uint8Array): Buffer {
  return md4(passwordHash);
}

const BACKSLASH = 0x5c;

/**
 * The user name that goes into ChallengeHash: RFC 2759 §8.2 uses the name
 * "excluding any prepended domain name", so "DOMAIN\\user" becomes "user".
 * Strings are taken as UTF-8, which is what a NAS copies into User-Name.
 */
export function msChapUserName(username: string | Uint8Array): Buffer {
  const bytes =
    typeof username === 'string'
      ? Buffer.from(username, 'utf8')
      : Buffer.from(username.buffer, username.byteOffset, username.byteLength);
  const slash = bytes.indexOf(BACKSLASH);
  return slash < 0 ? bytes : bytes.subarray(slash + 1);
}

/** RFC 2759 §8.2 ChallengeHash: first 8 octets of SHA1(PeerChallenge || AuthenticatorChallenge || UserName). */
export function challengeHash(
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  username: string | Uint8Array,
): Buffer {
  return sha1Of(peerChallenge, authenticatorChallenge, msChapUserName(username)).subarray(0, 8);
}

/** The NT hash padded with zeros to 21 octets (RFC 2759 §8.5 ZPasswordHash), reused. */
const ZHASH = new Uint8Array(21);

/**
 * RFC 2759 §8.5 ChallengeResponse (= RFC 2433 NtChallengeResponse once given
 * the NT hash): the 8-octet challenge DES-encrypted under each third of the
 * zero-padded hash, 24 octets.
 */
export function challengeResponse(challenge: Uint8Array, passwordHash: Uint8Array): Buffer {
  if (challenge.length !== 8 || passwordHash.length !== 16) {
    throw new RangeError('ChallengeResponse needs an 8-octet challenge and a 16-octet hash');
  }
  ZHASH.set(passwordHash, 0);
  const out = Buffer.allocUnsafe(24);
  desEncrypt56(ZHASH, 0, challenge, 0, out, 0);
  desEncrypt56(ZHASH, 7, challenge, 0, out, 8);
  desEncrypt56(ZHASH, 14, challenge, 0, out, 16);
  ZHASH.fill(0, 0, 16);
  return out;
}

/**
 * RFC 2759 §8.1 GenerateNTResponse, from the NT hash rather than the
 * password (the hash is what we store).
 */
export function generateNtResponse(
  authenticatorChallenge: Uint8Array,
  peerChallenge: Uint8Array,
  username: string | Uint8Array,
  passwordHash: Uint8Array,
): Buffer {
  return challengeResponse(challengeHash(peerChallenge, authenticatorChallenge, username), passwordHash);
}

// RFC 2759 §8.7 constants.
const MAGIC1 = Buffer.from('Magic server to client signing constant', 'ascii');
const MAGIC2 = Buffer.from('Pad to make it do more than one iteration', 'ascii');

function authenticatorResponseFromHashHash(
  passwordHashHash: Uint8Array,
  ntResponse: Uint8Array,
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  username: string | Uint8Array,
): string {
  const digest = sha1Of(passwordHashHash, ntResponse, MAGIC1);
  const challenge = challengeHash(peerChallenge, authenticatorChallenge, username);
  const final = sha1Of(digest, challenge, MAGIC2);
  return 'S=' + final.toString('hex').toUpperCase();
}

/**
 * RFC 2759 §8.7 GenerateAuthenticatorResponse: "S=" and 40 upper-case hex
 * digits, from the NT hash.
 */
export function generateAuthenticatorResponse(
  passwordHash: Uint8Array,
  ntResponse: Uint8Array,
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  username: string | Uint8Array,
): string {
  return authenticatorResponseFromHashHash(
    hashNtPasswordHash(passwordHash),
    ntResponse,
    peerChallenge,
    authenticatorChallenge,
    username,
  );
}

// ---- Verification, as the authenticator does it.

export type MsChapFailure = { ok: false; reason: 'malformed' | 'mismatch' };

export type MsChapV2Result =
  | {
      ok: true;
      /** "S=" + 40 hex digits, for MS-CHAP2-Success. */
      authenticatorResponse: string;
      /** MD4 of the NT hash: mppe.ts derives the MPPE keys from it and the NT-Response. */
      passwordHashHash: Buffer;
    }
  | MsChapFailure;

export interface MsChapV2Input {
  ntHash: Uint8Array;
  /** User-Name as the NAS sent it; a "DOMAIN\\" prefix is dropped (RFC 2759 §8.2). */
  username: string | Uint8Array;
  /** MS-CHAP-Challenge, 16 octets. */
  authenticatorChallenge: Uint8Array;
  peerChallenge: Uint8Array;
  ntResponse: Uint8Array;
}

/** RFC 2759 §5-6: checks the peer's NT-Response and, if right, computes the Authenticator Response. */
export function verifyMsChapV2(input: MsChapV2Input): MsChapV2Result {
  const { ntHash, username, authenticatorChallenge, peerChallenge, ntResponse } = input;
  if (
    ntHash.length !== 16 ||
    authenticatorChallenge.length !== 16 ||
    peerChallenge.length !== 16 ||
    ntResponse.length !== 24
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = generateNtResponse(authenticatorChallenge, peerChallenge, username, ntHash);
  if (!timingSafeEqual(expected, ntResponse)) return { ok: false, reason: 'mismatch' };
  const passwordHashHash = hashNtPasswordHash(ntHash);
  const authenticatorResponse = authenticatorResponseFromHashHash(
    passwordHashHash,
    ntResponse,
    peerChallenge,
    authenticatorChallenge,
    username,
  );
  return { ok: true, authenticatorResponse, passwordHashHash };
}

export type MsChapV1Result = { ok: true; passwordHashHash: Buffer } | MsChapFailure;

export interface MsChapV1Input {
  ntHash: Uint8Array;
  /** MS-CHAP-Challenge, 8 octets. */
  challenge: Uint8Array;
  ntResponse: Uint8Array;
}

/**
 * RFC 2433 §5 (Appendix A NtChallengeResponse): checks the NT-Response only.
 * LM responses are never accepted: we keep no LM hash (it is far weaker).
 */
export function verifyMsChapV1(input: MsChapV1Input): MsChapV1Result {
  const { ntHash, challenge, ntResponse } = input;
  if (ntHash.length !== 16 || challenge.length !== 8 || ntResponse.length !== 24) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = challengeResponse(challenge, ntHash);
  if (!timingSafeEqual(expected, ntResponse)) return { ok: false, reason: 'mismatch' };
  return { ok: true, passwordHashHash: hashNtPasswordHash(ntHash) };
}

// ---- RADIUS attribute values (RFC 2548 §2.3). Parsed fields are views into the input.

/** MS-CHAP2-Response (RFC 2548 §2.3.2), 50 octets. */
export interface MsChap2Response {
  ident: number;
  /** Reserved, MUST be zero; not checked, as RFC 2548 gives no meaning to other values. */
  flags: number;
  peerChallenge: Buffer;
  ntResponse: Buffer;
}

/** Splits an MS-CHAP2-Response value; null unless it is exactly 50 octets. */
export function parseMsChap2Response(value: Buffer): MsChap2Response | null {
  if (value.length !== 50) return null;
  return {
    ident: value[0]!,
    flags: value[1]!,
    peerChallenge: value.subarray(2, 18),
    // Octets 18..25 are Reserved (zero).
    ntResponse: value.subarray(26, 50),
  };
}

/** MS-CHAP-Response (RFC 2548 §2.3.1), 50 octets. */
export interface MsChapResponse {
  ident: number;
  flags: number;
  /** Flags bit 0 set: use the NT-Response; clear: only the LM-Response is meaningful. */
  useNtResponse: boolean;
  lmResponse: Buffer;
  ntResponse: Buffer;
}

/** Splits an MS-CHAP-Response value; null unless it is exactly 50 octets. */
export function parseMsChapResponse(value: Buffer): MsChapResponse | null {
  if (value.length !== 50) return null;
  const flags = value[1]!;
  return {
    ident: value[0]!,
    flags,
    useNtResponse: (flags & 1) === 1,
    lmResponse: value.subarray(2, 26),
    ntResponse: value.subarray(26, 50),
  };
}

const AUTH_RESPONSE_FORMAT = /^S=[0-9A-F]{40}$/;

/** MS-CHAP2-Success value (RFC 2548 §2.3.3): Ident, then the 42-character "S=..." string. */
export function buildMsChap2Success(ident: number, authenticatorResponse: string): Buffer {
  if (!AUTH_RESPONSE_FORMAT.test(authenticatorResponse)) {
    throw new RangeError('an authenticator response is "S=" and 40 upper-case hex digits');
  }
  const out = Buffer.allocUnsafe(43);
  out[0] = ident & 0xff;
  out.write(authenticatorResponse, 1, 'ascii');
  return out;
}

/** Error codes of RFC 2759 §6 / RFC 2433 §6. */
export const MsChapErrorCode = {
  RestrictedLogonHours: 646,
  AccountDisabled: 647,
  PasswordExpired: 648,
  NoDialinPermission: 649,
  AuthenticationFailure: 691,
  ChangingPassword: 709,
} as const;

/** A vendor-specific value holds at most 247 octets (255 - 2 - 4 - 2 of headers). */
const MAX_VSA_VALUE = 247;

/**
 * MS-CHAP-Error value (RFC 2548 §2.3.5): Ident, then
 * "E=<code> R=0 C=<challenge hex> V=3 M=<message>" (RFC 2759 §6). R=0: no
 * retry, since a RADIUS exchange cannot carry one. C= is the given challenge
 * (16 octets for v2, 8 for v1) or, when none is given, 16 random octets, as
 * RFC 2759 wants the field present. The message is reduced to printable
 * ASCII and cut to fit one attribute.
 */
export function buildMsChapError(ident: number, code: number, message: string, challenge?: Uint8Array): Buffer {
  const c = Buffer.from(challenge ?? randomBytes(16)).toString('hex').toUpperCase();
  const head = `E=${Math.trunc(code)} R=0 C=${c} V=3 M=`;
  const text = (head + message.replace(/[^\x20-\x7e]/g, '?')).slice(0, MAX_VSA_VALUE - 1);
  const out = Buffer.allocUnsafe(1 + text.length);
  out[0] = ident & 0xff;
  out.write(text, 1, 'ascii');
  return out;
}
