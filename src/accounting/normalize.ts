/**
 * Reduces an AccountingRecord to what the session rules need: 64-bit counters
 * (RFC 2869 §5.1-5.2), event and start times on our clock, the uniqueId a new
 * session would get. Shared by the TS machine and the Redis store, which
 * sends this to its Lua script (Lua has no MD5, and one place computes times).
 */
import { createHash } from 'node:crypto';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import type { AccountingRecord, AcctStatusType } from './record.js';

/** RFC 2869 §5.1-5.2: a gigaword is one wrap of the 32-bit octet counter. */
export const GIGAWORD = 2 ** 32;
/** Event-Timestamp is believed only within this window around our clock (NAS clocks are often unset). */
const EVENT_TIMESTAMP_PAST_MS = 7 * 24 * 3600_000;
const EVENT_TIMESTAMP_FUTURE_MS = 5_000;

/** A record reduced to what the rules need: counters 64-bit, times resolved to our clock. */
export interface NormalizedRecord {
  kind: AcctStatusType;
  nas: string;
  acctSessionId: string;
  /** The routed tenant; null: not routable (the session's own tenant decides). */
  tenantId: number | null;
  username: string | null;
  nasPort: number | null;
  nasPortId: string | null;
  nasIpAddress: string | null;
  framedIp: string | null;
  framedIpv6Prefix: string | null;
  delegatedIpv6Prefix: string | null;
  framedInterfaceId: string | null;
  callingStationId: string | null;
  classHex: string | null;
  interimInterval: number | null;
  sessionTime: number | null;
  inputOctets: number | null;
  outputOctets: number | null;
  inputPackets: number | null;
  outputPackets: number | null;
  terminateCause: string | null;
  receivedAt: number;
  /** When the event happened, epoch ms: receivedAt − Acct-Delay-Time, else Event-Timestamp, else receivedAt. */
  eventTime: number;
  /** eventTime − Acct-Session-Time. */
  start: number;
  /** false for an Interim/Stop without Acct-Session-Time: its start is unknown, it cannot open a new session. */
  startKnown: boolean;
  /** uniqueId this record would give a session it creates. */
  uniqueId: string;
}

const count = (v: number | null): number | null =>
  v !== null && Number.isFinite(v) && v >= 0 ? Math.floor(v) : null;

/** RFC 2869 §5.1: total = Gigawords × 2^32 + Octets. null when the NAS sent neither. */
export function octets64(low: number | null, gigawords: number | null): number | null {
  const lo = count(low);
  const hi = count(gigawords);
  if (lo === null && hi === null) return null;
  return (hi ?? 0) * GIGAWORD + (lo ?? 0);
}

export function uniqueIdFor(nas: string, acctSessionId: string, start: number): string {
  return createHash('md5').update(`${nas}\u0000${acctSessionId}\u0000${start}`).digest('hex');
}

/**
 * When the event happened. Acct-Delay-Time (RFC 2866 §5.2) is applied to our
 * own clock and wins; Event-Timestamp (RFC 2869 §5.3) comes from the NAS clock,
 * so it is used only without a delay and only when plausible.
 */
export function eventTimeOf(rec: AccountingRecord, receivedAt: number = rec.receivedAt): number {
  const delay = count(rec.delayTime);
  if (delay !== null) return receivedAt - delay * 1000;
  const ts = count(rec.eventTimestamp);
  if (ts !== null) {
    const ms = ts * 1000;
    if (ms <= receivedAt + EVENT_TIMESTAMP_FUTURE_MS && ms >= receivedAt - EVENT_TIMESTAMP_PAST_MS) return ms;
  }
  return receivedAt;
}

/**
 * RFC 2869 §5.16: Acct-Interim-Interval SHOULD NOT be smaller than 60 s. We
 * clamp to that so a misconfigured NAS cannot get its sessions reaped within
 * seconds (and so redis-store can bound its stale scan).
 */
export const MIN_INTERIM_INTERVAL_S = 60;
function interimIntervalOf(v: number | null): number | null {
  const c = count(v);
  return c === null || c === 0 ? null : Math.max(MIN_INTERIM_INTERVAL_S, c);
}

const text = (v: string | null): string | null => (v === null || v === '' ? null : v);

export function normalize(rec: AccountingRecord): NormalizedRecord {
  const receivedAt = Math.floor(rec.receivedAt);
  // No copy of the record for this: spreading a record of some thirty fields cost microseconds per request.
  const eventTime = eventTimeOf(rec, receivedAt);
  const sessionTime = count(rec.sessionTime);
  const start = eventTime - (sessionTime ?? 0) * 1000;
  return {
    kind: rec.statusType,
    nas: rec.nas,
    acctSessionId: rec.acctSessionId,
    // A record from before tenancy (an old journal) is the default tenant's.
    tenantId: rec.tenantId === undefined ? DEFAULT_TENANT_ID : rec.tenantId,
    username: text(rec.username),
    nasPort: count(rec.nasPort),
    nasPortId: text(rec.nasPortId),
    nasIpAddress: text(rec.nasIpAddress),
    framedIp: text(rec.framedIp),
    framedIpv6Prefix: text(rec.framedIpv6Prefix ?? null),
    delegatedIpv6Prefix: text(rec.delegatedIpv6Prefix ?? null),
    framedInterfaceId: text(rec.framedInterfaceId ?? null),
    callingStationId: text(rec.callingStationId),
    classHex: text(rec.classHex),
    interimInterval: interimIntervalOf(rec.interimInterval),
    sessionTime,
    inputOctets: octets64(rec.inputOctets, rec.inputGigawords),
    outputOctets: octets64(rec.outputOctets, rec.outputGigawords),
    inputPackets: count(rec.inputPackets),
    outputPackets: count(rec.outputPackets),
    terminateCause: text(rec.terminateCause),
    receivedAt,
    eventTime,
    start,
    startKnown: rec.statusType === 'start' || sessionTime !== null,
    uniqueId: uniqueIdFor(rec.nas, rec.acctSessionId, start),
  };
}

