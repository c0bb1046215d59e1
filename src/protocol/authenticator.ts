/**
 * Is this packet authentic? Request Authenticators (RFC 2866 §3, RFC 5176
 * §2.3), Response Authenticators (RFC 2865 §3) and Message-Authenticator
 * (RFC 3579 §3.2, RFC 5176 §3.5, RFC 5997 §3).
 *
 * All comparisons are constant-time (crypto.timingSafeEqual). None of these
 * throws on wire input; an empty secret never verifies.
 */
import { timingSafeEqual } from 'node:crypto';
import { Attr, hasHashedRequestAuthenticator } from './codes.js';
import { hmacWithZeroedMac, md5WithAuthenticator, secretBytes, type Secret } from './digest.js';
import type { DropReason } from './drop-reasons.js';
import type { RadiusPacket } from './packet.js';

export type { Secret } from './digest.js';

/**
 * RFC 2866 §3 / RFC 5176 §2.3: for Accounting-Request, Disconnect-Request and
 * CoA-Request the Request Authenticator must equal
 * MD5(Code+Identifier+Length+16 zero octets+Attributes+Secret).
 * Access-Request and Status-Server carry a random one: use
 * checkMessageAuthenticator for those.
 */
export function verifyRequestAuthenticator(packet: RadiusPacket, secret: Secret): boolean {
  const key = secretBytes(secret);
  if (key.length === 0 || packet.raw.length < 20) return false;
  const expected = md5WithAuthenticator(packet.raw, null, key);
  return timingSafeEqual(expected, packet.raw.subarray(4, 20));
}

/**
 * RFC 2865 §3: Response Authenticator =
 * MD5(Code+ID+Length+RequestAuth+Attributes+Secret), where the response's
 * Message-Authenticator, if any, is already computed (RFC 3579 §3.2).
 */
export function computeResponseAuthenticator(response: Buffer, requestAuthenticator: Buffer, secret: Secret): Buffer {
  return md5WithAuthenticator(response, requestAuthenticator, secretBytes(secret));
}

/** Checks a response (Accept, Reject, Challenge, Accounting-Response, *-ACK, *-NAK) against the request it answers. */
export function verifyResponseAuthenticator(
  response: RadiusPacket,
  requestAuthenticator: Buffer,
  secret: Secret,
): boolean {
  const key = secretBytes(secret);
  if (key.length === 0 || requestAuthenticator.length !== 16 || response.raw.length < 20) return false;
  const expected = md5WithAuthenticator(response.raw, requestAuthenticator, key);
  return timingSafeEqual(expected, response.raw.subarray(4, 20));
}

export type MessageAuthenticatorStatus = 'absent' | 'valid' | 'invalid' | 'malformed';

/**
 * Offset of the single Message-Authenticator value in a framed packet, -1 when
 * absent, -2 when malformed (more than one, or a value that is not 16 octets).
 * Walks `raw` itself so it works on any framed packet, decoded or built.
 */
export function findMessageAuthenticator(raw: Buffer): number {
  const end = raw.length;
  let found = -1;
  let off = 20;
  while (off + 2 <= end) {
    const len = raw[off + 1]!;
    if (len < 2 || off + len > end) return -2;
    if (raw[off] === Attr.MessageAuthenticator) {
      if (found !== -1 || len !== 18) return -2;
      found = off + 2;
    }
    off += len;
  }
  return found;
}

/**
 * RFC 3579 §3.2: Message-Authenticator = HMAC-MD5(secret, packet) with its own
 * value taken as 16 zero octets, and in the authenticator field:
 * - the Request Authenticator of the request, when `requestAuthenticator` is
 *   given (the packet is a response: Accept, Reject, Challenge, ...);
 * - 16 zero octets for Accounting-Request, Disconnect-Request and CoA-Request
 *   (RFC 5176 §3.5; their Request Authenticator is computed after it);
 * - the packet's own authenticator otherwise (Access-Request, Status-Server).
 *
 * Where the attribute sits is irrelevant (BlastRADIUS guidance: never reject
 * a request for its position). Two of them, or a value that is not 16
 * octets, is 'malformed'.
 */
export function checkMessageAuthenticator(
  packet: RadiusPacket,
  secret: Secret,
  requestAuthenticator?: Buffer,
): MessageAuthenticatorStatus {
  const raw = packet.raw;
  const at = findMessageAuthenticator(raw);
  if (at === -1) return 'absent';
  if (at === -2) return 'malformed';
  const key = secretBytes(secret);
  if (key.length === 0) return 'invalid';
  let authenticator: Buffer | null | undefined;
  if (requestAuthenticator !== undefined) {
    if (requestAuthenticator.length !== 16) return 'invalid';
    authenticator = requestAuthenticator;
  } else if (hasHashedRequestAuthenticator(packet.code)) {
    authenticator = null;
  }
  const expected = hmacWithZeroedMac(raw, authenticator, at, key);
  return timingSafeEqual(expected, raw.subarray(at, at + 16)) ? 'valid' : 'invalid';
}

/**
 * The drop reason for a Message-Authenticator status, for the server's
 * counters: undefined for 'valid' and 'absent' (whether absence is fatal is
 * the server's policy: required per NAS, for Status-Server, with EAP-Message
 * or with Proxy-State).
 */
export function messageAuthenticatorDropReason(
  packet: RadiusPacket,
  status: MessageAuthenticatorStatus,
): DropReason | undefined {
  switch (status) {
    case 'valid':
    case 'absent':
      return undefined;
    case 'invalid':
      return 'bad-message-authenticator';
    case 'malformed': {
      let n = 0;
      for (const a of packet.attributes) if (a.type === Attr.MessageAuthenticator) n++;
      return n > 1 ? 'duplicate-message-authenticator' : 'malformed-message-authenticator';
    }
  }
}

/**
 * Writes the Message-Authenticator value at `at` of a packet being built
 * (RFC 3579 §3.2). `authenticator` as in hmacWithZeroedMac: the Request
 * Authenticator for responses, null for hashed requests, undefined to use
 * the packet's own.
 */
export function signMessageAuthenticator(
  packet: Buffer,
  at: number,
  authenticator: Buffer | null | undefined,
  secret: Buffer,
): void {
  hmacWithZeroedMac(packet, authenticator, at, secret).copy(packet, at);
}
