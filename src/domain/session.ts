/**
 * A live accounting session, as kept in the session store (Redis or in-process)
 * and flushed to PostgreSQL. Octet counters are plain numbers: 2^53 octets
 * (9 PB) per session is beyond any real line.
 */
import { DEFAULT_TENANT_ID } from './tenant.js';

export type AcctStatusType = 'start' | 'interim' | 'stop' | 'accounting-on' | 'accounting-off';

export interface LiveSession {
  /** Acct-Unique-Session-Id: stable key from NAS, Acct-Session-Id and start. */
  uniqueId: string;
  nas: string;
  acctSessionId: string;
  /**
   * The tenant the session belongs to, decided at its first record (the NAS's
   * owner, or the realm on a shared NAS) and never changed after. null: held
   * unattributed (a shared NAS's first record had no realm it carries) until
   * a later record of the session names one. Absent only in sessions stored
   * before tenancy: read with sessionTenant(), as the default tenant.
   */
  tenantId?: number | null;
  /** As the tenant stores its member: the realm stripped when the tenant strips it. */
  username: string;
  nasPort: number | null;
  nasPortId: string | null;
  nasIpAddress: string | null;
  framedIp: string | null;
  /**
   * The IPv6 side of the session (RFC 3162, RFC 4818), as the accounting
   * record gave them (accounting/record.ts). Absent in sessions stored before
   * the connection register: read as null.
   */
  framedIpv6Prefix?: string | null;
  delegatedIpv6Prefix?: string | null;
  framedInterfaceId?: string | null;
  callingStationId: string | null;
  /** Class attribute (hex) tying the session back to its authentication. */
  classHex: string | null;
  /** Epoch milliseconds. */
  startTime: number;
  lastUpdate: number;
  /** Acct-Interim-Interval in seconds, when known, for the stale deadline. */
  interimInterval: number | null;
  sessionTime: number;
  inputOctets: number;
  outputOctets: number;
  inputPackets: number;
  outputPackets: number;
  /** Set once Stop (or a forced close) was recorded; a stopped session never reopens. */
  stopTime: number | null;
  terminateCause: string | null;
}

/** A session's tenant; one stored before tenancy is the default tenant's (sql/040_tenants.sql moved everything there). */
export function sessionTenant(s: Pick<LiveSession, 'tenantId'>): number | null {
  return s.tenantId === undefined ? DEFAULT_TENANT_ID : s.tenantId;
}
