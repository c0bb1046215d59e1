/**
 * Tenants over the API: a request acts in its principal's tenant, never in
 * one the client names; another tenant's objects are 404, not 403; the
 * operator names the tenant on a deployment of several.
 *
 * The member checks hold once the member services filter by scope.tenant
 * (the list already does: db/member-pages.ts names the tenant).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiDaemon, type ApiHarness } from './harness.js';

let api: ApiHarness;
let tokenA: string;
let tokenB: string;
let operator: string;

beforeAll(async () => {
  api = await startApiDaemon();
  tokenA = await api.token('admin', 'default', 'asso-a-sync');
  const created = await api.call('POST', '/api/v1/members', { token: tokenA, body: { username: 'alice', password: 'alice-pass-1' } });
  if (created.status !== 201) throw new Error(created.text);
  await api.call('POST', '/api/v1/members', { token: tokenA, body: { username: 'olga', password: 'olga-pass-12' } });
  await api.t.db.query("INSERT INTO tenants (name, display_name) VALUES ('asso-b', 'Association B')");
  tokenB = await api.token('admin', 'asso-b', 'asso-b-sync');
  operator = await api.token('operator');
});

afterAll(async () => {
  await api?.stop();
});

describe("another tenant's objects", () => {
  it("are not in B's member list", async () => {
    const r = await api.call('GET', '/api/v1/members', { token: tokenB });
    expect(r.status).toBe(200);
    expect(r.body.members).toEqual([]);
  });

  it("a token of B naming A's tenant gets 404 for the tenant, not 403", async () => {
    const r = await api.call('GET', '/api/v1/members?tenant=default', { token: tokenB });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('UNKNOWN_TENANT');
  });

  it.each([
    ['GET', '/api/v1/members/alice', undefined],
    ['PATCH', '/api/v1/members/alice', { paid_until: '2031-01-01' }],
    ['POST', '/api/v1/members/alice/suspend', { reason: 'not yours' }],
    ['DELETE', '/api/v1/members/alice', undefined],
  ] as const)("%s %s with B's token is 404", async (method, path, body) => {
    const r = await api.call(method, path, { token: tokenB, ...(body ? { body } : {}) });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('UNKNOWN_MEMBER');
    const still = await api.call('GET', '/api/v1/members/alice', { token: tokenA });
    expect(still.body).toMatchObject({ status: 'active', paid_until: null });
  });
});

describe('the operator', () => {
  it('must name the tenant on a deployment of several', async () => {
    const r = await api.call('GET', '/api/v1/members', { token: operator });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'TENANT_REQUIRED', details: { tenants: ['asso-b', 'default'] } });
  });

  it('acts in the tenant it names', async () => {
    const a = await api.call('GET', '/api/v1/members?tenant=default&q=olga', { token: operator });
    expect(a.body.members.map((m: { username: string }) => m.username)).toEqual(['olga']);
    const b = await api.call('GET', '/api/v1/members?tenant=asso-b&q=olga', { token: operator });
    expect(b.body.members).toEqual([]);
    const none = await api.call('GET', '/api/v1/members?tenant=nope', { token: operator });
    expect(none.status).toBe(404);
  });
});
