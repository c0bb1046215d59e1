/** The retention_log table (sql/085_retention.sql): what each retention run removed, counted, never what it held. */
import type { Queryable } from './db.js';
import { dateOrNull, num, numOrNull, str } from './rows.js';

export interface RetentionLogEntry {
  runId: string;
  actor: string;
  tenantId: number | null;
  kind: string;
  rows: number;
  batches: number;
  cutoff: Date | null;
}

export async function insertRetentionLog(q: Queryable, entries: readonly RetentionLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await q.query(
    `INSERT INTO retention_log (run_id, actor, tenant_id, kind, rows, batches, cutoff)
     SELECT $1::uuid, $2, * FROM UNNEST($3::integer[], $4::text[], $5::bigint[], $6::integer[], $7::timestamptz[])`,
    [
      entries[0]!.runId,
      entries[0]!.actor,
      entries.map((e) => e.tenantId),
      entries.map((e) => e.kind),
      entries.map((e) => String(e.rows)),
      entries.map((e) => e.batches),
      entries.map((e) => e.cutoff?.toISOString() ?? null),
    ],
  );
}

export interface RetentionLogRow extends RetentionLogEntry {
  time: Date;
}

/** One tenant's entries (null: the deployment's own rows), newest first. */
export async function listRetentionLog(q: Queryable, tenantId: number | null, limit = 100): Promise<RetentionLogRow[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT run_id::text AS run_id, time, actor, tenant_id, kind, rows, batches, cutoff FROM retention_log
      WHERE tenant_id IS NOT DISTINCT FROM $1::integer ORDER BY time DESC, id DESC LIMIT $2`,
    [tenantId, limit],
  );
  return r.rows.map((row) => ({
    runId: str(row.run_id),
    time: dateOrNull(row.time) ?? new Date(0),
    actor: str(row.actor),
    tenantId: numOrNull(row.tenant_id),
    kind: str(row.kind),
    rows: num(row.rows),
    batches: num(row.batches),
    cutoff: dateOrNull(row.cutoff),
  }));
}
