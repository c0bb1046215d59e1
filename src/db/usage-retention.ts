/**
 * The retention side of usage_sessions / usage_snapshots (db/usage.ts writes
 * and reads them for accounting and billing): ended sessions past their
 * period, and the NAS's identifiers on ended sessions. Open sessions
 * (stop_time NULL) are never touched. One batch per statement, so that
 * each is its own short transaction while the flush keeps writing.
 */
import type { Queryable } from './db.js';
import { dateOrNull, num } from './rows.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Deletes up to `batch` of the tenant's sessions that ended before `beforeMs`, with their snapshots. */
export async function deleteEndedSessionsBatch(q: Queryable, tenantId: number, beforeMs: number, batch: number): Promise<{ sessions: number; snapshots: number }> {
  const r = await q.query<{ sessions: unknown; snapshots: unknown }>(
    `WITH doomed AS (
       SELECT unique_id FROM usage_sessions
        WHERE tenant_id = $1 AND stop_time IS NOT NULL AND stop_time < $2
        ORDER BY stop_time LIMIT $3 FOR UPDATE SKIP LOCKED),
     snaps AS (DELETE FROM usage_snapshots p USING doomed WHERE p.unique_id = doomed.unique_id RETURNING 1),
     gone AS (DELETE FROM usage_sessions u USING doomed WHERE u.unique_id = doomed.unique_id RETURNING 1)
     SELECT (SELECT count(*) FROM gone) AS sessions, (SELECT count(*) FROM snaps) AS snapshots`,
    [tenantId, iso(beforeMs), batch],
  );
  return { sessions: num(r.rows[0]?.sessions ?? 0), snapshots: num(r.rows[0]?.snapshots ?? 0) };
}

/** What deleteEndedSessionsBatch would delete, counted (a dry run). */
export async function countEndedSessions(q: Queryable, tenantId: number, beforeMs: number): Promise<{ sessions: number; snapshots: number }> {
  const r = await q.query<{ sessions: unknown; snapshots: unknown }>(
    `SELECT (SELECT count(*) FROM usage_sessions u WHERE u.tenant_id = $1 AND u.stop_time IS NOT NULL AND u.stop_time < $2) AS sessions,
            (SELECT count(*) FROM usage_snapshots p JOIN usage_sessions u ON u.unique_id = p.unique_id
              WHERE u.tenant_id = $1 AND u.stop_time IS NOT NULL AND u.stop_time < $2) AS snapshots`,
    [tenantId, iso(beforeMs)],
  );
  return { sessions: num(r.rows[0]?.sessions ?? 0), snapshots: num(r.rows[0]?.snapshots ?? 0) };
}

const HAS_IDENTIFIERS = '(calling_station_id IS NOT NULL OR nas_port_id IS NOT NULL OR class_hex IS NOT NULL)';

/** Clears Calling-Station-Id, NAS-Port-Id and Class on up to `batch` of the tenant's sessions that ended before `beforeMs`. */
export async function clearIdentifiersBatch(q: Queryable, tenantId: number, beforeMs: number, batch: number): Promise<number> {
  const r = await q.query(
    `WITH doomed AS (
       SELECT unique_id FROM usage_sessions
        WHERE tenant_id = $1 AND stop_time IS NOT NULL AND stop_time < $2 AND ${HAS_IDENTIFIERS}
        LIMIT $3 FOR UPDATE SKIP LOCKED)
     UPDATE usage_sessions u SET calling_station_id = NULL, nas_port_id = NULL, class_hex = NULL
       FROM doomed WHERE u.unique_id = doomed.unique_id`,
    [tenantId, iso(beforeMs), batch],
  );
  return r.rowCount;
}

export async function countIdentifiers(q: Queryable, tenantId: number, beforeMs: number | null): Promise<{ rows: number; oldest: Date | null }> {
  const r = await q.query<{ n: unknown; oldest: unknown }>(
    `SELECT count(*) AS n, min(COALESCE(stop_time, start_time)) AS oldest FROM usage_sessions
      WHERE tenant_id = $1 AND ${HAS_IDENTIFIERS} AND ($2::timestamptz IS NULL OR (stop_time IS NOT NULL AND stop_time < $2))`,
    [tenantId, beforeMs === null ? null : iso(beforeMs)],
  );
  return { rows: num(r.rows[0]?.n ?? 0), oldest: dateOrNull(r.rows[0]?.oldest) };
}

/** The tenant's usage detail held now: sessions, and the oldest start. */
export async function usageDetailHeld(q: Queryable, tenantId: number): Promise<{ rows: number; oldest: Date | null }> {
  const r = await q.query<{ n: unknown; oldest: unknown }>('SELECT count(*) AS n, min(start_time) AS oldest FROM usage_sessions WHERE tenant_id = $1', [tenantId]);
  return { rows: num(r.rows[0]?.n ?? 0), oldest: dateOrNull(r.rows[0]?.oldest) };
}

/** Remove a member: its ended sessions keep their usage (billing) but lose the NAS's identifiers at once. */
export async function clearMemberIdentifiers(q: Queryable, tenantId: number, username: string): Promise<number> {
  const r = await q.query(
    `UPDATE usage_sessions SET calling_station_id = NULL, nas_port_id = NULL, class_hex = NULL
      WHERE tenant_id = $1 AND username = $2 AND stop_time IS NOT NULL AND ${HAS_IDENTIFIERS}`,
    [tenantId, username],
  );
  return r.rowCount;
}

/** When the tenant's oldest session held began (epoch ms), null with none. */
export async function firstUsageStart(q: Queryable, tenantId: number): Promise<number | null> {
  const r = await q.query<{ oldest: unknown }>('SELECT min(start_time) AS oldest FROM usage_sessions WHERE tenant_id = $1', [tenantId]);
  return dateOrNull(r.rows[0]?.oldest)?.getTime() ?? null;
}
