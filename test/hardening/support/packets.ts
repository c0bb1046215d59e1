/**
 * Hostile-input corpus for the hardening suites: valid signed seed requests of
 * every kind a NAS sends, mutations of their attributes that are signed again
 * with the NAS secret (so they pass the authenticity checks and reach the
 * policy and accounting code with garbage inside), and byte-level damage that
 * no signature can cover (framing). Deterministic for a given seed.
 */
import { createHash } from 'node:crypto';
import { Attr, MsAttr, PacketCode, VendorId } from '../../../src/protocol/codes.js';
import { hmacWithZeroedMac, md5WithAuthenticator } from '../../../src/protocol/digest.js';
import { findMessageAuthenticator } from '../../../src/protocol/authenticator.js';
import { hidePassword } from '../../../src/protocol/user-password.js';
import { generateNtResponse, ntPasswordHash } from '../../../src/auth/mschap.js';

export interface Attribute {
  type: number;
  value: Buffer;
  /** A User-Password given in clear: hidden with the Request Authenticator when signed (RFC 2865 §5.2). */
  hide?: boolean;
}

export interface Draft {
  code: number;
  identifier: number;
  /** Request Authenticator of an Access-Request / Status-Server (the others compute theirs when signed). */
  authenticator: Buffer;
  attributes: Attribute[];
}

/** xorshift32: small, fast and reproducible; the seed is printed when an assertion fails. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    return this.next() % n;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.next() & 0xff;
    return b;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const a = (type: number, value: string | Buffer): Attribute => ({ type, value: typeof value === 'string' ? Buffer.from(value) : value });
const u32 = (type: number, n: number): Attribute => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return { type, value: b };
};
export const vsa = (vendor: number, type: number, value: Buffer, lengthOctet = value.length + 2): Attribute => {
  const b = Buffer.alloc(6 + value.length);
  b.writeUInt32BE(vendor);
  b[4] = type;
  b[5] = lengthOctet & 0xff;
  value.copy(b, 6);
  return { type: Attr.VendorSpecific, value: b };
};
const MA: Attribute = { type: Attr.MessageAuthenticator, value: Buffer.alloc(16) };

/** Valid requests of every kind, for `users` (a name and a password each), signed later with the NAS secret. */
export function seedDrafts(secret: string, users: ReadonlyArray<{ name: string; password: string }>, rng: Rng): Draft[] {
  const out: Draft[] = [];
  const auth = (attributes: Attribute[]): Draft => {
    const authenticator = rng.bytes(16);
    return { code: PacketCode.AccessRequest, identifier: rng.int(256), authenticator, attributes: [MA, ...attributes] };
  };
  for (const { name, password } of users) {
    const base = [a(Attr.UserName, name), a(Attr.NasIpAddress, Buffer.from([192, 0, 2, 1])), u32(Attr.NasPort, rng.int(4096)), a(Attr.CallingStationId, '02:00:00:00:00:01')];
    out.push(auth([...base, { type: Attr.UserPassword, value: Buffer.from(password), hide: true }]));
    const challenge = rng.bytes(16);
    const chapHash = createHash('md5').update(Buffer.from([5])).update(password).update(challenge).digest();
    out.push(auth([...base, a(Attr.ChapPassword, Buffer.concat([Buffer.from([5]), chapHash])), a(Attr.ChapChallenge, challenge)]));
    const peer = rng.bytes(16);
    const nt = generateNtResponse(challenge, peer, name, ntPasswordHash(password));
    out.push(auth([...base, vsa(VendorId.Microsoft, MsAttr.ChapChallenge, challenge), vsa(VendorId.Microsoft, MsAttr.Chap2Response, Buffer.concat([Buffer.from([1, 0]), peer, Buffer.alloc(8), nt]))]));
    out.push(auth([...base, vsa(VendorId.Microsoft, MsAttr.ChapChallenge, challenge.subarray(0, 8)), vsa(VendorId.Microsoft, MsAttr.ChapResponse, Buffer.concat([Buffer.from([1, 1]), Buffer.alloc(24), rng.bytes(24)]))]));
    out.push(auth([...base, a(Attr.EapMessage, rng.bytes(253)), a(Attr.EapMessage, rng.bytes(253)), a(Attr.EapMessage, rng.bytes(40))]));
    const session = `s-${rng.int(1e9)}`;
    for (const status of [1, 3, 2]) {
      out.push({
        code: PacketCode.AccountingRequest,
        identifier: rng.int(256),
        authenticator: Buffer.alloc(16),
        attributes: [u32(Attr.AcctStatusType, status), a(Attr.AcctSessionId, session), a(Attr.UserName, name), u32(Attr.AcctSessionTime, rng.int(1e5)),
          u32(Attr.AcctInputOctets, rng.next()), u32(Attr.AcctOutputOctets, rng.next()), u32(Attr.AcctInputGigawords, rng.int(4)), a(Attr.FramedIpAddress, Buffer.from([10, 0, 0, 1 + rng.int(250)])), a(Attr.Class, 'radassoc:abc')],
      });
    }
  }
  out.push({ code: PacketCode.AccountingRequest, identifier: 1, authenticator: Buffer.alloc(16), attributes: [u32(Attr.AcctStatusType, 7)] });
  out.push({ code: PacketCode.StatusServer, identifier: 2, authenticator: rng.bytes(16), attributes: [MA] });
  return out;
}

