/**
 * radacct rows as radassoc's usage history (usage_sessions), so that billing
 * exports of months served by FreeRADIUS add up to what it recorded. Only
 * finished sessions come: an open row is FreeRADIUS's live session, and
 * becomes history on a later run, once FreeRADIUS has its Stop.
 *
 * FreeRADIUS's queries already fold Acct-Input/Output-Gigawords into the
 * octet columns (RFC 2869 §5.1-5.2); they are taken as stored.
 */
import { canonicalAddress } from '../net/ip.js';
import type { BigintColumn, RadAcctRow, TimeColumn } from './rlm-sql-rows.js';

export interface ImportedSession {
  /** Stable across runs: the radacct row's acctuniqueid (radacctid when it has none), in the tenant. */
  uniqueId: string;
  nas: string;
  acctSessionId: string;
  username: string;
  startTime: Date;
  stopTime: Date;
  lastUpdate: Date;
  seconds: string;
  inputOctets: string;
  outputOctets: string;
  terminateCause: string | null;
  framedIp: string | null;
  callingStationId: string | null;
  nasPortId: string | null;
}

export type RadacctOutcome =
  | { kind: 'session'; session: ImportedSession }
  | { kind: 'open' }
  | { kind: 'refused'; reason: string };

function time(v: TimeColumn | null): Date | null {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(v);
  // MySQL's zero date and the like: no instant.
  return Number.isNaN(d.getTime()) || d.getTime() <= 0 ? null : d;
}

function count(v: BigintColumn | null): string | null {
  if (v === null || v === undefined) return '0';
  const s = String(v).trim();
  return /^[0-9]{1,19}$/.test(s) && BigInt(s) <= 0x7fffffffffffffffn ? BigInt(s).toString() : null;
}

const text = (v: string | null | undefined): string | null => (v === null || v === undefined || v.trim() === '' ? null : v);

/** The unique id of an imported session: prefixed, so it can never be one radassoc made (an md5 in hex). */
export function importedSessionId(tenantId: number, row: Pick<RadAcctRow, 'acctuniqueid' | 'radacctid'>): string {
  const key = row.acctuniqueid.trim() !== '' ? row.acctuniqueid.trim() : `radacctid:${String(row.radacctid)}`;
  return `freeradius:${tenantId}:${key}`;
}

/**
 * One radacct row: a session to keep, an open one, or a refusal that says
 * why. `nasName` names the NAS a source address belongs to (the imported
 * or existing NAS), or null to keep the address as the name.
 */
export function radacctToSession(row: RadAcctRow, tenantId: number, nasName: (address: string) => string | null): RadacctOutcome {
  const stop = time(row.acctstoptime);
  if (stop === null) return { kind: 'open' };
  const username = row.username ?? '';
  if (username === '') return { kind: 'refused', reason: 'the session has no user name' };
  const sessionTime = count(row.acctsessiontime);
  let start = time(row.acctstarttime);
  // A Stop without a Start: FreeRADIUS's stop query inserts the row with AcctStartTime = stop - session time.
  if (start === null && sessionTime !== null) start = new Date(stop.getTime() - Number(sessionTime) * 1000);
  if (start === null) return { kind: 'refused', reason: 'the session has no start time' };
  const input = count(row.acctinputoctets);
  const output = count(row.acctoutputoctets);
  if (input === null || output === null || sessionTime === null) return { kind: 'refused', reason: 'a counter is negative or beyond 64 bits' };
  const nasAddress = String(row.nasipaddress).replace(/\/(32|128)$/, '');
  return {
    kind: 'session',
    session: {
      uniqueId: importedSessionId(tenantId, row),
      nas: nasName(nasAddress) ?? nasAddress,
      acctSessionId: row.acctsessionid,
      username,
      startTime: start,
      stopTime: stop,
      lastUpdate: stop,
      seconds: sessionTime,
      inputOctets: input,
      outputOctets: output,
      terminateCause: text(row.acctterminatecause),
      framedIp: canonicalAddress(text(row.framedipaddress)?.replace(/\/32$/, '') ?? '') ?? null,
      callingStationId: text(row.callingstationid),
      nasPortId: text(row.nasportid),
    },
  };
}
