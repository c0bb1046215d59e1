/**
 * The disconnect_log table (sql/020_disconnect_log.sql): one row per
 * Disconnect-Request / CoA-Request sent to a NAS and what came of it. Written
 * by coa/disconnect.ts, read by `diagnose`. One exported function per query.
 */
import type { Queryable } from './db.js';
import { date, num, numOrNull, str, strOrNull } from './rows.js';

export type DisconnectKind = 'disconnect' | 'coa';
export type DisconnectOutcome = 'ack' | 'nak' | 'timeout' | 'error';

export interface NewDisconnectLogEntry {
  time?: Date;
  username: string;
  nas: string;
  uniqueId: string | null;
  acctSessionId: string | null;
  kind: DisconnectKind;
  outcome: DisconnectOutcome;
  errorCause: number | null;
  attempts: number;
  ms: number;
  actor: string;
  reason: string | null;
  detail: string | null;
}

export interface DisconnectLogEntry extends NewDisconnectLogEntry {
  id: number;
  time: Date;
}

export async function insertDisconnectLog(q: Queryable, e: NewDisconnectLogEntry): Promise<void> {
  await q.query(
    `INSERT INTO disconnect_log (time, username, nas, unique_id, acct_session_id, kind, outcome, error_cause, attempts, ms, actor, reason, detail)
     VALUES (COALESCE($1::timestamptz, now()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      e.time?.toISOString() ?? null,
      e.username,
      e.nas,
      e.uniqueId,
      e.acctSessionId,
      e.kind,
      e.outcome,
      e.errorCause,
      Math.max(0, Math.round(e.attempts)),
      Math.max(0, Math.round(e.ms)),
      e.actor,
      e.reason,
      e.detail,
    ],
  );
}

/** The latest attempts aimed at one member's sessions, newest first. */
/**
 * `tenantId`: only that tenant's rows; those written before disconnects
 * recorded a tenant (null) count while the deployment has a single tenant.
 */
export async function recentDisconnects(q: Queryable, username: string, limit = 10, tenantId?: number): Promise<DisconnectLogEntry[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT id, time, username, nas, unique_id, acct_session_id, kind, outcome, error_cause, attempts, ms, actor, reason, detail
       FROM disconnect_log WHERE username = $1
        AND ($3::integer IS NULL OR tenant_id = $3 OR (tenant_id IS NULL AND (SELECT count(*) FROM tenants) = 1))
      ORDER BY time DESC, id DESC LIMIT $2`,
    [username, limit, tenantId ?? null],
  );
  return r.rows.map((row) => ({
    id: num(row.id),
    time: date(row.time),
    username: str(row.username),
    nas: str(row.nas),
    uniqueId: strOrNull(row.unique_id),
    acctSessionId: strOrNull(row.acct_session_id),
    kind: str(row.kind) as DisconnectKind,
    outcome: str(row.outcome) as DisconnectOutcome,
    errorCause: numOrNull(row.error_cause),
    attempts: num(row.attempts),
    ms: num(row.ms),
    actor: str(row.actor),
    reason: strOrNull(row.reason),
    detail: strOrNull(row.detail),
  }));
}
