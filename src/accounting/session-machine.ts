/**
 * The accounting session state machine: pure (no I/O, no clock), the reference
 * for both stores. redis-store's Lua script (lua/apply.ts) implements the same
 * rules; the store contract tests run every case against both.
 *
 * Session identity (design.md: "Acct-Session-Id is not unique across NAS
 * reboots: key sessions on NAS, session id and start"): the start time we can
 * compute from an Interim or Stop jitters by a second or two, so it cannot be
 * part of a lookup key. Instead:
 *  - the uniqueId (our Acct-Unique-Session-Id) is md5(nas, Acct-Session-Id,
 *    start) computed ONCE, from the first record seen for the session, and
 *    never recomputed;
 *  - the store keeps an index (nas, Acct-Session-Id) → uniqueId of the latest
 *    session with that pair, and passes that session here as `existing`;
 *  - a record belongs to `existing` unless its own start time proves it began
 *    after `existing` ended (`isNewSession`): then it is a new session with
 *    its own uniqueId, and an `existing` still open is closed as NAS-Reboot
 *    (a NAS only reuses an Acct-Session-Id after it restarted).
 */
import { sessionTenant, type LiveSession } from '../domain/session.js';
import { eventTimeOf, normalize, type NormalizedRecord } from './normalize.js';
import { isNasReset, type AccountingRecord } from './record.js';

export { GIGAWORD, normalize, octets64, uniqueIdFor, type NormalizedRecord } from './normalize.js';

/**
 * How far a record's computed start may lie past what we know of `existing`
 * and still be the same session: covers NAS retransmissions that do not
 * update Acct-Delay-Time and the jitter of starts computed from interims.
 */
export const SAME_SESSION_TOLERANCE_MS = 60_000;
/** RFC 2866 §5.10 cause recorded when Accounting-On/Off closes what the NAS lost. */
export const NAS_REBOOT = 'NAS-Reboot';
/**
 * Our own cause (not an RFC 2866 value, deliberately: the NAS never said so)
 * for a session closed because no update came for multiple × interim interval.
 * A later real Stop replaces it (see applyToClosed).
 */
export const STALE_SESSION = 'Stale-Session';
export type ApplyAction =
  | 'created' // a new open session (Start, or an Interim whose Start we never saw)
  | 'created-closed' // a Stop for a session we never saw: kept, usage included
  | 'updated' // counters or attributes moved
  | 'stopped' // a Stop closed an open session
  | 'duplicate' // nothing new (retransmission, replay)
  | 'ignored-after-stop' // Start/Interim for a closed session: never reopens
  | 'nas-reset'; // Accounting-On/Off: the store closes every open session of the NAS

/** One interim point of a session's cumulative counters, kept to split usage at period boundaries. */
export interface UsageSnapshot {
  /** Epoch ms (our clock) the counters were true at. */
  at: number;
  sessionTime: number;
  inputOctets: number;
  outputOctets: number;
}

export interface MachineResult {
  /** The session after the record (unchanged `existing` when nothing applies). */
  session: LiveSession | null;
  changed: boolean;
  action: ApplyAction;
  /** Set when an Interim raised the counters. */
  snapshot: UsageSnapshot | null;
  /** The previous open session with the same (nas, Acct-Session-Id), closed because this one replaced it. */
  superseded: LiveSession | null;
}

/**
 * Does `n` describe a later session that reused `existing`'s Acct-Session-Id?
 * Only a known start can prove it. Open: it must start after the last moment
 * the NAS reported `existing` alive, plus tolerance. Closed: after its stop,
 * plus tolerance, except after a NAS-Reboot close where anything starting
 * after the reboot is new (ids restart right after a reboot).
 */
export function isNewSession(existing: LiveSession, n: NormalizedRecord): boolean {
  if (!n.startKnown) return false;
  if (existing.stopTime === null) {
    return n.start > existing.startTime + existing.sessionTime * 1000 + SAME_SESSION_TOLERANCE_MS;
  }
  const tolerance = existing.terminateCause === NAS_REBOOT ? 0 : SAME_SESSION_TOLERANCE_MS;
  return n.start > existing.stopTime + tolerance;
}

