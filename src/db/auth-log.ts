/** The auth_log table: one row per Access-Request decision. */
import type { AuthLogEntry, AuthOutcome, RejectReason, RequestMethod } from '../domain/auth-result.js';
import type { Queryable } from './db.js';
import { date, str, strOrNull } from './rows.js';

/** One multi-row INSERT (UNNEST of column arrays): one round trip per batch. */
export async function insertAuthLogBatch(q: Queryable, entries: readonly AuthLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await q.query(
    `INSERT INTO auth_log (time, username, nas, method, result, reason, calling_station_id, class_id)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [
      entries.map((e) => e.time.toISOString()),
      entries.map((e) => e.username),
      entries.map((e) => e.nas),
      entries.map((e) => e.method),
      entries.map((e) => e.result),
      entries.map((e) => e.reason),
      entries.map((e) => e.callingStationId),
      entries.map((e) => e.classId ?? null),
    ],
  );
}

/** The latest attempts of one member, newest first: what `diagnose` shows. */
export async function recentAuthLog(q: Queryable, username: string, limit = 20): Promise<AuthLogEntry[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT time, username, nas, method, result, reason, calling_station_id, class_id FROM auth_log
     WHERE username = $1 ORDER BY time DESC, id DESC LIMIT $2`,
    [username, limit],
  );
  return r.rows.map((row) => ({
    time: date(row.time),
    username: str(row.username),
    nas: str(row.nas),
    method: str(row.method) as RequestMethod,
    result: str(row.result) as AuthOutcome,
    reason: strOrNull(row.reason) as RejectReason | null,
    callingStationId: strOrNull(row.calling_station_id),
    classId: strOrNull(row.class_id),
  }));
}
