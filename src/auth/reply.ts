/**
 * The attributes of an Access-Accept: the member's own addresses, the plan's
 * attributes, and a Class that accounting carries back (RFC 2865 §5.25).
 */
import { randomFillSync } from 'node:crypto';
import { Attr, encodeIPv6Prefix, type RawAttribute } from '../protocol/index.js';
import { parseIPv4, parseIpv6Prefix } from '../net/ip.js';
import type { AuthMember } from '../domain/member.js';

/**
 * A member's own reply attributes. A prefix shorter than /64 is delegated to
 * the customer's router (Delegated-IPv6-Prefix, RFC 4818); a /64 or longer is
 * the link's own prefix (Framed-IPv6-Prefix, RFC 3162 §2.3).
 */
export function memberReply(member: Pick<AuthMember, 'ipv4' | 'ipv6Prefix'>): RawAttribute[] {
  const out: RawAttribute[] = [];
  if (member.ipv4) {
    const v = parseIPv4(member.ipv4);
    if (v) out.push({ type: Attr.FramedIpAddress, value: v });
  }
  if (member.ipv6Prefix) {
    const p = parseIpv6Prefix(member.ipv6Prefix);
    if (p.ok) out.push({ type: p.value.prefixLength < 64 ? Attr.DelegatedIpv6Prefix : Attr.FramedIpv6Prefix, value: encodeIPv6Prefix(p.value) });
  }
  return out;
}

const CLASS_PREFIX = 'radassoc:';

const CLASS_ID_OCTETS = 12;
/**
 * Random octets for class ids, drawn 12 at a time and refilled whole when
 * used up (no octet is ever handed out twice). randomBytes(12) per accept
 * was a tenth of the CPU of a PAP request: each call crosses into OpenSSL
 * and allocates; one refill serves 1,024 accepts.
 */
const classIdPool = Buffer.allocUnsafeSlow(CLASS_ID_OCTETS * 1024);
let classIdOffset = classIdPool.length;

/** A Class value unique to this authentication; accounting records echo it (RFC 2865 §5.25). */
export function newClassId(): string {
  if (classIdOffset === classIdPool.length) {
    randomFillSync(classIdPool);
    classIdOffset = 0;
  }
  const start = classIdOffset;
  classIdOffset += CLASS_ID_OCTETS;
  return classIdPool.toString('base64url', start, classIdOffset);
}

export function classAttribute(classId: string): RawAttribute {
  return { type: Attr.Class, value: Buffer.from(CLASS_PREFIX + classId, 'ascii') };
}

/** The class id from a Class value we issued, or null for someone else's. */
export function classIdOf(value: Buffer): string | null {
  const text = value.toString('latin1');
  return text.startsWith(CLASS_PREFIX) ? text.slice(CLASS_PREFIX.length) : null;
}
