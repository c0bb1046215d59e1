/**
 * What the privacy suites share: accounting records built as a NAS sends
 * them (IPv4 and the IPv6 attributes of RFC 3162 / RFC 4818), members with
 * a line, and the register read back with plain SQL.
 */
import type { Queryable } from '../../src/db/db.js';
import type { TenantRef } from '../../src/domain/tenant.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import type { RawAttribute } from '../../src/protocol/packet.js';
import { attr } from '../support/nas.js';

export const START = 1;
export const STOP = 2;
export const INTERIM = 3;

/** RFC 3162 §2.3: Reserved, Prefix-Length, the prefix octets. */
export function prefixValue(prefix: string): Buffer {
  const [addr, len] = prefix.split('/') as [string, string];
  const groups = addr.split('::');
  const head = groups[0] ? groups[0].split(':') : [];
  const tail = groups[1] ? groups[1].split(':') : [];
  const words = [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail].map((w) => parseInt(w, 16));
  const bytes = Buffer.alloc(16);
  words.forEach((w, i) => bytes.writeUInt16BE(w, i * 2));
  return Buffer.concat([Buffer.from([0, Number(len)]), bytes.subarray(0, Math.ceil(Number(len) / 8))]);
}

export interface Addresses {
  ipv4?: string;
  framedIpv6Prefix?: string;
  delegatedIpv6Prefix?: string;
  /** 16 hex digits. */
  interfaceId?: string;
}

export function addressAttributes(a: Addresses): RawAttribute[] {
  const out: RawAttribute[] = [];
  if (a.ipv4) out.push(attr(Attr.FramedIpAddress, Buffer.from(a.ipv4.split('.').map(Number))));
  if (a.framedIpv6Prefix) out.push(attr(Attr.FramedIpv6Prefix, prefixValue(a.framedIpv6Prefix)));
  if (a.delegatedIpv6Prefix) out.push(attr(Attr.DelegatedIpv6Prefix, prefixValue(a.delegatedIpv6Prefix)));
  if (a.interfaceId) out.push(attr(Attr.FramedInterfaceId, Buffer.from(a.interfaceId, 'hex')));
  return out;
}

/** An Accounting-Request of `status` for a session. */
export function acct(status: number, sessionId: string, user: string, extra: RawAttribute[] = []): { code: number; attributes: RawAttribute[] } {
  return {
    code: PacketCode.AccountingRequest,
    attributes: [attr(Attr.AcctStatusType, status), attr(Attr.AcctSessionId, sessionId), attr(Attr.UserName, user), ...extra],
  };
}

export async function addMember(q: Queryable, tenant: TenantRef, username: string, line: string | null = null): Promise<number> {
  const r = await q.query<{ id: unknown }>(
    "INSERT INTO members (tenant_id, username, strong_hash, auth_methods, line_id) VALUES ($1, $2, 'x', ARRAY['pap'], $3) RETURNING id",
    [tenant.id, username, line],
  );
  return Number(r.rows[0]!.id);
}
