/**
 * What bench/lib/mschap-load.ts sends and checks, computed before the timed
 * run: one MS-CHAPv2 Access-Request template per user (RFC 2759 §8 NT-Response
 * in RFC 2548 attributes) and the MS-CHAP2-Success each user's Accept must
 * carry. During the run only the request framing, a fresh Request
 * Authenticator, the Message-Authenticator and the response check remain.
 *
 * The MS-CHAP primitives are the project's own (src/auth/mschap.ts, pure-TS
 * MD4 and DES), checked against RFC 2759 §9.2 by selfCheck() at start.
 */
import { hash, randomBytes, randomFillSync } from 'node:crypto';
import { Attr, MsAttr, PacketCode, VendorId } from '../../src/protocol/codes.js';
import { generateAuthenticatorResponse, generateNtResponse, ntPasswordHash } from '../../src/auth/mschap.js';

export const username = (i: number): string => `user${String(i).padStart(6, '0')}`;
export const password = (i: number): string => `pass${String(i).padStart(6, '0')}`;

/** RFC 3579 §3.2: Message-Authenticator is the first attribute, so its value sits at a fixed offset. */
export const MA_VALUE_OFFSET = 20 + 2;
/** Largest RADIUS packet (RFC 2865 §3). */
export const MAX_PACKET = 4096;

export interface UserPackets {
  /** The whole Access-Request, Identifier, Request Authenticator and Message-Authenticator still zero. */
  request: Buffer;
  /** The MS-CHAP2-Success value the Accept must carry: Ident, then "S=" and 40 hex digits (RFC 2548 §2.3.3). */
  success: Buffer;
}

// ---- RFC 2759 §9.2 "Hash Example", the self-check.

const RFC2759_9_2 = {
  username: 'User',
  password: 'clientPass',
  authenticatorChallenge: '5B5D7C7D7B3F2F3E3C2C602132262628',
  peerChallenge: '21402324255E262A28295F2B3A337C7E',
  ntResponse: '82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF',
  authenticatorResponse: 'S=407A5589115FD0D6209F510FE9C04566932CDA56',
} as const;

/** null when the MS-CHAPv2 computation gives RFC 2759 §9.2's values, else what differs. */
export function selfCheck(): string | null {
  const v = RFC2759_9_2;
  const hex = (s: string): Buffer => Buffer.from(s, 'hex');
  const ntHash = ntPasswordHash(v.password);
  const ac = hex(v.authenticatorChallenge);
  const pc = hex(v.peerChallenge);
  const nt = generateNtResponse(ac, pc, v.username, ntHash);
  if (!nt.equals(hex(v.ntResponse))) return `RFC 2759 §9.2 NT-Response: got ${nt.toString('hex')}`;
  const ar = generateAuthenticatorResponse(ntHash, nt, pc, ac, v.username);
  if (ar !== v.authenticatorResponse) return `RFC 2759 §9.2 AuthenticatorResponse: got ${ar}`;
  return null;
}

// ---- Request templates.

/** RFC 2865 §5: type, length, value. */
function attr(type: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, value.length + 2]), value]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** RFC 2865 §5.26 Vendor-Specific with one Microsoft sub-attribute (RFC 2548 §2). */
function msAttr(vendorType: number, value: Buffer): Buffer {
  return attr(Attr.VendorSpecific, Buffer.concat([u32(VendorId.Microsoft), Buffer.from([vendorType, value.length + 2]), value]));
}

/** RFC 2548 §2.3.2 MS-CHAP2-Response: Ident, Flags (0), Peer-Challenge, 8 reserved zeros, NT-Response. */
function msChap2Response(ident: number, peerChallenge: Buffer, ntResponse: Buffer): Buffer {
  return Buffer.concat([Buffer.from([ident, 0]), peerChallenge, Buffer.alloc(8), ntResponse]);
}

/** The same NAS-side attributes as radload's Access-Requests, so that only the credential differs. */
function nasAttributes(i: number): Buffer[] {
  return [
    attr(Attr.NasIpAddress, Buffer.from([127, 0, 0, 1])),
    attr(Attr.NasPort, u32(i % 65536)),
    attr(Attr.NasPortType, u32(5)), // Virtual
    attr(Attr.ServiceType, u32(2)), // Framed
    attr(Attr.FramedProtocol, u32(1)), // PPP
  ];
}

function userPackets(i: number, authenticatorChallenge: Buffer, peerChallenge: Buffer): UserPackets {
  const name = username(i);
  const ntHash = ntPasswordHash(password(i));
  // RFC 2759 §8.1 GenerateNTResponse: the peer's answer to this challenge pair.
  const ntResponse = generateNtResponse(authenticatorChallenge, peerChallenge, name, ntHash);
  const ident = i & 0xff;
  const body = Buffer.concat([
    attr(Attr.MessageAuthenticator, Buffer.alloc(16)),
    attr(Attr.UserName, Buffer.from(name, 'utf8')),
    msAttr(MsAttr.ChapChallenge, authenticatorChallenge),
    msAttr(MsAttr.Chap2Response, msChap2Response(ident, peerChallenge, ntResponse)),
    ...nasAttributes(i),
  ]);
  const header = Buffer.alloc(20);
  header[0] = PacketCode.AccessRequest;
  header.writeUInt16BE(20 + body.length, 2);
  // RFC 2759 §8.7: what the authenticator must send back in MS-CHAP2-Success.
  const authResponse = generateAuthenticatorResponse(ntHash, ntResponse, peerChallenge, authenticatorChallenge, name);
  const success = Buffer.concat([Buffer.from([ident]), Buffer.from(authResponse, 'ascii')]);
  return { request: Buffer.concat([header, body]), success };
}

