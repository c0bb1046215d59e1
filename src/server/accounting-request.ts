/**
 * Accounting-Request → AccountingRecord (RFC 2866 §5, RFC 2869 §5.1-5.2): the
 * wire format ends here; accounting/ works on typed records only.
 */
import {
  AcctStatus,
  Attr,
  findAttribute,
  getAttribute,
  getAttributes,
  getString,
  getUint32,
  readIPv6Prefix,
  type RadiusPacket,
} from '../protocol/index.js';
import { formatIPv4 } from '../net/ip.js';
import type { AcctStatusType } from '../domain/session.js';
import type { AccountingRecord } from '../accounting/record.js';

/** Acct-Terminate-Cause names (RFC 2866 §5.10, RFC 3580) from the dictionary, looked up once. */
const TERMINATE_CAUSES: ReadonlyMap<number, string> = findAttribute('Acct-Terminate-Cause')?.valueNames ?? new Map();

const STATUS: Readonly<Record<number, AcctStatusType>> = {
  [AcctStatus.Start]: 'start',
  [AcctStatus.Stop]: 'stop',
  [AcctStatus.InterimUpdate]: 'interim',
  [AcctStatus.AccountingOn]: 'accounting-on',
  [AcctStatus.AccountingOff]: 'accounting-off',
};

/** Every instance of an RFC 3162 §2.3 prefix attribute as 'addr/len', joined by ','; malformed values skipped. */
function prefixes(packet: RadiusPacket, type: number): string | null {
  const out: string[] = [];
  for (const v of getAttributes(packet, type)) {
    const p = readIPv6Prefix(v);
    if (p && !out.includes(`${p.address}/${p.length}`)) out.push(`${p.address}/${p.length}`);
  }
  return out.length > 0 ? out.join(',') : null;
}

/** Framed-Interface-Id (RFC 3162 §2.1): 8 octets, kept as 16 hex digits. */
function interfaceId(packet: RadiusPacket): string | null {
  const v = getAttribute(packet, Attr.FramedInterfaceId);
  return v?.length === 8 ? v.toString('hex') : null;
}

/** null when the record cannot be keyed (no known Acct-Status-Type, or a session record without Acct-Session-Id). */
export function accountingRecordFrom(packet: RadiusPacket, nas: string, receivedAt: number): AccountingRecord | null {
  const statusType = STATUS[getUint32(packet, Attr.AcctStatusType) ?? -1];
  if (!statusType) return null;
  const acctSessionId = getString(packet, Attr.AcctSessionId) ?? '';
  if (acctSessionId === '' && statusType !== 'accounting-on' && statusType !== 'accounting-off') return null;
  const ip = getAttribute(packet, Attr.FramedIpAddress);
  const nasIp = getAttribute(packet, Attr.NasIpAddress);
  const cls = getAttribute(packet, Attr.Class);
  const cause = getUint32(packet, Attr.AcctTerminateCause);
  const u = (type: number): number | null => getUint32(packet, type) ?? null;
  return {
    nas,
    statusType,
    acctSessionId,
    // Set by routing (server/accounting-tenant.ts) in place: present from the start, the record keeps one shape.
    tenantId: null,
    username: getString(packet, Attr.UserName) ?? null,
    nasPort: u(Attr.NasPort),
    nasPortId: getString(packet, Attr.NasPortId) ?? null,
    nasIpAddress: nasIp?.length === 4 ? formatIPv4(nasIp) : null,
    framedIp: ip?.length === 4 ? formatIPv4(ip) : null,
    framedIpv6Prefix: prefixes(packet, Attr.FramedIpv6Prefix),
    delegatedIpv6Prefix: prefixes(packet, Attr.DelegatedIpv6Prefix),
    framedInterfaceId: interfaceId(packet),
    callingStationId: getString(packet, Attr.CallingStationId) ?? null,
    classHex: cls ? cls.toString('hex') : null,
    sessionTime: u(Attr.AcctSessionTime),
    inputOctets: u(Attr.AcctInputOctets),
    outputOctets: u(Attr.AcctOutputOctets),
    inputGigawords: u(Attr.AcctInputGigawords),
    outputGigawords: u(Attr.AcctOutputGigawords),
    inputPackets: u(Attr.AcctInputPackets),
    outputPackets: u(Attr.AcctOutputPackets),
    terminateCause: cause === undefined ? null : (TERMINATE_CAUSES.get(cause) ?? `Cause-${cause}`),
    eventTimestamp: u(Attr.EventTimestamp),
    delayTime: u(Attr.AcctDelayTime),
    interimInterval: u(Attr.AcctInterimInterval),
    receivedAt,
  };
}
