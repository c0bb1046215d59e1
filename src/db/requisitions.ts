/**
 * requisition_log (sql/080_connection_register.sql): append-only. This
 * module inserts and reads; there is no update or delete here, and the
 * table's triggers refuse them to anyone.
 */
import type { Queryable } from './db.js';
import { date, num, str, strOrNull } from './rows.js';

/** One member and session a lookup returned, as the log keeps it. */
export interface RequisitionResultEntry {
  tenant: string;
  username: string | null;
  member_id: number | null;
  unique_id: string;
}

export interface NewRequisition {
  actor: string;
  reference: string;
  /** null: every tenant (the operator, or --all-tenants). */
  tenant: { id: number; name: string } | null;
  query: { ip: string; at: string; port: number | null };
  result: RequisitionResultEntry[];
  /** The error code of a lookup that read the register but could not answer; absent when answered. */
  failure?: string;
  /** Epoch ms. */
  at: number;
}

export async function insertRequisition(q: Queryable, r: NewRequisition): Promise<number> {
  const out = await q.query<{ id: unknown }>(
    `INSERT INTO requisition_log (at, actor, reference, all_tenants, tenant_id, tenant, query, result, failure)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9) RETURNING id`,
    [
      new Date(r.at).toISOString(),
      r.actor,
      r.reference,
      r.tenant === null,
      r.tenant?.id ?? null,
      r.tenant?.name ?? null,
      JSON.stringify(r.query),
      JSON.stringify(r.result),
      r.failure ?? null,
    ],
  );
  return num(out.rows[0]?.id);
}

/** What the yearly report counts of one requisition: no reference, no identity. */
export interface RequisitionCountRow {
  at: Date;
  /** The scope's tenant; null for a deployment-wide lookup. */
  tenant: string | null;
  /** Tenants of the members returned. */
  resultTenants: string[];
  results: number;
  /** The lookup could not answer (its error code is in the log). */
  failed: boolean;
}

/** Requisitions in [fromMs, toMs), in `tenantId` alone or (null) every scope. */
export async function requisitionsBetween(q: Queryable, fromMs: number, toMs: number, tenantId: number | null): Promise<RequisitionCountRow[]> {
  const r = await q.query(
    `SELECT at, tenant, jsonb_array_length(result) AS results, failure IS NOT NULL AS failed,
            ARRAY(SELECT DISTINCT e->>'tenant' FROM jsonb_array_elements(result) e ORDER BY 1) AS result_tenants
       FROM requisition_log WHERE at >= $1 AND at < $2 AND ($3::integer IS NULL OR tenant_id = $3) ORDER BY at, id`,
    [new Date(fromMs).toISOString(), new Date(toMs).toISOString(), tenantId],
  );
  return r.rows.map((row) => ({
    at: date(row.at),
    tenant: strOrNull(row.tenant),
    resultTenants: Array.isArray(row.result_tenants) ? row.result_tenants.map((t) => str(t)) : [],
    results: num(row.results),
    failed: row.failed === true,
  }));
}
