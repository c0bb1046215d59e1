/** The auth_log table: one row per Access-Request decision. */
import type { AuthLogEntry, AuthOutcome, RejectReason, RequestMethod } from '../domain/auth-result.js';
import type { Queryable } from './db.js';
import { AuthLogRows } from './auth-log-rows.js';
import { pruneLogBatch, type LogOwner } from './log-retention.js';
import { date, str, strOrNull } from './rows.js';

/**
 * One multi-row INSERT with the whole batch as one jsonb parameter (an array
 * of rows, each an array of columns, encoded by AuthLogRows): one round trip
 * per batch and nothing per entry for pg to convert. The time travels as
 * epoch milliseconds; to_timestamp keeps microseconds, so the millisecond is
 * exact. Row order is the order of arrival (id follows it).
 */
export async function insertAuthLogRows(q: Queryable, rows: AuthLogRows): Promise<void> {
  if (rows.size === 0) return;
  await q.query(
    `INSERT INTO auth_log (time, username, nas, method, result, reason, calling_station_id, class_id, tenant_id)
     SELECT to_timestamp((e->>0)::float8 / 1000), e->>1, e->>2, e->>3, e->>4, e->>5, e->>6, e->>7, (e->>8)::integer
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS r(e, n) ORDER BY n`,
    [rows.json()],
  );
}

/** The same for entries at hand (tests, tools): the daemon's writer encodes as entries arrive. */
export function insertAuthLogBatch(q: Queryable, entries: readonly AuthLogEntry[]): Promise<void> {
  return insertAuthLogRows(q, AuthLogRows.of(entries));
}

/** Whose rows a prune deletes: every row, one tenant's, or those no tenant was found for (null). */
export type AuthLogOwner = LogOwner;

/**
 * Deletes the rows older than `before` (of `owner` only, when given), `batch`
 * rows per statement (db/log-retention.ts, the way every log is pruned; the
 * BRIN index on time, or the (tenant_id, time) index, finds them). Returns
 * how many went.
 */
export async function pruneAuthLog(q: Queryable, before: Date, batch = 10_000, owner: AuthLogOwner = 'all'): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await pruneLogBatch(q, 'auth_log', before, batch, owner);
    total += n;
    if (n < batch) return total;
  }
}

const toEntry = (row: Record<string, unknown>): AuthLogEntry => ({
  time: date(row.time),
  username: str(row.username),
  nas: str(row.nas),
  method: str(row.method) as RequestMethod,
  result: str(row.result) as AuthOutcome,
  reason: strOrNull(row.reason) as RejectReason | null,
  callingStationId: strOrNull(row.calling_station_id),
  classId: strOrNull(row.class_id),
});

/**
 * The latest attempts under one username in one tenant, newest first: what
 * `diagnose` shows. Rows no tenant was found for (tenant_id null) belong to
 * whoever the deployment's only tenant is; once there are several they are
 * nobody's, since the name may be another tenant's member.
 */
export async function recentAuthLog(q: Queryable, tenantId: number, username: string, limit = 20): Promise<AuthLogEntry[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT time, username, nas, method, result, reason, calling_station_id, class_id FROM auth_log
     WHERE username = $1 AND (tenant_id = $3 OR (tenant_id IS NULL AND (SELECT count(*) FROM tenants) = 1))
     ORDER BY time DESC, id DESC LIMIT $2`,
    [username, limit, tenantId],
  );
  return r.rows.map(toEntry);
}

/**
 * Every attempt under one username in one tenant, oldest first (`member
 * data`); the rows of no tenant as recentAuthLog counts them.
 */
export async function authLogOf(q: Queryable, tenantId: number, username: string): Promise<AuthLogEntry[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT time, username, nas, method, result, reason, calling_station_id, class_id FROM auth_log
     WHERE username = $1 AND (tenant_id = $2 OR (tenant_id IS NULL AND (SELECT count(*) FROM tenants) = 1))
     ORDER BY time, id`,
    [username, tenantId],
  );
  return r.rows.map(toEntry);
}
