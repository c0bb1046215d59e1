/**
 * A tenant's own settings over the deployment's, where the admin side reads
 * them: the restricted plan a resume moves sessions out of, and how long the
 * authentication log is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoaClient } from '../../src/coa/client.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import type { Db } from '../../src/db/db.js';
import { insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { insertPlan } from '../../src/db/plans.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { runRetentionEverywhere } from '../../src/jobs/retention.js';
import { resume, suspend, type LifecycleDeps } from '../../src/services/lifecycle.js';
import { addTenant, setTenant } from '../../src/services/tenants.js';
import { SimulatedDas } from '../coa/simulated-das.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { silentLog, startRecord, storeWith } from '../lifecycle/fixtures.js';
import { scopeOf } from '../support/scope.js';

const SECRET = 'settings-test-secret-of-32-octets';
const operator = { name: 'operator' };
let db: Db;
let das: SimulatedDas;
let deps: LifecycleDeps & { config: typeof DEFAULT_CONFIG };

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  das = await SimulatedDas.open(SECRET);
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET, coaPort: das.port });
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'walled', attributes: [] });
  for (const u of ['gina', 'hugo']) await insertMember(db, DEFAULT_TENANT_ID, newMember(u));
  deps = {
    db,
    sessions: await storeWith(startRecord({ username: 'gina', acctSessionId: 'g-1' }), startRecord({ username: 'hugo', acctSessionId: 'h-1' })),
    coa: new CoaClient({ timeoutsMs: [50] }),
    log: silentLog,
    // The deployment sends suspended members nowhere: only the tenant's own setting can.
    config: { ...DEFAULT_CONFIG, restrictedPlan: null },
    now: () => Date.now(),
  };
});

afterAll(async () => {
  await deps?.coa.close();
  das?.close();
  await db?.close();
});

describe('resume with the tenant\'s restricted plan', () => {
  it('moves live sessions out of the tenant\'s walled garden though the deployment has none', async () => {
    await setTenant({ db }, operator, { name: 'default', settings: { restrictedPlan: 'walled' } });
    await suspend(deps, scopeOf('ops'), { username: 'gina', reason: 'dues unpaid' });
    const r = await resume(deps, scopeOf('ops'), { username: 'gina' });
    expect(r.changed).toBe(true);
    expect(r.pushed.map((a) => a.acctSessionId)).toEqual(['g-1']);
  });

  it('leaves sessions alone when the tenant rejects suspended members, whatever the deployment says', async () => {
    await setTenant({ db }, operator, { name: 'default', settings: { restrictedPlan: null } });
    const walledDeployment = { ...deps, config: { ...deps.config, restrictedPlan: 'walled' } };
    await suspend(walledDeployment, scopeOf('ops'), { username: 'hugo', reason: 'dues unpaid' });
    const r = await resume(walledDeployment, scopeOf('ops'), { username: 'hugo' });
    expect(r).toMatchObject({ changed: true, pushed: [] });
  });
});

describe('authentication log retention per tenant', () => {
  const DAY = 86_400_000;
  const NOW = Date.UTC(2026, 10, 25, 3, 30);

  it('prunes each tenant after its own days, the rows of no tenant after the deployment\'s', async () => {
    await addTenant({ db }, operator, { name: 'short', settings: { authLogRetentionDays: 30 } });
    await addTenant({ db }, operator, { name: 'keeps-all', settings: { authLogRetentionDays: 0 } });
    const ids = Object.fromEntries((await db.query<{ id: number; name: string }>('SELECT id, name FROM tenants')).rows.map((t) => [t.name, Number(t.id)]));
    for (const [owner, tenantId] of [['short', ids.short], ['keeps-all', ids['keeps-all']], ['default', ids.default], ['none', null]] as const) {
      for (const days of [10, 60, 200]) {
        await db.query(`INSERT INTO auth_log (time, username, nas, method, result, tenant_id) VALUES ($1, $2, 'bras1', 'pap', 'accept', $3)`, [
          new Date(NOW - days * DAY),
          `${owner}-${days}`,
          tenantId,
        ]);
      }
    }
    const report = await runRetentionEverywhere(db, { authLog: { ...DEFAULT_CONFIG.authLog, retentionDays: 180 }, retention: DEFAULT_CONFIG.retention }, NOW);
    expect(report.results.filter((r) => r.kind === 'auth-log').reduce((n, r) => n + r.rows, 0)).toBe(4);
    const kept = await db.query<{ username: string }>('SELECT username FROM auth_log ORDER BY username');
    expect(kept.rows.map((r) => r.username)).toEqual(['default-10', 'default-60', 'keeps-all-10', 'keeps-all-200', 'keeps-all-60', 'none-10', 'none-60', 'short-10']);
  });
});
