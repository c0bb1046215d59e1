/**
 * usage_sessions / usage_snapshots (sql/010_usage.sql): the only module that
 * writes or reads them. Writes are idempotent, order-independent upserts:
 * every counter is GREATEST(old, new), attributes keep the first non-null,
 * and the stop is a small lattice (open < Stale-Session < a real stop), so a
 * replayed flush, or two daemons flushing the same session in any order,
 * converge on the same row.
 */
import { sessionTenant, type LiveSession } from '../domain/session.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import { parseAddress } from '../net/ip.js';
import type { Queryable } from './db.js';
import { date, num, str } from './rows.js';

/** Cause the reaper records (accounting/session-machine.ts STALE_SESSION); a real stop replaces it. */
const STALE_CAUSE = 'Stale-Session';

/**
 * The ON CONFLICT assignments of stop_time and terminate_cause for a table
 * aliased `t`: the first stop stands, except that a real stop replaces the
 * reaper's; a replayed record without a stop never reopens a session.
 */
export function stopMergeSql(t: string): string {
  const realAfterStale = `${t}.terminate_cause IS NOT DISTINCT FROM '${STALE_CAUSE}'
      AND EXCLUDED.terminate_cause IS DISTINCT FROM '${STALE_CAUSE}'`;
  return `stop_time = CASE
    WHEN ${t}.stop_time IS NULL THEN EXCLUDED.stop_time
    WHEN EXCLUDED.stop_time IS NULL THEN ${t}.stop_time
    WHEN ${realAfterStale} THEN EXCLUDED.stop_time
    ELSE ${t}.stop_time END,
  terminate_cause = CASE
    WHEN ${t}.stop_time IS NULL THEN EXCLUDED.terminate_cause
    WHEN EXCLUDED.stop_time IS NULL THEN ${t}.terminate_cause
    WHEN ${realAfterStale} THEN EXCLUDED.terminate_cause
    ELSE ${t}.terminate_cause END`;
}

export interface SnapshotRow {
  uniqueId: string;
  /** Epoch ms. */
  at: number;
  seconds: number;
  inputOctets: number;
  outputOctets: number;
}

export interface UsageSessionRow {
  uniqueId: string;
  nas: string;
  acctSessionId: string;
  username: string;
  /** Epoch ms. */
  startTime: number;
  stopTime: number | null;
  lastUpdate: number;
  seconds: number;
  inputOctets: number;
  outputOctets: number;
  terminateCause: string | null;
  framedIp: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** A malformed address must not fail the whole batch on the inet cast. */
const inet = (v: string | null): string | null => (v !== null && parseAddress(v) !== undefined ? v : null);

const UPSERT_SESSIONS = `
INSERT INTO usage_sessions AS u (unique_id, nas, acct_session_id, username, start_time, stop_time, last_update,
  seconds, input_octets, output_octets, input_packets, output_packets, terminate_cause, framed_ip,
  calling_station_id, nas_port_id, class_hex, tenant_id, updated_at)
SELECT t.*, $19::timestamptz FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
  $6::timestamptz[], $7::timestamptz[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[],
  $13::text[], $14::inet[], $15::text[], $16::text[], $17::text[], $18::integer[]) AS t
-- tenant_id is not updated: a session's tenant is decided once, at its first attributed record.
ON CONFLICT (unique_id) DO UPDATE SET
  username = CASE WHEN u.username = '' THEN EXCLUDED.username ELSE u.username END,
  last_update = GREATEST(u.last_update, EXCLUDED.last_update),
  seconds = GREATEST(u.seconds, EXCLUDED.seconds),
  input_octets = GREATEST(u.input_octets, EXCLUDED.input_octets),
  output_octets = GREATEST(u.output_octets, EXCLUDED.output_octets),
  input_packets = GREATEST(u.input_packets, EXCLUDED.input_packets),
  output_packets = GREATEST(u.output_packets, EXCLUDED.output_packets),
  ${stopMergeSql('u')},
  framed_ip = COALESCE(u.framed_ip, EXCLUDED.framed_ip),
  calling_station_id = COALESCE(u.calling_station_id, EXCLUDED.calling_station_id),
  nas_port_id = COALESCE(u.nas_port_id, EXCLUDED.nas_port_id),
  class_hex = COALESCE(u.class_hex, EXCLUDED.class_hex),
  updated_at = EXCLUDED.updated_at`;

/**
 * One statement per batch. Rows go in unique_id order so that two daemons
 * flushing overlapping batches take row locks in the same order (no deadlock).
 * Every row names its tenant; an unattributed session is refused (the stores
 * never hand one to the flusher).
 */
export async function upsertSessions(db: Queryable, sessions: readonly LiveSession[], updatedAt: number): Promise<number> {
  const byId = new Map<string, LiveSession & { tenantId: number }>();
  for (const s of sessions) {
    const tenantId = sessionTenant(s);
    if (tenantId === null) throw new Error(`session ${s.uniqueId} has no tenant yet; it cannot be flushed`);
    byId.set(s.uniqueId, { ...s, tenantId }); // ON CONFLICT cannot touch one row twice
  }
  const rows = [...byId.values()].sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : a.uniqueId > b.uniqueId ? 1 : 0));
  if (rows.length === 0) return 0;
  const col = <T>(f: (s: LiveSession & { tenantId: number }) => T): T[] => rows.map(f);
  const r = await db.query(UPSERT_SESSIONS, [
    col((s) => s.uniqueId),
    col((s) => s.nas),
    col((s) => s.acctSessionId),
    col((s) => s.username),
    col((s) => iso(s.startTime)),
    col((s) => (s.stopTime === null ? null : iso(s.stopTime))),
    col((s) => iso(Math.max(s.lastUpdate, s.startTime))),
    col((s) => String(s.sessionTime)),
    col((s) => String(s.inputOctets)),
    col((s) => String(s.outputOctets)),
    col((s) => String(s.inputPackets)),
    col((s) => String(s.outputPackets)),
    col((s) => s.terminateCause),
    col((s) => inet(s.framedIp)),
    col((s) => s.callingStationId),
    col((s) => s.nasPortId),
    col((s) => s.classHex),
    col((s) => s.tenantId),
    iso(updatedAt),
  ]);
  return r.rowCount;
}

