/**
 * The API's audit listing: one tenant's entries, newest first, a page at a
 * time by keyset (the last id of a page is the cursor). Entries written
 * before writers named their tenant have none (tenant_id NULL): they are
 * shown where the deployment has a single tenant, the one they can belong to.
 */
import type { AuditEntry, JsonValue } from './audit.js';
import type { Queryable } from './db.js';
import { date, num, str } from './rows.js';

export interface AuditPageQuery {
  tenantId: number;
  /** Only entries on this target, e.g. member:alice. */
  target?: string;
  /** The last id of the previous page. */
  beforeId?: number;
  limit: number;
}

export async function auditPage(q: Queryable, p: AuditPageQuery): Promise<{ entries: AuditEntry[]; more: boolean }> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT id, tenant_id, time, actor, action, target, before, after FROM audit_log
     WHERE (tenant_id = $1 OR (tenant_id IS NULL AND (SELECT count(*) FROM tenants) = 1))
       AND ($2::text IS NULL OR target = $2) AND ($3::bigint IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`,
    [p.tenantId, p.target ?? null, p.beforeId ?? null, p.limit + 1],
  );
  const entries = r.rows.slice(0, p.limit).map((row) => ({
    id: num(row.id),
    tenantId: row.tenant_id === null ? null : num(row.tenant_id),
    time: date(row.time),
    actor: str(row.actor),
    action: str(row.action),
    target: str(row.target),
    before: (row.before ?? null) as JsonValue,
    after: (row.after ?? null) as JsonValue,
  }));
  return { entries, more: r.rows.length > p.limit };
}
