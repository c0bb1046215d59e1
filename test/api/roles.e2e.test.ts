/**
 * Every role against every route, from one table: what each role may do
 * answers 2xx, what it may not is 403 with the catalogue's words, and
 * without a token every route but login is 401; a token of another tenant,
 * whatever its role, gets 404 for every object of this one. The table must
 * name every route the API declares, so a new route cannot go unchecked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { ApiRole } from '../../src/api/accounts.js';
import { AuthGuard } from '../../src/api/auth-guard.js';
import { apiRoutes } from '../../src/api/server.js';
import { PrincipalCache } from '../../src/api/principal-cache.js';
import { startApiDaemon, type ApiHarness } from './harness.js';

type Need = 'read' | 'write' | 'paid-until' | 'export' | 'dues' | 'diagnose' | 'disconnect' | 'hooks' | 'member-data' | 'requisition' | 'any';

interface Case {
  method: string;
  route: string;
  need: Need;
  /** The request for role `r`: its own objects where the route changes them. */
  path: (r: string) => string;
  body?: (r: string) => unknown;
}

const CASES: Case[] = [
  { method: 'GET', route: '/api/v1/members', need: 'read', path: () => '/api/v1/members' },
  { method: 'POST', route: '/api/v1/members', need: 'write', path: () => '/api/v1/members', body: (r) => ({ username: `c-${r}`, password: 'created-pass' }) },
  { method: 'POST', route: '/api/v1/members/import', need: 'write', path: () => '/api/v1/members/import', body: (r) => ({ members: [{ username: `i-${r}`, password: 'imported-pass' }] }) },
  { method: 'POST', route: '/api/v1/members/import/csv', need: 'write', path: () => '/api/v1/members/import/csv', body: (r) => ({ csv: `username,password\nc-${r}-${process.hrtime.bigint()},imported-pass\n` }) },
  { method: 'GET', route: '/api/v1/members/:username/usage', need: 'read', path: () => '/api/v1/members/base/usage' },
  { method: 'GET', route: '/api/v1/members/:username', need: 'read', path: () => '/api/v1/members/base' },
  { method: 'PATCH', route: '/api/v1/members/:username', need: 'paid-until', path: () => '/api/v1/members/base', body: () => ({ paid_until: '2031-06-30' }) },
  { method: 'PATCH', route: '/api/v1/members/:username', need: 'write', path: () => '/api/v1/members/base', body: () => ({ max_sessions: 3 }) },
  { method: 'POST', route: '/api/v1/members/:username/passwd', need: 'write', path: () => '/api/v1/members/base/passwd', body: () => ({ password: 'base-pass-2' }) },
  { method: 'POST', route: '/api/v1/members/:username/suspend', need: 'write', path: (r) => `/api/v1/members/s-${r}/suspend`, body: () => ({ reason: 'test' }) },
  { method: 'POST', route: '/api/v1/members/:username/resume', need: 'write', path: (r) => `/api/v1/members/s-${r}/resume`, body: () => ({}) },
  { method: 'DELETE', route: '/api/v1/members/:username', need: 'write', path: (r) => `/api/v1/members/d-${r}` },
  { method: 'GET', route: '/api/v1/members/:username/diagnose', need: 'diagnose', path: () => '/api/v1/members/base/diagnose' },
  { method: 'GET', route: '/api/v1/members/:username/data', need: 'member-data', path: () => '/api/v1/members/base/data' },
  { method: 'GET', route: '/api/v1/plans', need: 'read', path: () => '/api/v1/plans' },
  { method: 'POST', route: '/api/v1/plans', need: 'write', path: () => '/api/v1/plans', body: (r) => ({ name: `p-${r}`, attributes: [{ name: 'Session-Timeout', value: '3600' }] }) },
  { method: 'GET', route: '/api/v1/plans/:name', need: 'read', path: () => '/api/v1/plans/basic' },
  { method: 'PUT', route: '/api/v1/plans/:name', need: 'write', path: () => '/api/v1/plans/basic', body: () => ({ attributes: [{ name: 'Session-Timeout', value: '7200' }] }) },
  { method: 'DELETE', route: '/api/v1/plans/:name', need: 'write', path: (r) => `/api/v1/plans/pd-${r}` },
  { method: 'GET', route: '/api/v1/nas', need: 'read', path: () => '/api/v1/nas' },
  { method: 'GET', route: '/api/v1/nas/:name', need: 'read', path: () => '/api/v1/nas/bras1' },
  { method: 'POST', route: '/api/v1/nas', need: 'write', path: () => '/api/v1/nas', body: (r) => ({ name: `n-${r}`, address: `198.51.100.${10 + r.length}`, secret: 'a-long-random-secret-of-32-octets-x' }) },
  { method: 'DELETE', route: '/api/v1/nas/:name', need: 'write', path: (r) => `/api/v1/nas/nd-${r}` },
  { method: 'GET', route: '/api/v1/sessions', need: 'read', path: () => '/api/v1/sessions' },
  { method: 'POST', route: '/api/v1/disconnect', need: 'disconnect', path: () => '/api/v1/disconnect', body: () => ({ username: 'base' }) },
  { method: 'GET', route: '/api/v1/usage', need: 'export', path: () => '/api/v1/usage?from=2026-11-01&to=2026-11-30' },
  { method: 'POST', route: '/api/v1/dues/run', need: 'dues', path: () => '/api/v1/dues/run', body: () => ({ dry_run: true }) },
  { method: 'GET', route: '/api/v1/audit', need: 'read', path: () => '/api/v1/audit' },
  { method: 'GET', route: '/api/v1/hooks', need: 'hooks', path: () => '/api/v1/hooks' },
  { method: 'POST', route: '/api/v1/hooks', need: 'hooks', path: () => '/api/v1/hooks', body: (r) => ({ url: `http://127.0.0.1:9/${r}`, events: ['member.suspended'] }) },
  { method: 'GET', route: '/api/v1/hooks/:id', need: 'hooks', path: () => `/api/v1/hooks/${hookIds.get('base')}` },
  { method: 'DELETE', route: '/api/v1/hooks/:id', need: 'hooks', path: (r) => `/api/v1/hooks/${hookIds.get(r)}` },
  { method: 'GET', route: '/api/v1/dashboard', need: 'read', path: () => '/api/v1/dashboard' },
  { method: 'GET', route: '/api/v1/dashboard/traffic', need: 'read', path: () => '/api/v1/dashboard/traffic?range=24h' },
  {
    method: 'POST',
    route: '/api/v1/requisitions/lookup',
    need: 'requisition',
    path: () => '/api/v1/requisitions/lookup',
    body: (r) => ({ ip: '192.0.2.99', at: '2026-03-14T21:05:00+01:00', ref: `roles-${r}` }),
  },
  { method: 'GET', route: '/api/v1/requisitions/report', need: 'requisition', path: () => '/api/v1/requisitions/report?year=2026' },
  { method: 'GET', route: '/api/v1/whoami', need: 'any', path: () => '/api/v1/whoami' },
  { method: 'POST', route: '/api/v1/logout', need: 'any', path: () => '/api/v1/logout' },
];

