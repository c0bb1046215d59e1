/**
 * The accounting handler's input: one decoded Accounting-Request (RFC 2866 §4.1),
 * as a plain typed record. The UDP server decodes the wire format and builds
 * this; nothing in accounting/ knows about packets, attributes or secrets.
 */
import type { AcctStatusType } from '../domain/session.js';

export type { AcctStatusType } from '../domain/session.js';

export interface AccountingRecord {
  /** NAS client name (from the client table), not its address: addresses change, names are keys. */
  nas: string;
  /** Acct-Status-Type (RFC 2866 §5.1). */
  statusType: AcctStatusType;
  /** Acct-Session-Id (RFC 2866 §5.5); '' for Accounting-On/Off. */
  acctSessionId: string;
  /**
   * The tenant the record was routed to (server/accounting-tenant.ts): the
   * NAS's owner, or the realm's on a shared NAS; null when it could not be
   * routed (its session, if any, decides). Absent in records journaled
   * before tenancy: the default tenant.
   */
  tenantId?: number | null;
  /** User-Name as routed: without the realm when the tenant strips it. */
  username: string | null;
  nasPort: number | null;
  nasPortId: string | null;
  nasIpAddress: string | null;
  framedIp: string | null;
  /**
   * Framed-IPv6-Prefix (RFC 3162 §2.3), 'addr/len', several joined by ','
   * (the attribute may appear more than once). Absent in records from
   * before the connection register: none.
   */
  framedIpv6Prefix?: string | null;
  /** Delegated-IPv6-Prefix (RFC 4818 §3), the same form. */
  delegatedIpv6Prefix?: string | null;
  /** Framed-Interface-Id (RFC 3162 §2.1): the 64-bit interface identifier, 16 hex digits. */
  framedInterfaceId?: string | null;
  callingStationId: string | null;
  /** Class (RFC 2865 §5.25) in hex, echoed from the Access-Accept. */
  classHex: string | null;
  /** Acct-Session-Time, seconds (RFC 2866 §5.7). */
  sessionTime: number | null;
  /** Acct-Input-Octets, low 32 bits (RFC 2866 §5.3). */
  inputOctets: number | null;
  outputOctets: number | null;
  /** Acct-Input-Gigawords: times the 32-bit counter wrapped (RFC 2869 §5.1). */
  inputGigawords: number | null;
  /** Acct-Output-Gigawords (RFC 2869 §5.2). */
  outputGigawords: number | null;
  inputPackets: number | null;
  outputPackets: number | null;
  /** Acct-Terminate-Cause as its RFC 2866 §5.10 text name, e.g. 'User-Request'. */
  terminateCause: string | null;
  /** Event-Timestamp, epoch seconds, NAS clock (RFC 2869 §5.3). */
  eventTimestamp: number | null;
  /** Acct-Delay-Time, seconds the NAS has been trying to send this (RFC 2866 §5.2). */
  delayTime: number | null;
  /** Acct-Interim-Interval in force for this session, seconds (RFC 2869 §5.16). */
  interimInterval: number | null;
  /** When we received the request, epoch milliseconds, our clock (injected by the server). */
  receivedAt: number;
}

/** Accounting-On/Off (RFC 2866 §5.1): the NAS (re)started or is shutting down. */
export function isNasReset(statusType: AcctStatusType): boolean {
  return statusType === 'accounting-on' || statusType === 'accounting-off';
}
