/**
 * NAS clients seen from two tenants and from the operator, probed as a
 * tenant's admin looking for the other's equipment: names, addresses and
 * secrets of a NAS out of scope never show, and nothing in one scope changes
 * what the other depends on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { getNas } from '../../src/db/nas.js';
import type { TenantRef } from '../../src/domain/tenant.js';
import { addNas, addSharedNas, listNas, removeNas, removeSharedNas, setSharedNasCarries, showNas } from '../../src/services/nas.js';
import { migratedPostgres } from '../db/helpers.js';
import { scopeOf } from '../support/scope.js';
import { addTenant } from './fixtures.js';

const A_SECRET = 'secret-of-asso-a-bras-0123456789ab';
const B_SECRET = 'secret-of-asso-b-bras-0123456789ab';
const LAC_SECRET = 'secret-of-the-shared-lac-012345678';
const operator = { name: 'operator' };
let db: Db;
let a: TenantRef;
let b: TenantRef;
let c: TenantRef;
const deps = (): { db: Db } => ({ db });

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  a = await addTenant(db, 'asso-a');
  b = await addTenant(db, 'asso-b');
  c = await addTenant(db, 'asso-c');
  await addNas(deps(), scopeOf('admin-a', a), { name: 'bras-a', address: '192.0.2.1', secret: A_SECRET });
  await addNas(deps(), scopeOf('admin-b', b), { name: 'bras-b', address: '192.0.2.2', secret: B_SECRET });
  await addSharedNas(deps(), operator, { name: 'lac', address: '198.51.100.0/28', secret: LAC_SECRET, carries: ['asso-a', 'asso-b'] });
});
afterAll(async () => {
  await db?.close();
});

describe("a tenant's view of the NAS", () => {
  it('lists its own NAS and the shared one carrying it, marked shared, without who else it carries', async () => {
    const seen = await listNas(deps(), scopeOf('admin-a', a));
    expect(seen.map((n) => [n.name, n.shared ?? false])).toEqual([['bras-a', false], ['lac', true]]);
    expect(seen.find((n) => n.name === 'lac')).not.toHaveProperty('carries');
    const text = JSON.stringify(seen);
    for (const hidden of ['bras-b', '192.0.2.2', 'asso-b', A_SECRET, B_SECRET, LAC_SECRET]) expect(text).not.toContain(hidden);
    expect((await listNas(deps(), scopeOf('admin-c', c))).map((n) => n.name)).toEqual([]);
  });

  it("finds the other tenant's NAS nowhere: show and remove say not found, as for a NAS that does not exist", async () => {
    for (const name of ['bras-b', 'no-such-nas']) {
      await expect(showNas(deps(), scopeOf('admin-a', a), name)).rejects.toMatchObject({ code: 'UNKNOWN_NAS', text: `no NAS named ${name}` });
      await expect(removeNas(deps(), scopeOf('admin-a', a), name)).rejects.toMatchObject({ code: 'UNKNOWN_NAS', text: `no NAS named ${name}` });
    }
    expect(await getNas(db, 'bras-b')).not.toBeNull();
  });

  it("says a name or an address is taken deployment-wide without naming the other tenant's NAS", async () => {
    const e = await addNas(deps(), scopeOf('admin-a', a), { name: 'bras-b', address: '203.0.113.9', secret: A_SECRET }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'DUPLICATE_NAS', details: { nas: 'bras-b', elsewhere: true } });
    expect((e as Error).message).toMatch(/NAS names are shared by every tenant/);
    const overlap = await addNas(deps(), scopeOf('admin-a', a), { name: 'probe', address: '192.0.2.2/31', secret: A_SECRET }).catch((x: unknown) => x);
    expect(overlap).toMatchObject({ code: 'NAS_ADDRESS_OVERLAP', details: { other: null, otherAddress: null, elsewhere: true } });
    // Its own NAS it may be told about, by name.
    const own = await addNas(deps(), scopeOf('admin-a', a), { name: 'probe', address: '192.0.2.1', secret: A_SECRET }).catch((x: unknown) => x);
    expect(own).toMatchObject({ code: 'NAS_ADDRESS_OVERLAP', details: { other: 'bras-a' } });
    // Neither says whose NAS it is, nor (beyond what was typed) where it is.
    expect(JSON.stringify(e) + String((e as Error).message)).not.toMatch(/asso-b|192\.0\.2\.2/);
    expect(JSON.stringify(overlap) + String((overlap as Error).message)).not.toMatch(/asso-b|bras-b|192\.0\.2\.2\/32/);
  });

  it('cannot remove or change the shared NAS it sees: that is the operator', async () => {
    await expect(removeNas(deps(), scopeOf('admin-a', a), 'lac')).rejects.toMatchObject({ code: 'SHARED_NAS_OPERATOR_ONLY' });
    expect(await getNas(db, 'lac')).not.toBeNull();
  });
});

describe("the operator's view", () => {
  it('lists every NAS with its owner, the shared one with the tenants it carries', async () => {
    const all = await listNas(deps(), { actor: operator, tenant: 'all' });
    expect(all.map((n) => [n.name, n.tenant, n.carries ?? null])).toEqual([
      ['bras-a', 'asso-a', null],
      ['bras-b', 'asso-b', null],
      ['lac', null, ['asso-a', 'asso-b']],
    ]);
    expect(JSON.stringify(all)).not.toMatch(new RegExp([A_SECRET, B_SECRET, LAC_SECRET].join('|')));
  });

  it('changes what the shared NAS carries, and the tenants see it come and go', async () => {
    expect((await setSharedNasCarries(deps(), operator, 'lac', { add: ['asso-c'], remove: ['asso-a'] })).carries).toEqual(['asso-b', 'asso-c']);
    expect((await listNas(deps(), scopeOf('admin-a', a))).map((n) => n.name)).toEqual(['bras-a']);
    expect((await listNas(deps(), scopeOf('admin-c', c))).map((n) => n.name)).toEqual(['lac']);
    expect((await setSharedNasCarries(deps(), operator, 'lac', { carries: ['asso-a', 'asso-b'] })).carries).toEqual(['asso-a', 'asso-b']);
    await expect(setSharedNasCarries(deps(), operator, 'lac', { remove: ['asso-a', 'asso-b'] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT', details: { problem: 'shared-nas-carries', shared: true },
    });
    await expect(setSharedNasCarries(deps(), operator, 'lac', { add: ['asso-z'] })).rejects.toMatchObject({ code: 'UNKNOWN_TENANT' });
    await expect(setSharedNasCarries(deps(), operator, 'bras-a', { add: ['asso-b'] })).rejects.toMatchObject({ code: 'NOT_SHARED_NAS', details: { tenant: 'asso-a' } });
    await expect(removeSharedNas(deps(), operator, 'bras-b')).rejects.toMatchObject({ code: 'NOT_SHARED_NAS' });
  });

  it('audits tenant changes in their tenant and shared ones in none, never with a secret', async () => {
    const rows = await db.query<{ action: string; target: string; tenant_id: number | null; before: unknown; after: unknown }>(
      'SELECT action, target, tenant_id, before, after FROM audit_log ORDER BY id',
    );
    const byTarget = rows.rows.map((r) => [r.action, r.target, r.tenant_id === null ? null : Number(r.tenant_id)]);
    expect(byTarget.slice(0, 3)).toEqual([['nas.add', 'nas:bras-a', a.id], ['nas.add', 'nas:bras-b', b.id], ['nas.add', 'nas:lac', null]]);
    expect(byTarget.filter((r) => r[0] === 'nas.set').every((r) => r[2] === null)).toBe(true);
    expect(JSON.stringify(rows.rows)).not.toMatch(new RegExp([A_SECRET, B_SECRET, LAC_SECRET].join('|')));
    expect(await removeSharedNas(deps(), operator, 'lac')).toEqual({ removed: 'lac' });
  });
});
