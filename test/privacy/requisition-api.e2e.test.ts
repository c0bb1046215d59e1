/**
 * Requisitions over the HTTP API: only the requisition role (in its
 * tenant) and the operator (deployment-wide, or in a tenant it names) may;
 * an admin is refused as any role is for what it may not do; a tenant the
 * caller has no role in is unknown. Refusals of the request are the
 * catalogue's, field by field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiDaemon, type ApiHarness } from '../api/harness.js';
import { addTenant } from '../tenancy/accounting-fixtures.js';

let api: ApiHarness;
const tokens: Record<string, string> = {};
const LOOKUP = { ip: '198.51.100.77', at: '2026-03-14T21:05:00+01:00', ref: 'PV 2026/100' };

beforeAll(async () => {
  api = await startApiDaemon();
  await addTenant(api.t.db, 'asso-b', ['asso-b']);
  tokens.admin = await api.token('admin');
  tokens.requisition = await api.token('requisition', 'default', 'court-desk');
  tokens.requisitionB = await api.token('requisition', 'asso-b');
  tokens.operator = await api.token('operator');
});

afterAll(async () => {
  await api?.stop();
});

const lookup = (token: string, query = '', body: unknown = LOOKUP) => api.call('POST', `/api/v1/requisitions/lookup${query}`, { token, body });

describe('POST /api/v1/requisitions/lookup', () => {
  it("is refused to the tenant's admin (403), answered to the requisition role within its tenant", async () => {
    const refused = await lookup(tokens.admin!);
    expect([refused.status, refused.body.error.code, refused.body.error.message]).toEqual([403, 'API_FORBIDDEN', 'the admin role may not answer requisitions']);
    const ok = await lookup(tokens.requisition!);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ reference: 'PV 2026/100', scope: 'default', matches: [], query: { at: { utc: '2026-03-14T20:05:00.000Z' } } });
    const [row] = (await api.t.db.query('SELECT actor, tenant, all_tenants FROM requisition_log WHERE id = $1', [ok.body.requisition_id])).rows;
    expect(row).toEqual({ actor: 'token:court-desk', tenant: 'default', all_tenants: false });
  });

  it('answers the operator across the deployment, or within the tenant it names', async () => {
    expect((await lookup(tokens.operator!)).body.scope).toBe('all');
    expect((await lookup(tokens.operator!, '?tenant=asso-b')).body.scope).toBe('asso-b');
  });

  it("answers a tenant the caller has no role in as unknown (404), never another tenant's register", async () => {
    const other = await lookup(tokens.requisition!, '?tenant=asso-b');
    expect([other.status, other.body.error.code]).toEqual([404, 'UNKNOWN_TENANT']);
    expect((await lookup(tokens.requisitionB!)).body.scope).toBe('asso-b');
  });

  it('refuses a time without zone and a missing reference, naming the fields', async () => {
    const local = await lookup(tokens.requisition!, '', { ...LOOKUP, at: '2026-03-14T21:05:00' });
    expect([local.status, local.body.error.code, local.body.error.message]).toEqual([400, 'INVALID_REQUISITION', "--at '2026-03-14T21:05:00' has no time zone: an instant needs its offset or Z"]);
    const noRef = await lookup(tokens.requisition!, '', { ip: LOOKUP.ip, at: LOOKUP.at });
    expect([noRef.status, noRef.body.error.fields.map((f: { path: string }) => f.path)]).toEqual([400, ['ref']]);
  });
});

describe('GET /api/v1/requisitions/report', () => {
  it('counts the year for the requisition role and the operator, and is refused to the admin', async () => {
    const year = new Date().getUTCFullYear();
    const mine = await api.call('GET', `/api/v1/requisitions/report?year=${year}`, { token: tokens.requisition! });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ year, scope: 'default', requisitions: 1, without_result: 1 });
    const all = await api.call('GET', `/api/v1/requisitions/report?year=${year}`, { token: tokens.operator! });
    expect(all.body).toMatchObject({ scope: 'all', requisitions: 4 });
    expect((await api.call('GET', `/api/v1/requisitions/report?year=${year}`, { token: tokens.admin! })).status).toBe(403);
  });
});
