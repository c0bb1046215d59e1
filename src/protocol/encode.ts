/**
 * Packet → wire bytes, for replies (RFC 2865 §3, RFC 3579 §3.2) and for the
 * requests we originate (RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3, RFC 5997).
 *
 * Encoding is our own input, so a packet that cannot be built throws an
 * EncodeError instead of producing something a NAS would drop. Every call
 * returns a fresh Buffer (the server caches replies for duplicates, RFC 5080).
 */
import { randomFillSync } from 'node:crypto';
import { signMessageAuthenticator } from './authenticator.js';
import { Attr, hasHashedRequestAuthenticator, isKnownCode, isResponseCode, PacketCode } from './codes.js';
import { HEADER_LENGTH, MAX_PACKET_LENGTH } from './decode.js';
import { md5WithAuthenticator, secretBytes, type Secret } from './digest.js';
import { EncodeError } from './errors.js';
import type { RawAttribute } from './packet.js';
import { hidePassword } from './user-password.js';

/** RFC 2865 §5: the Length octet covers type and length, so a value holds at most 253 octets. */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 253;

export interface PacketSpec {
  readonly code: PacketCode;
  readonly identifier: number;
  readonly attributes: readonly RawAttribute[];
}

export interface RequestSpec extends PacketSpec {
  /**
   * Access-Request / Status-Server only: the Request Authenticator to use
   * (tests reproducing RFC vectors). Random when omitted. The other requests
   * compute theirs (RFC 2866 §3, RFC 5176 §2.3).
   */
  readonly authenticator?: Buffer;
}

export interface EncodeOptions {
  /**
   * Add a Message-Authenticator as the FIRST attribute (BlastRADIUS,
   * CVE-2024-3596: first in every Access-Accept/Reject/Challenge). If the
   * attribute list already holds one Message-Authenticator (any 16-octet
   * placeholder), it is computed where it stands instead.
   */
  readonly messageAuthenticator: boolean;
}

// The 18 octets of a Message-Authenticator with a zero value, built once.
const MA_PLACEHOLDER: RawAttribute = Object.freeze({
  type: Attr.MessageAuthenticator,
  value: Buffer.alloc(16),
});

/**
 * Encodes a reply to the request whose Request Authenticator is
 * `requestAuthenticator`: the Message-Authenticator (if any) is computed
 * with that authenticator in the header (RFC 3579 §3.2), then the Response
 * Authenticator = MD5(Code+ID+Length+RequestAuth+Attributes+Secret).
 */
export function encodeResponse(
  spec: PacketSpec,
  requestAuthenticator: Buffer,
  secret: Secret,
  options: EncodeOptions,
): Buffer {
  if (!isResponseCode(spec.code)) throw new EncodeError('bad-code', `code ${spec.code} is not a response code`);
  if (requestAuthenticator.length !== 16) {
    throw new EncodeError('bad-authenticator', 'the Request Authenticator must be 16 octets');
  }
  const key = checkedSecret(secret);
  const { buf, maAt } = layout(spec, options.messageAuthenticator, null);
  requestAuthenticator.copy(buf, 4, 0, 16);
  if (maAt >= 0) signMessageAuthenticator(buf, maAt, undefined, key);
  md5WithAuthenticator(buf, requestAuthenticator, key).copy(buf, 4);
  return buf;
}

/**
 * Encodes a request we originate:
 * - Access-Request, Status-Server: random (or given) Request Authenticator;
 *   User-Password attributes are given in clear and hidden here (RFC 2865
 *   §5.2); Message-Authenticator computed over the packet (RFC 3579 §3.2).
 * - Accounting-Request, Disconnect-Request, CoA-Request: Message-Authenticator
 *   (if any) over 16 zero octets, then Request Authenticator =
 *   MD5(Code+ID+Length+16 zero octets+Attributes+Secret).
 *
 * `messageAuthenticator` defaults to true for Access-Request (BlastRADIUS)
 * and Status-Server (RFC 5997 §3: MUST), false otherwise. The Request
 * Authenticator of the result is `bytes.subarray(4, 20)`.
 */
export function encodeRequest(spec: RequestSpec, secret: Secret, options?: Partial<EncodeOptions>): Buffer {
  const { code } = spec;
  if (!isKnownCode(code) || isResponseCode(code)) {
    throw new EncodeError('bad-code', `code ${code} is not a request code`);
  }
  const key = checkedSecret(secret);
  const hashed = hasHashedRequestAuthenticator(code);
  if (hashed && spec.authenticator !== undefined) {
    throw new EncodeError('bad-authenticator', `code ${code} computes its Request Authenticator; do not give one`);
  }
  if (spec.authenticator !== undefined && spec.authenticator.length !== 16) {
    throw new EncodeError('bad-authenticator', 'the Request Authenticator must be 16 octets');
  }
  const wantMa =
    options?.messageAuthenticator ?? (code === PacketCode.AccessRequest || code === PacketCode.StatusServer);

  if (hashed) {
    const { buf, maAt } = layout(spec, wantMa, null);
    buf.fill(0, 4, 20);
    if (maAt >= 0) signMessageAuthenticator(buf, maAt, null, key);
    md5WithAuthenticator(buf, null, key).copy(buf, 4);
    return buf;
  }

  const authenticator = spec.authenticator ?? randomFillSync(Buffer.allocUnsafe(16));
  const hide =
    code === PacketCode.AccessRequest ? (v: Buffer) => hidePassword(v, key, authenticator) : null;
  const { buf, maAt } = layout(spec, wantMa, hide);
  authenticator.copy(buf, 4);
  if (maAt >= 0) signMessageAuthenticator(buf, maAt, undefined, key);
  return buf;
}