const UPSERT_SNAPSHOTS = `
INSERT INTO usage_snapshots AS p (unique_id, at, seconds, input_octets, output_octets)
SELECT * FROM UNNEST($1::text[], $2::timestamptz[], $3::bigint[], $4::bigint[], $5::bigint[])
ON CONFLICT (unique_id, at) DO UPDATE SET
  seconds = GREATEST(p.seconds, EXCLUDED.seconds),
  input_octets = GREATEST(p.input_octets, EXCLUDED.input_octets),
  output_octets = GREATEST(p.output_octets, EXCLUDED.output_octets)`;

/** Snapshots of sessions upserted in the same transaction (foreign key). One statement. */
export async function upsertSnapshots(db: Queryable, snapshots: readonly SnapshotRow[]): Promise<number> {
  const byKey = new Map<string, SnapshotRow>();
  for (const s of snapshots) {
    const k = `${s.uniqueId}@${s.at}`;
    const prev = byKey.get(k);
    byKey.set(k, prev ? { ...s, seconds: Math.max(prev.seconds, s.seconds), inputOctets: Math.max(prev.inputOctets, s.inputOctets), outputOctets: Math.max(prev.outputOctets, s.outputOctets) } : s);
  }
  const rows = [...byKey.values()].sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : a.uniqueId > b.uniqueId ? 1 : a.at - b.at));
  if (rows.length === 0) return 0;
  const r = await db.query(UPSERT_SNAPSHOTS, [
    rows.map((s) => s.uniqueId),
    rows.map((s) => iso(s.at)),
    rows.map((s) => String(s.seconds)),
    rows.map((s) => String(s.inputOctets)),
    rows.map((s) => String(s.outputOctets)),
  ]);
  return r.rowCount;
}

function toSessionRow(r: Record<string, unknown>): TenantUsageSessionRow {
  return {
    uniqueId: str(r.unique_id),
    tenantId: num(r.tenant_id),
    tenant: str(r.tenant),
    nas: str(r.nas),
    acctSessionId: str(r.acct_session_id),
    username: str(r.username),
    startTime: date(r.start_time).getTime(),
    stopTime: r.stop_time === null || r.stop_time === undefined ? null : date(r.stop_time).getTime(),
    lastUpdate: date(r.last_update).getTime(),
    seconds: num(r.seconds),
    inputOctets: num(r.input_octets),
    outputOctets: num(r.output_octets),
    terminateCause: r.terminate_cause === null || r.terminate_cause === undefined ? null : str(r.terminate_cause),
    framedIp: r.framed_ip === null || r.framed_ip === undefined ? null : String(r.framed_ip),
  };
}

