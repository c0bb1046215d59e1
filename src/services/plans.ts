/**
 * Plans: named sets of reply attributes, each tenant's own (two tenants may
 * both have a plan `fibre`). One function per task, whoever asks; every
 * change is one transaction with its audit entry. Members on a changed plan
 * get its attributes at their next login.
 */
import { insertAudit } from '../db/audit.js';
import { deletePlan, getPlan, insertPlan, listPlans as listPlanRows, updatePlan } from '../db/plans.js';
import type { Plan, PlanAttribute } from '../domain/plan.js';
import { fail } from '../errors.js';
import type { ReadScope, Scope, ServiceDeps } from './deps.js';
import { tenantNames } from './tenant-names.js';
import { checkPlanAttributes, shownAttributes } from './plan-attributes.js';

type DbDeps = Pick<ServiceDeps, 'db'>;

/** A plan as people and the audit log see it. */
export interface PlanView {
  name: string;
  attributes: PlanAttribute[];
  created_at: string;
  updated_at: string;
}

export function planView(p: Plan): PlanView {
  return { name: p.name, attributes: shownAttributes(p.attributes), created_at: p.createdAt.toISOString(), updated_at: p.updatedAt.toISOString() };
}

export interface PlanInput {
  name: string;
  /** Reply attributes in the order they are sent; checked against the dictionaries. */
  attributes: readonly PlanAttribute[];
}

export async function addPlan(deps: DbDeps, scope: Scope, input: PlanInput): Promise<PlanView> {
  const attributes = checkPlanAttributes(input.attributes);
  const added = await deps.db.transaction(async (tx) => {
    const p = await insertPlan(tx, scope.tenant.id, { name: input.name, attributes });
    await insertAudit(tx, { tenantId: scope.tenant.id, actor: scope.actor.name, action: 'plan.add', target: `plan:${p.name}`, after: planView(p) });
    return p;
  });
  return planView(added);
}

/** The scope's plans; every tenant's with the deployment-wide scope, each then marked with its tenant. */
export async function listPlans(deps: DbDeps, scope: ReadScope): Promise<Array<PlanView & { tenant?: string }>> {
  if (scope.tenant !== 'all') return (await listPlanRows(deps.db, scope.tenant.id)).map(planView);
  const [plans, names] = await Promise.all([listPlanRows(deps.db, 'all'), tenantNames(deps.db)]);
  return plans.map((p) => ({ tenant: names.get(p.tenantId) ?? String(p.tenantId), ...planView(p) }));
}

export async function showPlan(deps: DbDeps, scope: Scope, name: string): Promise<PlanView> {
  const p = await getPlan(deps.db, scope.tenant.id, name);
  if (!p) throw fail('UNKNOWN_PLAN', { plan: name });
  return planView(p);
}

/** Replaces the plan's attributes (none: clears them). */
export async function setPlan(deps: DbDeps, scope: Scope, input: PlanInput): Promise<PlanView> {
  const attributes = checkPlanAttributes(input.attributes);
  const updated = await deps.db.transaction(async (tx) => {
    const before = await getPlan(tx, scope.tenant.id, input.name);
    const p = await updatePlan(tx, scope.tenant.id, input.name, { attributes });
    await insertAudit(tx, { tenantId: scope.tenant.id, actor: scope.actor.name, action: 'plan.set', target: `plan:${p.name}`, before: before && planView(before), after: planView(p) });
    return p;
  });
  return planView(updated);
}

/** Deletes a plan no member is on (moving them is a decision for a person). */
export async function removePlan(deps: DbDeps, scope: Scope, name: string): Promise<{ removed: string }> {
  await deps.db.transaction(async (tx) => {
    const before = await getPlan(tx, scope.tenant.id, name);
    await deletePlan(tx, scope.tenant.id, name);
    await insertAudit(tx, { tenantId: scope.tenant.id, actor: scope.actor.name, action: 'plan.remove', target: `plan:${name}`, before: before && planView(before) });
  });
  return { removed: name };
}