/**
 * Splits a value too long for one attribute into consecutive attributes of
 * at most 253 octets, for the attributes whose values concatenate:
 * EAP-Message (RFC 3579 §3.1), Reply-Message (RFC 2865 §5.18).
 */
export function splitAttribute(type: number, value: Buffer): RawAttribute[] {
  const out: RawAttribute[] = [];
  for (let off = 0; off < value.length; off += MAX_ATTRIBUTE_VALUE_LENGTH) {
    out.push({ type, value: value.subarray(off, off + MAX_ATTRIBUTE_VALUE_LENGTH) });
  }
  if (out.length === 0) out.push({ type, value });
  return out;
}

function checkedSecret(secret: Secret): Buffer {
  const key = secretBytes(secret);
  if (key.length === 0) throw new EncodeError('empty-secret', 'the shared secret is empty');
  return key;
}

/**
 * Checks the attributes and sizes the packet: returns the attributes to
 * write (User-Password values hidden when `hide` is given), the total
 * Length, and whether a Message-Authenticator must be prepended.
 */
function measure(
  spec: PacketSpec,
  addMa: boolean,
  hide: ((v: Buffer) => Buffer) | null,
): { attrs: readonly RawAttribute[]; length: number; prepend: boolean } {
  if (!Number.isInteger(spec.identifier) || spec.identifier < 0 || spec.identifier > 255) {
    throw new EncodeError('bad-identifier', `identifier ${spec.identifier} is not 0..255`);
  }
  const attrs: RawAttribute[] = [];
  let maCount = 0;
  let length = HEADER_LENGTH;
  for (const a of spec.attributes) {
    if (!Number.isInteger(a.type) || a.type < 1 || a.type > 255) {
      throw new EncodeError('bad-attribute-type', `attribute type ${a.type} is not 1..255`);
    }
    const value = hide !== null && a.type === Attr.UserPassword ? hide(a.value) : a.value;
    if (value.length > MAX_ATTRIBUTE_VALUE_LENGTH) {
      throw new EncodeError(
        'attribute-too-long',
        `attribute ${a.type}: value of ${value.length} octets exceeds ${MAX_ATTRIBUTE_VALUE_LENGTH}; split or shorten it`,
      );
    }
    if (a.type === Attr.MessageAuthenticator) {
      if (++maCount > 1) throw new EncodeError('duplicate-message-authenticator', 'more than one Message-Authenticator');
      if (value.length !== 16) {
        throw new EncodeError('bad-message-authenticator', 'a Message-Authenticator placeholder must be 16 octets');
      }
    }
    attrs.push(value === a.value ? a : { type: a.type, value });
    length += 2 + value.length;
  }
  const prepend = addMa && maCount === 0;
  if (prepend) length += 18;
  if (length > MAX_PACKET_LENGTH) {
    throw new EncodeError('packet-too-long', `packet of ${length} octets exceeds ${MAX_PACKET_LENGTH}`);
  }
  return { attrs, length, prepend };
}

/**
 * Allocates the packet and writes the header (authenticator left to the
 * caller) and the attributes. Returns the offset of the Message-Authenticator
 * value to sign, or -1. One given in the list is signed even when `addMa` is
 * false: a placeholder left as is could never verify.
 */
function layout(
  spec: PacketSpec,
  addMa: boolean,
  hide: ((v: Buffer) => Buffer) | null,
): { buf: Buffer; maAt: number } {
  const { attrs, length, prepend } = measure(spec, addMa, hide);
  const buf = Buffer.allocUnsafe(length);
  buf[0] = spec.code;
  buf[1] = spec.identifier;
  buf.writeUInt16BE(length, 2);
  let off = HEADER_LENGTH;
  let maAt = -1;
  if (prepend) {
    maAt = off + 2;
    off = writeAttribute(buf, off, MA_PLACEHOLDER);
  }
  for (const a of attrs) {
    if (a.type === Attr.MessageAuthenticator) {
      maAt = off + 2;
      off = writeAttribute(buf, off, MA_PLACEHOLDER);
    } else {
      off = writeAttribute(buf, off, a);
    }
  }
  return { buf, maAt };
}

function writeAttribute(buf: Buffer, off: number, a: RawAttribute): number {
  buf[off] = a.type;
  buf[off + 1] = a.value.length + 2;
  a.value.copy(buf, off + 2);
  return off + 2 + a.value.length;
}
