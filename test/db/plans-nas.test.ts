import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { insertMember } from '../../src/db/members.js';
import { deletePlan, getPlan, insertPlan, listPlans, updatePlan } from '../../src/db/plans.js';
import { getNas, insertNas, listNas, loadAllNas, removeNas } from '../../src/db/nas.js';
import { migratedPostgres, newMember } from './helpers.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

let db: Db;
beforeAll(async () => {
  ({ db } = await migratedPostgres());
});
afterAll(async () => {
  await db.close();
});

describe('plans repository', () => {
  it('keeps reply attributes in the order given', async () => {
    const attrs = [{ name: 'Session-Timeout', value: '86400' }, { name: 'Mikrotik-Rate-Limit', value: '10M/10M' }];
    const p = await insertPlan(db, DEFAULT_TENANT_ID, { name: 'home', attributes: attrs });
    expect(p.attributes).toEqual(attrs);
    expect(await getPlan(db, DEFAULT_TENANT_ID, 'home')).toEqual(p);
    expect((await listPlans(db, DEFAULT_TENANT_ID)).map((x) => x.name)).toContain('home');
  });

  it('refuses a duplicate name', async () => {
    await insertPlan(db, DEFAULT_TENANT_ID, { name: 'dup', attributes: [] });
    await expect(insertPlan(db, DEFAULT_TENANT_ID, { name: 'dup', attributes: [] })).rejects.toMatchObject({
      code: 'DUPLICATE_PLAN',
      message: expect.stringContaining('plan dup already exists'),
    });
  });

  it('refuses attributes that are not name/value pairs', async () => {
    const bad = [{ name: 'Session-Timeout', value: 3 }] as unknown as { name: string; value: string }[];
    await expect(insertPlan(db, DEFAULT_TENANT_ID, { name: 'bad', attributes: bad })).rejects.toMatchObject({ code: 'INVALID_ATTRIBUTE' });
  });

  it('replaces attributes and renames', async () => {
    await insertPlan(db, DEFAULT_TENANT_ID, { name: 'p1', attributes: [] });
    const u = await updatePlan(db, DEFAULT_TENANT_ID, 'p1', { attributes: [{ name: 'Idle-Timeout', value: '600' }], rename: 'p2' });
    expect(u).toMatchObject({ name: 'p2', attributes: [{ name: 'Idle-Timeout', value: '600' }] });
    expect(await getPlan(db, DEFAULT_TENANT_ID, 'p1')).toBeNull();
    await expect(updatePlan(db, DEFAULT_TENANT_ID, 'nope', { attributes: [] })).rejects.toMatchObject({ code: 'UNKNOWN_PLAN' });
  });

  it('refuses to delete a plan members are on, saying how many', async () => {
    await insertPlan(db, DEFAULT_TENANT_ID, { name: 'busy', attributes: [] });
    await insertMember(db, DEFAULT_TENANT_ID, newMember('on-busy-1', { plan: 'busy' }));
    await insertMember(db, DEFAULT_TENANT_ID, newMember('on-busy-2', { plan: 'busy' }));
    await expect(deletePlan(db, DEFAULT_TENANT_ID, 'busy')).rejects.toMatchObject({
      code: 'PLAN_IN_USE',
      message: expect.stringContaining('plan busy is used by 2 members'),
    });
    await insertPlan(db, DEFAULT_TENANT_ID, { name: 'idle', attributes: [] });
    await deletePlan(db, DEFAULT_TENANT_ID, 'idle');
    expect(await getPlan(db, DEFAULT_TENANT_ID, 'idle')).toBeNull();
    await expect(deletePlan(db, DEFAULT_TENANT_ID, 'idle')).rejects.toMatchObject({ code: 'UNKNOWN_PLAN' });
  });
});

describe('nas repository', () => {
  it('stores a NAS with defaults and canonical address', async () => {
    const n = await insertNas(db, { name: 'edge1', address: '192.0.2.1', secret: 'a-long-shared-secret' });
    expect(n).toMatchObject({
      name: 'edge1', address: '192.0.2.1/32', secret: 'a-long-shared-secret', coaPort: 3799,
      requireMessageAuthenticator: true, disconnectProfile: 'generic', supportsCoa: false,
    });
    expect(await getNas(db, 'edge1')).toEqual(n);
  });

  it('refuses a block that overlaps another NAS, naming it', async () => {
    await insertNas(db, { name: 'pool', address: '198.51.100.0/24', secret: 's', disconnectProfile: 'mikrotik' });
    await expect(insertNas(db, { name: 'inside', address: '198.51.100.7', secret: 's' })).rejects.toMatchObject({
      code: 'NAS_ADDRESS_OVERLAP',
      message: expect.stringContaining('NAS pool (198.51.100.0/24)'),
    });
    await expect(insertNas(db, { name: 'around', address: '198.51.0.0/16', secret: 's' })).rejects.toMatchObject({
      code: 'NAS_ADDRESS_OVERLAP',
    });
    // Another family never overlaps.
    await insertNas(db, { name: 'v6', address: '2001:db8::/64', secret: 's' });
  });

  it('refuses a duplicate name, a bad block and a bad port', async () => {
    await expect(insertNas(db, { name: 'edge1', address: '203.0.113.1', secret: 's' })).rejects.toMatchObject({
      code: 'DUPLICATE_NAS',
      message: expect.stringContaining('radassoc nas remove edge1'),
    });
    await expect(insertNas(db, { name: 'x', address: '203.0.113.5/24', secret: 's' })).rejects.toMatchObject({
      code: 'INVALID_CIDR',
      message: expect.stringContaining('did you mean 203.0.113.0/24'),
    });
    await expect(insertNas(db, { name: 'x', address: '203.0.113.9', secret: 's', coaPort: 70000 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('lists, loads and removes', async () => {
    expect((await listNas(db)).map((n) => n.name)).toEqual(['edge1', 'pool', 'v6']);
    expect(await loadAllNas(db)).toEqual(await listNas(db));
    await removeNas(db, 'v6');
    expect(await getNas(db, 'v6')).toBeNull();
    await expect(removeNas(db, 'v6')).rejects.toMatchObject({ code: 'UNKNOWN_NAS', message: expect.stringContaining('radassoc nas list') });
  });
});