export function forceClose(s: LiveSession, cause: string, at: number): LiveSession {
  return { ...s, stopTime: Math.max(s.startTime, at), terminateCause: cause };
}

/** No update for multiple × interim interval (the session's own, else the default): the NAS lost it. */
export function isStale(s: LiveSession, now: number, multiple: number, defaultIntervalS: number): boolean {
  if (s.stopTime !== null) return false;
  return s.lastUpdate + multiple * (s.interimInterval ?? defaultIntervalS) * 1000 < now;
}

function create(n: NormalizedRecord): MachineResult {
  const session: LiveSession = {
    uniqueId: n.uniqueId,
    nas: n.nas,
    acctSessionId: n.acctSessionId,
    tenantId: n.tenantId,
    username: n.username ?? '',
    nasPort: n.nasPort,
    nasPortId: n.nasPortId,
    nasIpAddress: n.nasIpAddress,
    framedIp: n.framedIp,
    framedIpv6Prefix: n.framedIpv6Prefix,
    delegatedIpv6Prefix: n.delegatedIpv6Prefix,
    framedInterfaceId: n.framedInterfaceId,
    callingStationId: n.callingStationId,
    classHex: n.classHex,
    startTime: n.start,
    lastUpdate: n.receivedAt,
    interimInterval: n.interimInterval,
    sessionTime: n.sessionTime ?? 0,
    inputOctets: n.inputOctets ?? 0,
    outputOctets: n.outputOctets ?? 0,
    inputPackets: n.inputPackets ?? 0,
    outputPackets: n.outputPackets ?? 0,
    stopTime: n.kind === 'stop' ? Math.max(n.start, n.eventTime) : null,
    terminateCause: n.kind === 'stop' ? n.terminateCause : null,
  };
  return {
    session,
    changed: true,
    action: n.kind === 'stop' ? 'created-closed' : 'created',
    snapshot: n.kind === 'interim' ? snapshotOf(session, n.eventTime) : null,
    superseded: null,
  };
}

/**
 * First value wins: a later record only fills what is still unknown. The
 * tenant too: a session held unattributed takes the first tenant one of its
 * records is routed to, with that record's username; a record routed to
 * another tenant than the session's never names its member.
 */
function fill(s: LiveSession, n: NormalizedRecord): LiveSession {
  const tenant = sessionTenant(s);
  if (tenant === null && n.tenantId !== null) return { ...fillAttributes(s, n), tenantId: n.tenantId, username: n.username ?? s.username };
  const ownTenant = n.tenantId === tenant;
  return { ...fillAttributes(s, n), username: s.username !== '' || !ownTenant ? s.username : (n.username ?? '') };
}

function fillAttributes(s: LiveSession, n: NormalizedRecord): LiveSession {
  return {
    ...s,
    nasPort: s.nasPort ?? n.nasPort,
    nasPortId: s.nasPortId ?? n.nasPortId,
    nasIpAddress: s.nasIpAddress ?? n.nasIpAddress,
    framedIp: s.framedIp ?? n.framedIp,
    framedIpv6Prefix: s.framedIpv6Prefix ?? n.framedIpv6Prefix,
    delegatedIpv6Prefix: s.delegatedIpv6Prefix ?? n.delegatedIpv6Prefix,
    framedInterfaceId: s.framedInterfaceId ?? n.framedInterfaceId,
    callingStationId: s.callingStationId ?? n.callingStationId,
    classHex: s.classHex ?? n.classHex,
    interimInterval: s.interimInterval ?? n.interimInterval,
  };
}

/**
 * Counters never go backwards: a NAS that resets or wraps a counter (no
 * Gigawords) must not subtract usage already recorded, and a Stop without
 * counters keeps what the interims reported.
 */
function merge(s: LiveSession, n: NormalizedRecord): LiveSession {
  const max = (a: number, b: number | null): number => (b !== null && b > a ? b : a);
  return {
    ...s,
    sessionTime: max(s.sessionTime, n.sessionTime),
    inputOctets: max(s.inputOctets, n.inputOctets),
    outputOctets: max(s.outputOctets, n.outputOctets),
    inputPackets: max(s.inputPackets, n.inputPackets),
    outputPackets: max(s.outputPackets, n.outputPackets),
  };
}

