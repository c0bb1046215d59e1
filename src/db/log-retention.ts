/**
 * Retention of the time-stamped logs: auth_log, audit_log, disconnect_log.
 * Their owner modules (auth-log.ts, audit.ts, disconnect-log.ts) write and
 * read them; the three share this one way of deleting by age, one tenant's
 * rows (or those of no tenant) at a time, a batch per statement so that no
 * transaction holds a long lock or a huge WAL burst while the daemon writes.
 */
import type { Queryable } from './db.js';
import { dateOrNull, num } from './rows.js';

export type LogTable = 'auth_log' | 'audit_log' | 'disconnect_log';
const TABLES: readonly LogTable[] = ['auth_log', 'audit_log', 'disconnect_log'];

/** Whose rows: every row, one tenant's, or those no tenant was found for (null). */
export type LogOwner = 'all' | number | null;

function table(t: LogTable): LogTable {
  // The table name goes into the SQL text: only these three.
  if (!TABLES.includes(t)) throw new Error(`not a log table: ${String(t)}`);
  return t;
}

function ownerClause(owner: LogOwner, param: number): { sql: string; params: unknown[] } {
  if (owner === 'all') return { sql: 'TRUE', params: [] };
  if (owner === null) return { sql: 'tenant_id IS NULL', params: [] };
  return { sql: `tenant_id = $${param}`, params: [owner] };
}

/** Deletes up to `batch` rows of `owner` older than `before`; returns how many went. */
export async function pruneLogBatch(q: Queryable, t: LogTable, before: Date, batch: number, owner: LogOwner): Promise<number> {
  const which = ownerClause(owner, 3);
  const r = await q.query(
    `WITH doomed AS (SELECT ctid FROM ${table(t)} WHERE time < $1 AND ${which.sql} LIMIT $2)
     DELETE FROM ${table(t)} a USING doomed WHERE a.ctid = doomed.ctid`,
    [before, batch, ...which.params],
  );
  return r.rowCount;
}

/** Rows of `owner` (older than `before`, when given) and the oldest one's time. */
export async function logRowsHeld(q: Queryable, t: LogTable, owner: LogOwner, before: Date | null = null): Promise<{ rows: number; oldest: Date | null }> {
  const which = ownerClause(owner, 2);
  const r = await q.query<{ n: unknown; oldest: unknown }>(
    `SELECT count(*) AS n, min(time) AS oldest FROM ${table(t)} WHERE ($1::timestamptz IS NULL OR time < $1) AND ${which.sql}`,
    [before, ...which.params],
  );
  return { rows: num(r.rows[0]?.n ?? 0), oldest: dateOrNull(r.rows[0]?.oldest) };
}

/** Deletes one member's rows of a tenant (a removed member's auth and disconnect logs); returns how many went. */
export async function deleteMemberLogRows(q: Queryable, t: Exclude<LogTable, 'audit_log'>, tenantId: number, username: string): Promise<number> {
  const r = await q.query(`DELETE FROM ${table(t)} WHERE tenant_id = $1 AND username = $2`, [tenantId, username]);
  return r.rowCount;
}