/**
 * One request and expected Success per user, with random challenges. Each
 * user's triple is reused across requests: neither server under test tracks
 * challenge reuse, and a real NAS's fresh challenge costs the server the same.
 */
export function buildUsers(users: number): UserPackets[] {
  const random = randomBytes(32 * users);
  const out: UserPackets[] = [];
  for (let i = 0; i < users; i++) {
    out.push(userPackets(i, random.subarray(32 * i, 32 * i + 16), random.subarray(32 * i + 16, 32 * i + 32)));
  }
  return out;
}

// ---- Per-request work.

/** Request Authenticators (RFC 2865 §3: unpredictable) from a pool, refilled in bulk: one syscall per 4096 packets. */
export class AuthenticatorPool {
  private readonly pool = Buffer.allocUnsafe(16 * 4096);
  private next = this.pool.length;

  fill(target: Buffer, offset: number): void {
    if (this.next === this.pool.length) {
      randomFillSync(this.pool);
      this.next = 0;
    }
    this.pool.copy(target, offset, this.next, this.next + 16);
    this.next += 16;
  }
}

const BLOCK = 64; // MD5's block size, for RFC 2104

/**
 * HMAC-MD5 (RFC 2104) for the Message-Authenticator without an Hmac object
 * per packet: each slot buffer starts with the inner padded key (K xor ipad),
 * followed by the packet, so the inner hash is one call over contiguous
 * memory and the outer one a call over a fixed 80-octet scratch.
 */
export class SlotSigner {
  /** Where the packet starts in a slot buffer. */
  readonly packetOffset = BLOCK;
  private readonly innerKey: Buffer;
  /** K xor opad, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + 16);

  constructor(secret: Buffer) {
    // RFC 2104 §2: keys longer than the block are hashed first, shorter ones padded with zeros.
    const key = Buffer.alloc(BLOCK);
    (secret.length > BLOCK ? hash('md5', secret, 'buffer') : secret).copy(key);
    this.innerKey = Buffer.from(key.map((b) => b ^ 0x36));
    Buffer.from(key.map((b) => b ^ 0x5c)).copy(this.outer);
  }

  /** A buffer for one request slot: the inner key, then room for a packet. */
  slot(): Buffer {
    const b = Buffer.alloc(BLOCK + MAX_PACKET);
    this.innerKey.copy(b);
    return b;
  }

  /** RFC 3579 §3.2: HMAC-MD5 over the packet with the Message-Authenticator zeroed, written into it. */
  sign(slot: Buffer, packetLength: number): void {
    slot.fill(0, BLOCK + MA_VALUE_OFFSET, BLOCK + MA_VALUE_OFFSET + 16);
    hash('md5', slot.subarray(0, BLOCK + packetLength), 'buffer').copy(this.outer, BLOCK);
    hash('md5', this.outer, 'buffer').copy(slot, BLOCK + MA_VALUE_OFFSET);
  }
}

/** RFC 2865 §3 Response Authenticator: MD5(Code+Identifier+Length+RequestAuth+Attributes+Secret). */
export class ResponseChecker {
  private readonly scratch: Buffer;

  constructor(private readonly secret: Buffer) {
    this.scratch = Buffer.alloc(MAX_PACKET + secret.length);
  }

  /** `length` is the packet's Length field, already checked against what was received. */
  valid(response: Buffer, length: number, requestAuthenticator: Buffer): boolean {
    response.copy(this.scratch, 0, 0, length);
    requestAuthenticator.copy(this.scratch, 4);
    this.secret.copy(this.scratch, length);
    const expected = hash('md5', this.scratch.subarray(0, length + this.secret.length), 'buffer');
    return expected.equals(response.subarray(4, 20));
  }
}

/**
 * An Access-Accept to `request` carrying `success` as MS-CHAP2-Success,
 * signed as a server signs it (RFC 2865 §3): what the load generator's
 * warm-up checks before the timed run.
 */
export function signedAccept(request: Buffer, success: Buffer, secret: Buffer): Buffer {
  const body = msAttr(MsAttr.Chap2Success, success);
  const packet = Buffer.concat([request.subarray(0, 20), body]);
  packet[0] = PacketCode.AccessAccept;
  packet.writeUInt16BE(packet.length, 2);
  hash('md5', Buffer.concat([packet, secret]), 'buffer').copy(packet, 4);
  return packet;
}

/**
 * The value of the first MS-CHAP2-Success (RFC 2548 §2.3.3) in the packet's
 * attributes, or null. A Vendor-Specific attribute may hold several
 * sub-attributes (RFC 2865 §5.26), so each is looked at.
 */
export function findMsChap2Success(packet: Buffer, length: number): Buffer | null {
  for (let at = 20; at + 2 <= length; ) {
    const type = packet[at]!;
    const len = packet[at + 1]!;
    if (len < 2 || at + len > length) return null;
    if (type === Attr.VendorSpecific && len >= 8 && packet.readUInt32BE(at + 2) === VendorId.Microsoft) {
      for (let sub = at + 6; sub + 2 <= at + len; ) {
        const subLen = packet[sub + 1]!;
        if (subLen < 2 || sub + subLen > at + len) break;
        if (packet[sub] === MsAttr.Chap2Success) return packet.subarray(sub + 2, sub + subLen);
        sub += subLen;
      }
    }
    at += len;
  }
  return null;
}
