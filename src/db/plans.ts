/**
 * The plans table: named sets of reply attributes, each tenant's own (the key
 * is (tenant_id, name)). One exported function per query; each takes the
 * tenant's id after the Queryable and touches no other tenant's plan.
 */
import type { Plan, PlanAttribute } from '../domain/plan.js';
import { fail, type RadassocError } from '../errors.js';
import type { Queryable } from './db.js';
import { dbErrorInfo, SQLSTATE } from './pg-errors.js';
import { date, num, str } from './rows.js';

const PLAN_COLUMNS = 'tenant_id, name, attributes, created_at, updated_at';
type PlanRow = Record<string, unknown>;

function toPlan(r: PlanRow): Plan {
  return { tenantId: num(r.tenant_id), name: str(r.name), attributes: checkAttributes(r.attributes), createdAt: date(r.created_at), updatedAt: date(r.updated_at) };
}

/** Shape only; whether a name is in the dictionary is auth/'s business. */
function checkAttributes(v: unknown): PlanAttribute[] {
  const ok =
    Array.isArray(v) &&
    v.every((a: unknown) => {
      const o = a as Record<string, unknown> | null;
      return typeof o === 'object' && o !== null && typeof o.name === 'string' && o.name !== '' && typeof o.value === 'string';
    });
  if (!ok) throw fail('INVALID_ATTRIBUTE', { problem: 'shape' });
  return (v as PlanAttribute[]).map((a) => ({ name: a.name, value: a.value }));
}

function checkName(name: string): string {
  if (name.length === 0 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw fail('INVALID_ARGUMENT', { problem: 'name', kind: 'plan', name });
  }
  return name;
}

const unknownPlan = (name: string): RadassocError =>
  fail('UNKNOWN_PLAN', { plan: name });

function mapPlanError(e: unknown, name: string): unknown {
  const info = dbErrorInfo(e);
  if (info?.code === SQLSTATE.uniqueViolation) {
    return fail('DUPLICATE_PLAN', { plan: name });
  }
  return e;
}

export async function insertPlan(q: Queryable, tenantId: number, plan: { name: string; attributes: PlanAttribute[] }): Promise<Plan> {
  const name = checkName(plan.name);
  const attributes = JSON.stringify(checkAttributes(plan.attributes));
  try {
    const r = await q.query<PlanRow>(
      `INSERT INTO plans (tenant_id, name, attributes) VALUES ($1, $2, $3::jsonb) RETURNING ${PLAN_COLUMNS}`,
      [tenantId, name, attributes],
    );
    return toPlan(r.rows[0] ?? {});
  } catch (e) {
    throw mapPlanError(e, name);
  }
}

export async function getPlan(q: Queryable, tenantId: number, name: string): Promise<Plan | null> {
  const r = await q.query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM plans WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
  return r.rows[0] ? toPlan(r.rows[0]) : null;
}

/** One tenant's plans, or with 'all' every tenant's (the daemon's directory, the deployment-wide listing). */
export async function listPlans(q: Queryable, tenant: number | 'all'): Promise<Plan[]> {
  const r = await q.query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM plans WHERE $1::integer IS NULL OR tenant_id = $1 ORDER BY name, tenant_id`, [
    tenant === 'all' ? null : tenant,
  ]);
  return r.rows.map(toPlan);
}

/** Replaces the attributes and/or renames (members follow: ON UPDATE CASCADE). */
export async function updatePlan(
  q: Queryable,
  tenantId: number,
  name: string,
  change: { attributes?: PlanAttribute[]; rename?: string },
): Promise<Plan> {
  const attributes = change.attributes === undefined ? null : JSON.stringify(checkAttributes(change.attributes));
  const newName = change.rename === undefined ? null : checkName(change.rename);
  try {
    const r = await q.query<PlanRow>(
      `UPDATE plans SET attributes = COALESCE($3::jsonb, attributes), name = COALESCE($4, name)
       WHERE tenant_id = $1 AND name = $2 RETURNING ${PLAN_COLUMNS}`,
      [tenantId, name, attributes, newName],
    );
    if (!r.rows[0]) throw unknownPlan(name);
    return toPlan(r.rows[0]);
  } catch (e) {
    throw mapPlanError(e, newName ?? name);
  }
}

/** Members on the plan block its deletion: moving them is a decision for a person. */
export async function deletePlan(q: Queryable, tenantId: number, name: string): Promise<void> {
  const used = await q.query<{ n: unknown }>('SELECT count(*) AS n FROM members WHERE tenant_id = $1 AND plan = $2', [tenantId, name]);
  const n = Number(used.rows[0]?.n ?? 0);
  if (n > 0) throw planInUse(name, n);
  try {
    const r = await q.query('DELETE FROM plans WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
    if (r.rowCount === 0) throw unknownPlan(name);
  } catch (e) {
    // A member put on the plan between the count and the delete.
    if (dbErrorInfo(e)?.code === SQLSTATE.foreignKeyViolation) throw planInUse(name, null);
    throw e;
  }
}

function planInUse(name: string, count: number | null): RadassocError {
  return fail('PLAN_IN_USE', { plan: name, members: count });
}