/** The rules of src/api/roles.ts, written out again as the expectation. */
const MAY: Record<ApiRole, Need[]> = {
  admin: ['any', 'read', 'write', 'paid-until', 'export', 'dues', 'diagnose', 'disconnect', 'hooks', 'member-data'],
  operator: ['any', 'read', 'write', 'paid-until', 'export', 'dues', 'diagnose', 'disconnect', 'hooks', 'member-data', 'requisition'],
  treasurer: ['any', 'read', 'paid-until', 'export', 'dues'],
  support: ['any', 'read', 'diagnose', 'disconnect'],
  requisition: ['any', 'requisition'],
};

const ROLES: ApiRole[] = ['admin', 'treasurer', 'support', 'operator', 'requisition'];
let api: ApiHarness;
const tokens = new Map<ApiRole, string>();
/** A webhook to show ('base') and one per role to remove. */
const hookIds = new Map<string, string>();

beforeAll(async () => {
  api = await startApiDaemon();
  const admin = await api.token('admin', 'default', 'setup');
  const setup = async (method: string, path: string, body?: unknown): Promise<any> => {
    const r = await api.call(method, path, { token: admin, body });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  const hook = async (name: string): Promise<void> => {
    const created = await setup('POST', '/api/v1/hooks', { url: `http://127.0.0.1:9/${name}`, events: ['member.resumed'] });
    hookIds.set(name, created.hook.id);
  };
  await hook('base');
  await setup('POST', '/api/v1/members', { username: 'base', password: 'base-pass-1' });
  await setup('POST', '/api/v1/plans', { name: 'basic', attributes: [] });
  for (const r of ROLES) {
    await setup('POST', '/api/v1/members', { username: `s-${r}`, password: 'suspend-pass' });
    await setup('POST', '/api/v1/members', { username: `d-${r}`, password: 'delete-pass' });
    await setup('POST', '/api/v1/plans', { name: `pd-${r}`, attributes: [] });
    await setup('POST', '/api/v1/nas', { name: `nd-${r}`, address: `203.0.113.${10 + r.length}`, secret: 'a-long-random-secret-of-32-octets-y' });
    await hook(r);
    tokens.set(r, await api.token(r, 'default', `${r}-token`));
  }
});

afterAll(async () => {
  await api?.stop();
});

describe('the role table', () => {
  it('names every route the API declares', () => {
    const declared = apiRoutes(new AuthGuard(pino({ level: 'silent' })), new PrincipalCache())
      .filter((d) => d.auth !== 'none')
      .map((d) => `${d.method} ${d.url}`);
    expect(new Set(CASES.map((c) => `${c.method} ${c.route}`))).toEqual(new Set(declared));
  });
});

describe.each(ROLES)('the %s role', (role) => {
  // Logout last: it is harmless for a token (only a login session ends), and checked last anyway.
  for (const c of CASES) {
    const allowed = MAY[role].includes(c.need);
    it(`${allowed ? 'may' : 'may not'} ${c.method} ${c.route}${c.need === 'paid-until' ? ' (paid-until alone)' : ''}`, async () => {
      const r = await api.call(c.method, c.path(role), { token: tokens.get(role)!, ...(c.body ? { body: c.body(role) } : {}) });
      if (allowed) {
        expect([r.status, r.text]).toEqual([expect.toSatisfy((s: number) => s >= 200 && s < 300), r.text]);
      } else {
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('API_FORBIDDEN');
        expect(r.body.error.message).toMatch(new RegExp(`^the ${role} role may not `));
      }
    });
  }
});

/** The routes that name one object of the tenant (in the path, or the disconnect's member in its body). */
const NAMING = CASES.filter((c) => c.route.includes(':') || c.route === '/api/v1/disconnect');
const TENANT_ROLES: ApiRole[] = ['admin', 'treasurer', 'support', 'requisition'];

describe.each(TENANT_ROLES)("a %s token of another tenant, on this tenant's objects", (role) => {
  let other: string;
  beforeAll(async () => {
    if (!(await api.t.db.query("SELECT 1 FROM tenants WHERE name = 'asso-b'")).rowCount) {
      await api.t.db.query("INSERT INTO tenants (name, display_name) VALUES ('asso-b', 'Association B')");
    }
    other = await api.token(role, 'asso-b', `asso-b-${role}`);
  });

  // Whether the role may do the thing or not: a 403 would tell the object exists in some tenant.
  it.each(NAMING.map((c) => [c.method, c.route, c] as const))('%s %s is 404', async (_m, _r, c) => {
    const r = await api.call(c.method, c.path(role), { token: other, ...(c.body ? { body: c.body(role) } : {}) });
    expect([r.status, r.body.error?.code]).toEqual([404, expect.stringMatching(/^UNKNOWN_/)]);
  });
});

describe('without a token', () => {
  it.each(CASES.filter((c, i, all) => all.findIndex((o) => o.method === c.method && o.route === c.route) === i))('$method $route is 401', async (c) => {
    const r = await api.call(c.method, c.path('anon'), c.body ? { body: c.body('anon') } : {});
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('API_UNAUTHENTICATED');
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('a revoked or unknown token is 401 too', async () => {
    const r = await api.call('GET', '/api/v1/members', { token: 'rda_' + 'A'.repeat(43) });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'API_UNAUTHENTICATED', message: 'the token is unknown, expired or revoked' });
  });
});