/** A usage row with its tenant, as the export reads it. */
export interface TenantUsageSessionRow extends UsageSessionRow {
  tenantId: number;
  /** The tenant's name, for deployment-wide exports. */
  tenant: string;
}

/** One tenant's usage (its id), or the whole deployment's, asked for explicitly. */
export type UsageTenant = number | 'all';

/**
 * Sessions with any part in [fromMs, toMs): started before the end and ended
 * (stop, else last update) after the start — or zero-length inside. Only
 * `tenant`'s (the default tenant's unless told), or every tenant's with 'all'.
 */
export async function sessionsOverlapping(db: Queryable, fromMs: number, toMs: number, tenant: UsageTenant = DEFAULT_TENANT_ID, username?: string): Promise<TenantUsageSessionRow[]> {
  // One member's (a member's usage graph) on usage_sessions_tenant_username_start_idx.
  const member = username === undefined ? '' : ' AND u.username = $4';
  const r = await db.query(
    `SELECT u.unique_id, u.tenant_id, t.name AS tenant, u.nas, u.acct_session_id, u.username, u.start_time, u.stop_time,
            u.last_update, u.seconds, u.input_octets, u.output_octets, u.terminate_cause, host(u.framed_ip) AS framed_ip
       FROM usage_sessions u JOIN tenants t ON t.id = u.tenant_id
      WHERE u.start_time < $2 AND (COALESCE(u.stop_time, u.last_update) > $1 OR u.start_time >= $1)
        AND ($3::integer IS NULL OR u.tenant_id = $3)${member}
      ORDER BY t.name, u.username, u.start_time, u.unique_id`,
    [iso(fromMs), iso(toMs), tenant === 'all' ? null : tenant, ...(username === undefined ? [] : [username])],
  );
  return r.rows.map(toSessionRow);
}

export async function snapshotsOf(db: Queryable, uniqueIds: readonly string[]): Promise<Map<string, SnapshotRow[]>> {
  const out = new Map<string, SnapshotRow[]>();
  if (uniqueIds.length === 0) return out;
  const r = await db.query(
    'SELECT unique_id, at, seconds, input_octets, output_octets FROM usage_snapshots WHERE unique_id = ANY($1::text[]) ORDER BY unique_id, at',
    [[...uniqueIds]],
  );
  for (const row of r.rows) {
    const s: SnapshotRow = { uniqueId: str(row.unique_id), at: date(row.at).getTime(), seconds: num(row.seconds), inputOctets: num(row.input_octets), outputOctets: num(row.output_octets) };
    const list = out.get(s.uniqueId) ?? [];
    list.push(s);
    out.set(s.uniqueId, list);
  }
  return out;
}

/**
 * For each (session, instant) pair, the session's snapshots just before (or
 * at) and just after the instant: all that interpolating its counters there
 * needs (accounting/export.ts usageWithin), two index probes per pair however
 * many interims the session had.
 */
export async function snapshotsAround(db: Queryable, pairs: ReadonlyArray<{ uniqueId: string; at: number }>): Promise<Map<string, SnapshotRow[]>> {
  const out = new Map<string, SnapshotRow[]>();
  if (pairs.length === 0) return out;
  const r = await db.query(
    `SELECT DISTINCT x.uid AS unique_id, p.at, p.seconds, p.input_octets, p.output_octets
       FROM unnest($1::text[], $2::timestamptz[]) AS x(uid, b)
       CROSS JOIN LATERAL (
         (SELECT at, seconds, input_octets, output_octets FROM usage_snapshots WHERE unique_id = x.uid AND at <= x.b ORDER BY at DESC LIMIT 1)
         UNION ALL
         (SELECT at, seconds, input_octets, output_octets FROM usage_snapshots WHERE unique_id = x.uid AND at > x.b ORDER BY at LIMIT 1)
       ) p
      ORDER BY 1, 2`,
    [pairs.map((p) => p.uniqueId), pairs.map((p) => iso(p.at))],
  );
  for (const row of r.rows) {
    const s: SnapshotRow = { uniqueId: str(row.unique_id), at: date(row.at).getTime(), seconds: num(row.seconds), inputOctets: num(row.input_octets), outputOctets: num(row.output_octets) };
    const list = out.get(s.uniqueId) ?? [];
    list.push(s);
    out.set(s.uniqueId, list);
  }
  return out;
}