function snapshotOf(s: LiveSession, at: number): UsageSnapshot {
  return { at, sessionTime: s.sessionTime, inputOctets: s.inputOctets, outputOctets: s.outputOctets };
}

export function sameSession(a: LiveSession, b: LiveSession): boolean {
  const keys = Object.keys(a) as (keyof LiveSession)[];
  return keys.every((k) => a[k] === b[k]);
}

const countersRaised = (a: LiveSession, b: LiveSession): boolean =>
  a.sessionTime !== b.sessionTime || a.inputOctets !== b.inputOctets || a.outputOctets !== b.outputOctets;

function outcome(before: LiveSession, after: LiveSession, snapshot: UsageSnapshot | null): MachineResult {
  const changed = !sameSession(before, after);
  return { session: changed ? after : before, changed, action: changed ? 'updated' : 'duplicate', snapshot: changed ? snapshot : null, superseded: null };
}

function applyToOpen(s: LiveSession, n: NormalizedRecord): MachineResult {
  // RFC 2866 §5.1: a Start for a session we hold is a retransmission (or came late, after its
  // first Interim): it only fills attributes still unknown, and does not count as liveness.
  if (n.kind === 'start') {
    return outcome(s, fill(s, n), null);
  }
  const merged = { ...merge(fill(s, n), n), lastUpdate: Math.max(s.lastUpdate, n.receivedAt) };
  if (n.kind === 'interim') {
    return outcome(s, merged, countersRaised(s, merged) ? snapshotOf(merged, n.eventTime) : null);
  }
  const stopped = { ...merged, stopTime: Math.max(s.startTime, n.eventTime), terminateCause: n.terminateCause };
  return { session: stopped, changed: true, action: 'stopped', snapshot: null, superseded: null };
}

/**
 * Closed sessions never reopen: Start and Interim are ignored. A Stop may still
 * raise counters (a late Stop after we force-closed it carries the true final
 * ones), and replaces our own Stale-Session guess of stop time and cause.
 */
function applyToClosed(s: LiveSession, n: NormalizedRecord): MachineResult {
  if (n.kind !== 'stop') return { session: s, changed: false, action: 'ignored-after-stop', snapshot: null, superseded: null };
  let next = merge(fill(s, n), n);
  if (s.terminateCause === STALE_SESSION) {
    next = { ...next, stopTime: Math.max(s.startTime, n.eventTime), terminateCause: n.terminateCause ?? STALE_SESSION };
  }
  if (!sameSession(s, next)) next = { ...next, lastUpdate: Math.max(s.lastUpdate, n.receivedAt) };
  return outcome(s, next, null);
}

/** Applies a normalized session record (not Accounting-On/Off) to the session the store found. */
export function applyNormalized(existing: LiveSession | null, n: NormalizedRecord): MachineResult {
  if (existing === null) return create(n);
  if (isNewSession(existing, n)) {
    const superseded = existing.stopTime === null ? forceClose(existing, NAS_REBOOT, Math.min(existing.lastUpdate, n.start)) : null;
    return { ...create(n), superseded };
  }
  return existing.stopTime === null ? applyToOpen(existing, n) : applyToClosed(existing, n);
}

/**
 * RFC 2866 §5.1 (Acct-Status-Type) rules for one record against the session the
 * store holds for its (nas, Acct-Session-Id), or null. Accounting-On/Off does not
 * concern one session: it returns 'nas-reset' and the store closes them all.
 */
export function apply(existing: LiveSession | null, rec: AccountingRecord): MachineResult {
  if (isNasReset(rec.statusType)) {
    return { session: existing, changed: false, action: 'nas-reset', snapshot: null, superseded: null };
  }
  return applyNormalized(existing, normalize(rec));
}

/** The moment an Accounting-On/Off refers to, our clock (RFC 2866 §5.2 delay applied). */
export function nasResetTime(rec: AccountingRecord): number {
  return eventTimeOf(rec);
}
