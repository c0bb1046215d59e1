/**
 * The daemon's in-memory record of a member: only what the access policy
 * reads, in one fixed-shape object per member.
 *
 * Why: the directory holds every member (a million in the scale test), and a
 * full Member (two Dates, a Buffer, a fresh array of method strings, the
 * admin-only fields) cost about 1 KB each. Here the credential is the record
 * itself (no nested object), the NT hash stays as its 32 hex digits until an
 * MS-CHAP request needs the octets, method lists and plan names are shared
 * between members, and the static IPv4 address is a number, parsed once at
 * load and written into a 4-octet value per Access-Accept. (Keeping the
 * encoded attribute instead, a Buffer in an object in an array, cost about
 * 400 bytes per member: more than the rest of the record.)
 */
import type { AuthCredential, AuthMethod, MemberStatus } from '../domain/member.js';
import type { AuthMemberRow } from '../db/members.js';
import type { DirectoryMemberRow } from '../db/directory-reads.js';
import { Attr, type RawAttribute } from '../protocol/index.js';
import { parseIPv4 } from '../net/ip.js';
import type { DirectoryMember } from './directory.js';
import { memberReply } from './reply.js';
import { ReplyTemplate } from './reply-template.js';

const NT_HEX = /^[0-9a-f]{32}$/;

export class CachedMember implements DirectoryMember, AuthCredential {
  constructor(
    readonly username: string,
    readonly cleartext: string | null,
    /** 32 lowercase hex digits, or null when no NT hash is stored. */
    private readonly ntHex: string | null,
    readonly strongHash: string | null,
    readonly authMethods: readonly AuthMethod[],
    readonly status: MemberStatus,
    readonly plan: string | null,
    readonly maxSessions: number | null,
    /** Framed-IP-Address as an unsigned 32-bit number, -1 for none. */
    private readonly framedIp: number,
    /** The IPv6 prefix attribute, encoded at load: few members have one, so it may cost more. */
    private readonly ipv6Reply: RawAttribute | null,
    /** The access line the member is bound to (RFC 4679), if any: the directory indexes it. */
    readonly lineId: string | null = null,
    /** A FreeRADIUS hash of a member moved in without its cleartext (auth/legacy-credential-text.ts); null for every other. */
    readonly legacyHash: string | null = null,
    /** Reply attributes of the member's own (moved in from FreeRADIUS), compiled at load; null for most. */
    readonly ownReply: ReplyTemplate | null = null,
  ) {}

  /** Appends the member's own reply attributes, in the order memberReply gives them. */
  addReply(out: RawAttribute[]): void {
    if (this.framedIp >= 0) {
      const value = Buffer.allocUnsafe(4);
      value.writeUInt32BE(this.framedIp, 0);
      out.push({ type: Attr.FramedIpAddress, value });
    }
    if (this.ipv6Reply !== null) out.push(this.ipv6Reply);
  }

  /** The record is its own credential: one object per member instead of two. */
  get credential(): AuthCredential {
    return this;
  }

  /**
   * The stored NT hash, decoded on each use: only MS-CHAP reads it (PAP and
   * CHAP of a member with a cleartext never do), and 0.1 µs of hex decoding
   * beside ~20 µs of MS-CHAP is cheaper than a Buffer kept per member.
   */
  get ntHash(): Buffer | null {
    return this.ntHex === null ? null : Buffer.from(this.ntHex, 'hex');
  }
}

/**
 * Builds records from rows, sharing what many members have in common. One
 * per load (or refresh), so the shared tables never outgrow the data.
 */
export class CachedMemberBuilder {
  private readonly methods = new Map<string, readonly AuthMethod[]>();
  private readonly plans = new Map<string, string>();

  build(row: AuthMemberRow | DirectoryMemberRow): CachedMember {
    const ip = row.ipv4 === null ? undefined : parseIPv4(row.ipv4);
    const ipv6Reply = row.ipv6_prefix === null ? null : (memberReply({ ipv6Prefix: row.ipv6_prefix })[0] ?? null);
    return new CachedMember(
      row.username,
      row.cleartext,
      // The column is 16 octets by constraint; anything else would not have been a usable hash either.
      row.nt_hash !== null && NT_HEX.test(row.nt_hash) ? row.nt_hash : null,
      row.strong_hash,
      this.methodList(row.auth_methods),
      row.status === 'suspended' ? 'suspended' : 'active',
      row.plan === null ? null : this.planName(row.plan),
      row.max_sessions,
      ip === undefined ? -1 : ip.readUInt32BE(0),
      ipv6Reply,
      'line_id' in row ? row.line_id : null,
      row.legacy_hash ?? null,
      ownReplyOf(row.reply_attributes),
    );
  }

  private methodList(text: string): readonly AuthMethod[] {
    let list = this.methods.get(text);
    if (list === undefined) {
      list = Object.freeze(text === '' ? [] : (text.split(',') as AuthMethod[]));
      this.methods.set(text, list);
    }
    return list;
  }

  private planName(name: string): string {
    let shared = this.plans.get(name);
    if (shared === undefined) {
      shared = name;
      this.plans.set(name, name);
    }
    return shared;
  }
}

/**
 * A member's own reply attributes, compiled once. They were checked against
 * the dictionaries when written; one a dictionary change made invalid is
 * left out with the rest of that member's own, as a plan's would be.
 */
function ownReplyOf(v: unknown): ReplyTemplate | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const attrs = v.filter((a): a is { name: string; value: string } =>
    typeof a === 'object' && a !== null && typeof a.name === 'string' && typeof a.value === 'string');
  try {
    return ReplyTemplate.compile(attrs);
  } catch {
    return null;
  }
}