/** Attribute-level damage: the packet stays well framed, so once signed it reaches the handlers. */
const MUTATIONS: ReadonlyArray<(d: Draft, rng: Rng) => void> = [
  (d, rng) => { // a value replaced by random octets of random length, 0 included
    const i = rng.int(d.attributes.length + 1);
    if (i < d.attributes.length) d.attributes[i] = { type: d.attributes[i]!.type, value: rng.bytes(rng.int(254)) };
  },
  (d, rng) => { // an attribute duplicated (several User-Names, several Message-Authenticators, ...)
    if (d.attributes.length > 0) d.attributes.splice(rng.int(d.attributes.length + 1), 0, { ...d.attributes[rng.int(d.attributes.length)]! });
  },
  (d, rng) => { // one removed
    if (d.attributes.length > 0) d.attributes.splice(rng.int(d.attributes.length), 1);
  },
  (d, rng) => d.attributes.splice(rng.int(d.attributes.length + 1), 0, { type: rng.int(256), value: rng.bytes(rng.int(254)) }),
  (d, rng) => { // User-Password longer than 128, or not a multiple of 16
    d.attributes.push(a(Attr.UserPassword, rng.bytes(rng.pick([0, 1, 15, 17, 31, 129, 144, 240, 253]))));
  },
  (d, rng) => d.attributes.push(a(Attr.ChapPassword, rng.bytes(rng.pick([0, 1, 16, 18, 253])))),
  (d, rng) => d.attributes.push(vsa(VendorId.Microsoft, MsAttr.Chap2Response, rng.bytes(rng.pick([0, 1, 49, 51, 200])))),
  (d, rng) => { // Vendor-Specific with a broken inner length, or too short to hold a vendor id
    const value = rng.bytes(rng.int(40));
    d.attributes.push(rng.int(2) === 0 ? vsa(rng.pick([VendorId.Microsoft, 14988, 9, 4874, rng.next()]), rng.int(256), value, rng.pick([0, 1, 2, 255, value.length + 3])) : a(Attr.VendorSpecific, rng.bytes(rng.int(6))));
  },
  (d, rng) => { // Proxy-State flood up to the packet limit
    for (let n = 0, max = 1 + rng.int(60); n < max; n++) d.attributes.push(a(Attr.ProxyState, rng.bytes(1 + rng.int(60))));
  },
  (d, rng) => { for (let n = rng.int(20); n > 0; n--) d.attributes.push(a(Attr.EapMessage, rng.bytes(1 + rng.int(253)))); },
  (d, rng) => { d.code = rng.pick([0, 2, 3, 5, 11, 13, 40, 41, 42, 43, 44, 45, 255, rng.int(256)]); },
  (d, rng) => d.attributes.push(u32(Attr.AcctStatusType, rng.pick([0, 4, 6, 8, 15, 0xffffffff, rng.next()]))),
  (d, rng) => d.attributes.push(a(Attr.AcctSessionId, rng.int(2) ? Buffer.from([0, 0x41, 0xff, 0xfe]) : rng.bytes(rng.int(254)))),
  (d, rng) => { // names with NUL, invalid UTF-8, control characters, the longest possible
    d.attributes.unshift(a(Attr.UserName, rng.pick([Buffer.from('ali\u0000ce'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\r\n\t\u001b[31m'), Buffer.alloc(253, 0x61), Buffer.alloc(0)])));
  },
];

/** Signs a draft as the NAS would: Message-Authenticator (if exactly one), then the Request Authenticator where it is hashed. */
export function sign(d: Draft, secret: string): Buffer {
  const attributes = d.attributes.map((x) => (x.hide ? { type: x.type, value: hidePassword(x.value, secret, d.authenticator) } : x));
  let length = 20;
  for (const x of attributes) length += 2 + Math.min(x.value.length, 253);
  const buf = Buffer.alloc(length);
  buf[0] = d.code & 0xff;
  buf[1] = d.identifier & 0xff;
  buf.writeUInt16BE(Math.min(length, 0xffff), 2);
  let off = 20;
  for (const x of attributes) {
    const v = x.value.subarray(0, 253);
    buf[off] = x.type & 0xff;
    buf[off + 1] = v.length + 2;
    v.copy(buf, off + 2);
    off += 2 + v.length;
  }
  resign(buf, d, secret);
  return buf;
}

const HASHED = new Set<number>([PacketCode.AccountingRequest, 40, 43]);

/** Recomputes Message-Authenticator and Request Authenticator over the framed part of `buf`. */
function resign(buf: Buffer, d: Draft, secret: string): void {
  const key = Buffer.from(secret);
  const framed = buf.subarray(0, Math.min(buf.length, buf.readUInt16BE(2)));
  const hashed = HASHED.has(d.code);
  if (hashed) framed.fill(0, 4, 20);
  else d.authenticator.copy(framed, 4);
  const at = findMessageAuthenticator(framed);
  if (at >= 0) hmacWithZeroedMac(framed, hashed ? null : undefined, at, key).copy(framed, at);
  if (hashed) md5WithAuthenticator(framed, null, key).copy(framed, 4);
}

/** Bytes no signature can fix: framing. */
const DAMAGE: ReadonlyArray<(b: Buffer, rng: Rng) => Buffer> = [
  (b, rng) => { for (let n = 1 + rng.int(4); n > 0; n--) b[rng.int(b.length)]! ^= 1 << rng.int(8); return b; },
  (b, rng) => b.subarray(0, rng.int(20)), // under 20 octets
  (b, rng) => b.subarray(0, 20 + rng.int(Math.max(1, b.length - 20))), // truncated: Length now exceeds the datagram
  (b, rng) => { b.writeUInt16BE(rng.pick([0, 1, 19, 20, 21, b.length - 1, b.length + 1, 4096, 4097, 0xffff, rng.int(0x10000)]), 2); return b; },
  (b, rng) => Buffer.concat([b, rng.bytes(1 + rng.int(5000))]), // trailing octets; over 4,096 in all sometimes
  (b, rng) => { // an attribute length octet of 0, 1, or running past the end
    if (b.length > 21) b[20 + 1 + 2 * rng.int(Math.floor((b.length - 21) / 2))] = rng.pick([0, 1, 255, rng.int(256)]);
    return b;
  },
  (b, rng) => { b[0] = rng.pick([0, 2, 3, 5, 11, 6, 7, 8, 9, 10, 14, 50, 255]); return b; },
];

export interface Mutant {
  bytes: Buffer;
  /** Signed after its last change, so it can get past the authenticity checks. */
  signed: boolean;
}

/** One mutant of a seed: 1-3 attribute mutations, signed; and a third of the time byte damage after signing. */
export function mutate(seed: Draft, secret: string, rng: Rng): Mutant {
  // A fresh Request Authenticator: the same one again would be a retransmission (RFC 5080) and never reach the handlers.
  const d: Draft = { ...seed, identifier: rng.int(256), authenticator: rng.bytes(16), attributes: seed.attributes.map((x) => ({ ...x })) };
  for (let n = 1 + rng.int(3); n > 0; n--) rng.pick(MUTATIONS)(d, rng);
  const bytes = sign(d, secret);
  if (rng.int(3) !== 0) return { bytes, signed: true };
  return { bytes: rng.pick(DAMAGE)(bytes, rng), signed: false };
}
