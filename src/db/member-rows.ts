/**
 * What members.ts and member-import.ts share: the selected columns, the row
 * mapper, field validation and the mapping of constraint errors to the
 * error catalogue, whose words say what to do next.
 */
import { ALL_AUTH_METHODS, type AuthMethod, type Member, type MemberStatus, type SuspensionKind } from '../domain/member.js';
import type { PlanAttribute } from '../domain/plan.js';
import { isIsoDate } from '../domain/validate.js';
import { canonicalAddress, isIPv4, parseIpv6Prefix } from '../net/ip.js';
import { fail, type RadassocError } from '../errors.js';
import { dbErrorInfo, keyValueFromDetail, SQLSTATE } from './pg-errors.js';
import { bufOrNull, date, dateOrNull, num, numOrNull, str, strArray, strOrNull } from './rows.js';

/**
 * host() and ::text give canonical text; to_char keeps dates out of time
 * zones. Instants come as epoch milliseconds and the method list as one text:
 * node-postgres parses a number or a text at a fraction of the cost of a
 * timestamptz or a text[], which a page of members or the start-up's load of
 * every member pays per row.
 */
const epochMs = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8 AS ${column}`;
export const MEMBER_COLUMNS = `id, tenant_id, username, cleartext, nt_hash, strong_hash, array_to_string(auth_methods, ',') AS auth_methods, status,
  suspended_reason, suspension_kind, ${epochMs('suspended_at')}, plan, host(ipv4) AS ipv4, ipv6_prefix::text AS ipv6_prefix,
  max_sessions, to_char(paid_until, 'YYYY-MM-DD') AS paid_until, line_id, ${epochMs('created_at')}, ${epochMs('updated_at')}, legacy_hash, reply_attributes`;

export type MemberRow = Record<string, unknown>;

export function toMember(r: MemberRow): Member {
  return {
    id: num(r.id),
    tenantId: num(r.tenant_id),
    username: str(r.username),
    credential: { cleartext: strOrNull(r.cleartext), ntHash: bufOrNull(r.nt_hash), strongHash: strOrNull(r.strong_hash), legacyHash: strOrNull(r.legacy_hash) },
    authMethods: methodsOf(r.auth_methods),
    status: str(r.status) as MemberStatus,
    suspendedReason: strOrNull(r.suspended_reason),
    suspensionKind: suspensionKindOf(r),
    suspendedAt: dateOrNull(r.suspended_at),
    plan: strOrNull(r.plan),
    ipv4: strOrNull(r.ipv4),
    ipv6Prefix: strOrNull(r.ipv6_prefix),
    maxSessions: numOrNull(r.max_sessions),
    paidUntil: strOrNull(r.paid_until),
    lineId: strOrNull(r.line_id),
    replyAttributes: replyAttributesOf(r.reply_attributes),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

/** auth_methods as MEMBER_COLUMNS gives it (comma-joined), or as a text[] from a query of its own. */
function methodsOf(v: unknown): AuthMethod[] {
  if (typeof v === 'string') return (v === '' ? [] : v.split(',')) as AuthMethod[];
  return strArray(v) as AuthMethod[];
}

/** The member's own reply attributes (moved in from FreeRADIUS); [] for most. */
function replyAttributesOf(v: unknown): PlanAttribute[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((a): a is PlanAttribute => typeof a === 'object' && a !== null && typeof a.name === 'string' && typeof a.value === 'string')
    .map((a) => ({ name: a.name, value: a.value }));
}

/** A suspended row without a kind (written by hand, outside radassoc) counts as manual: only `member resume` lifts it. */
function suspensionKindOf(r: MemberRow): SuspensionKind | null {
  const kind = strOrNull(r.suspension_kind);
  if (kind === 'dues' || kind === 'manual') return kind;
  return str(r.status) === 'suspended' ? 'manual' : null;
}

export const unknownMember = (username: string): RadassocError =>
  fail('UNKNOWN_MEMBER', { username });

/** Field checks shared by add, set and import; values come back canonical. */
export const check = {
  username(u: string): string {
    if (u.length === 0 || u.length > 253 || /[\u0000-\u001f\u007f]/.test(u)) {
      throw fail('INVALID_ARGUMENT', { problem: 'username', username: u });
    }
    return u;
  },
  ipv4(v: string | null | undefined): string | null {
    if (v === null || v === undefined) return null;
    if (!isIPv4(v)) throw fail('INVALID_ADDRESS', { value: v });
    return canonicalAddress(v);
  },
  ipv6Prefix(v: string | null | undefined): string | null {
    if (v === null || v === undefined) return null;
    const r = parseIpv6Prefix(v);
    if (!r.ok) throw fail('INVALID_CIDR', { value: v, reason: r.reason });
    return r.value.text;
  },
  paidUntil(v: string | null | undefined): string | null {
    if (v === null || v === undefined) return null;
    if (!isIsoDate(v)) throw fail('INVALID_DATE', { value: v });
    return v;
  },
  maxSessions(v: number | null | undefined): number | null {
    if (v === null || v === undefined) return null;
    if (!Number.isInteger(v) || v < 1 || v > 2 ** 31 - 1) {
      throw fail('INVALID_ARGUMENT', { problem: 'max-sessions', value: v });
    }
    return v;
  },
  authMethods(v: readonly string[]): AuthMethod[] {
    const bad = v.filter((m) => !ALL_AUTH_METHODS.includes(m as AuthMethod));
    if (v.length === 0 || bad.length > 0) {
      throw fail('INVALID_ARGUMENT', { problem: 'auth-methods', unknown: bad });
    }
    return [...new Set(v)] as AuthMethod[];
  },
  /**
   * An access-line identifier as the NAS sends it: RFC 4679 Agent-Circuit-Id
   * or Agent-Remote-Id (§3.3.1, §3.3.2: up to 63 octets), or NAS-Port-Id
   * (RFC 2869 §5.17), so at most one attribute's 253 octets of printable text.
   */
  lineId(v: string | null | undefined): string | null {
    if (v === null || v === undefined) return null;
    if (v.length === 0 || Buffer.byteLength(v) > 253 || /[\u0000-\u001f\u007f]/.test(v)) {
      throw fail('INVALID_ARGUMENT', { problem: 'line', line: v });
    }
    return v;
  },
  ntHash(v: Buffer | null): Buffer | null {
    if (v !== null && v.length !== 16) throw fail('INVALID_PASSWORD', { problem: 'nt-hash-length' });
    return v;
  },
};

/**
 * Constraint errors to the catalogue; anything else is returned unchanged.
 * `username` is the member being written, for the messages.
 */
export function mapMemberError(e: unknown, username: string): unknown {
  const info = dbErrorInfo(e);
  if (!info) return e;
  const value = keyValueFromDetail(info.detail);
  switch (info.code) {
    case SQLSTATE.uniqueViolation:
      // The keys are per tenant, (tenant_id, value): the value is the last of the pair.
      if (info.constraint === 'members_ipv4_key') return addressInUse(lastKeyPart(value) ?? '?', null);
      if (info.constraint === 'members_line_id_key') return fail('LINE_IN_USE', { line: lastKeyPart(value) ?? '?', holder: null });
      return fail('DUPLICATE_MEMBER', { username: lastKeyPart(value) ?? username, via: 'write' });
    case SQLSTATE.foreignKeyViolation:
      return fail('UNKNOWN_PLAN', { plan: lastKeyPart(value) ?? '?' });
    case SQLSTATE.checkViolation:
      if (info.constraint === 'members_ipv4_check') return fail('INVALID_ADDRESS', { problem: 'not-single' });
      if (info.constraint === 'members_line_id_check') return fail('INVALID_ARGUMENT', { problem: 'line', line: '' });
      if (info.constraint === 'members_ipv6_prefix_check') return fail('INVALID_CIDR', { value: null, reason: 'the IPv6 prefix must be an IPv6 block' });
      return fail('INVALID_ARGUMENT', { problem: 'member-constraint', username, reason: info.message });
    case SQLSTATE.invalidTextRepresentation:
      if (/type inet/.test(info.message)) return fail('INVALID_ADDRESS', { rejected: info.message });
      if (/cidr/.test(info.message)) return fail('INVALID_CIDR', { value: null, reason: info.message });
      return e;
    case SQLSTATE.invalidDatetimeFormat:
    case SQLSTATE.datetimeFieldOverflow:
      return fail('INVALID_DATE', { rejected: info.message });
    default:
      return e;
  }
}

/** "1, alice" (a per-tenant key's detail) → "alice"; a one-column key's value as it is. */
export function lastKeyPart(value: string | null): string | null {
  if (value === null) return null;
  const m = /^\d+, (.*)$/.exec(value);
  return m ? (m[1] ?? null) : value;
}

export function addressInUse(address: string, holder: string | null): RadassocError {
  return fail('ADDRESS_IN_USE', { address, holder });
}
