/**
 * Read-only look-ups in usage_sessions for `diagnose`: a member's last
 * finished sessions with their terminate cause. usage.ts owns the table and
 * all its writes; this is a read next to it, kept apart only because
 * usage.ts belonged to another change. Sessions finished since the last flush
 * (every minute by default) are not here yet.
 */
import type { Queryable } from './db.js';
import { date, num, str, strOrNull } from './rows.js';

export interface FinishedSession {
  uniqueId: string;
  nas: string;
  acctSessionId: string;
  startTime: Date;
  stopTime: Date;
  seconds: number;
  inputOctets: number;
  outputOctets: number;
  /** RFC 2866 §5.10 name, or 'Stale-Session' / 'NAS-Reboot' for sessions we closed. */
  terminateCause: string | null;
  framedIp: string | null;
}

/** Newest first (index usage_sessions_username_start_idx). */
/** `tenantId`: only that tenant's sessions. */
export async function recentFinishedSessions(q: Queryable, username: string, limit = 10, tenantId?: number): Promise<FinishedSession[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT unique_id, nas, acct_session_id, start_time, stop_time, seconds, input_octets, output_octets,
            terminate_cause, host(framed_ip) AS framed_ip
       FROM usage_sessions
      WHERE username = $1 AND stop_time IS NOT NULL AND ($3::integer IS NULL OR tenant_id = $3)
      ORDER BY start_time DESC, unique_id LIMIT $2`,
    [username, limit, tenantId ?? null],
  );
  return r.rows.map((row) => ({
    uniqueId: str(row.unique_id),
    nas: str(row.nas),
    acctSessionId: str(row.acct_session_id),
    startTime: date(row.start_time),
    stopTime: date(row.stop_time),
    seconds: num(row.seconds),
    inputOctets: num(row.input_octets),
    outputOctets: num(row.output_octets),
    terminateCause: strOrNull(row.terminate_cause),
    framedIp: strOrNull(row.framed_ip),
  }));
}
