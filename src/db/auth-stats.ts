/**
 * The dashboard's figures from the authentication log: Access-Request
 * decisions of one tenant per minute over the last minutes, accepts and
 * rejects by reason (index auth_log_tenant_time_idx).
 */
import type { Queryable } from './db.js';
import { date, num, str, strOrNull } from './rows.js';

export interface MinuteCount {
  minute: Date;
  result: string;
  reason: string | null;
  count: number;
}

export async function authPerMinute(q: Queryable, tenantId: number, since: Date): Promise<MinuteCount[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT date_trunc('minute', time) AS minute, result, reason, count(*) AS n
       FROM auth_log WHERE tenant_id = $1 AND time >= $2
      GROUP BY 1, 2, 3 ORDER BY 1`,
    [tenantId, since],
  );
  return r.rows.map((row) => ({ minute: date(row.minute), result: str(row.result), reason: strOrNull(row.reason), count: num(row.n) }));
}
