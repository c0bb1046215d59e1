/** The plan services called directly against a real PostgreSQL: results, audit rows, refusal codes. */
import { scopeOf } from '../support/scope.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/db/audit.js';
import type { Db } from '../../src/db/db.js';
import { insertMember } from '../../src/db/members.js';
import { checkPlanAttribute, splitAttribute } from '../../src/services/plan-attributes.js';
import { addPlan, listPlans, removePlan, setPlan, showPlan } from '../../src/services/plans.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const admin = scopeOf('ops');
let db: Db;
const deps = (): { db: Db } => ({ db });

beforeAll(async () => {
  ({ db } = await migratedPostgres());
});
afterAll(async () => {
  await db?.close();
});

function refusedWith(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    return e as Record<string, unknown>;
  }
  throw new Error('not refused');
}

describe('plan attributes', () => {
  it('checks each attribute against the dictionaries and offers the name or value a typo away', () => {
    expect(checkPlanAttribute({ name: ' Session-Timeout ', value: ' 86400 ' })).toEqual({ name: 'Session-Timeout', value: '86400' });
    expect(refusedWith(() => checkPlanAttribute({ name: 'Sesion-Timeout', value: '60' }))).toMatchObject({
      code: 'INVALID_ATTRIBUTE',
      text: "--attr 'Sesion-Timeout=60': unknown attribute 'Sesion-Timeout'; did you mean Session-Timeout?",
      details: { attribute: 'Sesion-Timeout', value: '60', reason: "unknown attribute 'Sesion-Timeout'; did you mean Session-Timeout?" },
    });
    expect(refusedWith(() => checkPlanAttribute({ name: 'Service-Type', value: 'Framed-Usr' }))).toMatchObject({
      details: { reason: "Service-Type: 'Framed-Usr' is not one of its named values; did you mean Framed-User?" },
    });
  });

  it('splits Attribute=Value text, refusing text without a name', () => {
    expect(splitAttribute('Mikrotik-Rate-Limit = 10M/20M')).toEqual({ name: 'Mikrotik-Rate-Limit', value: '10M/20M' });
    expect(refusedWith(() => splitAttribute('Session-Timeout'))).toMatchObject({
      code: 'INVALID_ATTRIBUTE', details: { text: 'Session-Timeout', problem: 'not-attribute-value' },
    });
  });
});

describe('plans', () => {
  it('adds, shows and lists plans, auditing the addition', async () => {
    const added = await addPlan(deps(), admin, { name: 'basic', attributes: [{ name: 'Session-Timeout', value: '86400' }] });
    expect(added).toMatchObject({ name: 'basic', attributes: [{ name: 'Session-Timeout', value: '86400' }] });
    await addPlan(deps(), admin, { name: 'empty', attributes: [] });
    expect(await showPlan(deps(), scopeOf('test'), 'basic')).toEqual(added);
    expect((await listPlans(deps(), scopeOf('test'))).map((p) => p.name)).toEqual(['basic', 'empty']);
    const [entry] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'plan:basic' });
    expect(entry).toMatchObject({ actor: 'ops', action: 'plan.add', after: { name: 'basic', attributes: [{ name: 'Session-Timeout', value: '86400' }] } });
  });

  it('refuses a duplicate, an unknown plan and a misspelt attribute, writing nothing', async () => {
    await expect(addPlan(deps(), admin, { name: 'basic', attributes: [] })).rejects.toMatchObject({
      code: 'DUPLICATE_PLAN', text: 'plan basic already exists', hint: 'see `radassoc plan list`', details: { plan: 'basic' },
    });
    await expect(showPlan(deps(), scopeOf('test'), 'gold')).rejects.toMatchObject({ code: 'UNKNOWN_PLAN', details: { plan: 'gold' } });
    await expect(setPlan(deps(), admin, { name: 'gold', attributes: [] })).rejects.toMatchObject({ code: 'UNKNOWN_PLAN' });
    await expect(addPlan(deps(), admin, { name: 'typo', attributes: [{ name: 'Idle-Timout', value: '60' }] })).rejects.toMatchObject({
      code: 'INVALID_ATTRIBUTE',
    });
    expect((await listPlans(deps(), scopeOf('test'))).map((p) => p.name)).toEqual(['basic', 'empty']);
  });

  it('replaces the attributes, none clearing them, with the plan before and after in the audit log', async () => {
    const set = await setPlan(deps(), admin, { name: 'empty', attributes: [{ name: 'Acct-Interim-Interval', value: '300' }] });
    expect(set.attributes).toEqual([{ name: 'Acct-Interim-Interval', value: '300' }]);
    expect((await setPlan(deps(), admin, { name: 'empty', attributes: [] })).attributes).toEqual([]);
    const [entry] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'plan:empty' });
    expect(entry).toMatchObject({ action: 'plan.set', before: { attributes: [{ name: 'Acct-Interim-Interval', value: '300' }] }, after: { attributes: [] } });
  });

  it('refuses to remove a plan members are on, saying how many, and removes it once they are gone', async () => {
    await insertMember(db, DEFAULT_TENANT_ID, newMember('on-basic', { plan: 'basic' }));
    await expect(removePlan(deps(), admin, 'basic')).rejects.toMatchObject({
      code: 'PLAN_IN_USE',
      text: 'plan basic is used by 1 member',
      hint: 'move them to another plan with `radassoc member set <username> --plan <other>` first',
      details: { plan: 'basic', members: 1 },
    });
    expect(await removePlan(deps(), admin, 'empty')).toEqual({ removed: 'empty' });
    const [entry] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'plan:empty' });
    expect(entry).toMatchObject({ action: 'plan.remove', before: { name: 'empty' } });
    await expect(removePlan(deps(), admin, 'empty')).rejects.toMatchObject({ code: 'UNKNOWN_PLAN' });
  });
});
