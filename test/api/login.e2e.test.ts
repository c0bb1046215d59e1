/**
 * Admin accounts over the API: login gives a session token used as a
 * bearer token, logout ends it, a new password ends every login; failed
 * logins and bad tokens are rate-limited per address and per login, and
 * logged without the password or the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAdmin, passwdAdmin } from '../../src/api/accounts.js';
import { startApiDaemon, type ApiHarness } from './harness.js';

const PASSWORD = 'claire-admin-passphrase';
let api: ApiHarness;

beforeAll(async () => {
  api = await startApiDaemon();
  const deps = { db: api.t.db, now: Date.now };
  await addAdmin(deps, { name: 'test' }, { username: 'claire', role: 'treasurer', tenant: { id: 1, name: 'default' }, password: PASSWORD });
  await addAdmin(deps, { name: 'test' }, { username: 'guesswho', role: 'support', tenant: { id: 1, name: 'default' }, password: 'guesswho-passphrase' });
});

afterAll(async () => {
  await api?.stop();
});

const login = (username: string, password: string) => api.call('POST', '/api/v1/login', { body: { username, password }, headers: { 'x-forwarded-for': '192.0.2.77' } });

describe('admin login', () => {
  it('gives a session token that acts with the admin role, recorded as api:<login>', async () => {
    const r = await login('claire', PASSWORD);
    expect(r.status).toBe(200);
    expect(r.body.token).toMatch(/^rds_[A-Za-z0-9_-]{43}$/);
    expect(r.body.admin).toEqual({ username: 'claire', operator: false, roles: [{ tenant: 'default', role: 'treasurer' }], created_at: expect.any(String) });
    expect(JSON.stringify(r.body)).not.toContain(PASSWORD);
    const me = await api.call('GET', '/api/v1/whoami', { token: r.body.token });
    expect(me.body).toEqual({ actor: 'api:claire', kind: 'admin', operator: false, roles: [{ tenant: 'default', role: 'treasurer' }] });
    const admin = await api.token('admin');
    await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'payer', password: 'payer-pass-1' } });
    const paid = await api.call('PATCH', '/api/v1/members/payer', { token: r.body.token, body: { paid_until: '2031-01-31' } });
    expect(paid.status).toBe(200);
    const audit = await api.t.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE target = 'member:payer' AND action = 'member.set'");
    expect(audit.rows.map((x) => x.actor)).toEqual(['api:claire']);
  });

  it('logout ends the session', async () => {
    const { body } = await login('claire', PASSWORD);
    expect((await api.call('POST', '/api/v1/logout', { token: body.token })).body).toEqual({ logged_out: true });
    expect((await api.call('GET', '/api/v1/whoami', { token: body.token })).status).toBe(401);
  });

  it('a new password ends every open login', async () => {
    const { body } = await login('claire', PASSWORD);
    await passwdAdmin({ db: api.t.db, now: Date.now }, { name: 'test' }, { username: 'claire', password: PASSWORD });
    expect((await api.call('GET', '/api/v1/whoami', { token: body.token })).status).toBe(401);
  });

  it('a wrong password and an unknown login get the same 401', async () => {
    const wrong = await login('claire', 'not-the-passphrase');
    const unknown = await login('nobody', 'not-the-passphrase');
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error.message).toBe('wrong login or password');
  });

  it('stops a guesser after 10 failures for one login, even with the right password, and logs no password', async () => {
    for (let i = 0; i < 10; i++) await api.call('POST', '/api/v1/login', { body: { username: 'guesswho', password: `guess-${i}-xyz` } });
    const r = await api.call('POST', '/api/v1/login', { body: { username: 'guesswho', password: 'guesswho-passphrase' } });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('API_RATE_LIMITED');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    const failed = api.logs.filter((l) => l.includes('API login failed'));
    expect(failed.length).toBeGreaterThanOrEqual(10);
    expect(failed.some((l) => l.includes('"user":"guesswho"'))).toBe(true);
    for (const line of api.logs) {
      expect(line).not.toMatch(/guess-\d-xyz|guesswho-passphrase|not-the-passphrase/);
      expect(line).not.toContain(PASSWORD);
    }
  });

  it('stops an address that keeps sending bad tokens, and logs no token', async () => {
    const bad = (i: number) => `rda_${String(i).padStart(43, 'Z')}`;
    const headers = { 'x-forwarded-for': '198.51.100.99' };
    for (let i = 0; i < 20; i++) await api.call('GET', '/api/v1/members', { token: bad(i), headers });
    const r = await api.call('GET', '/api/v1/members', { token: await api.token('admin'), headers });
    expect(r.status).toBe(429);
    for (const line of api.logs) expect(line).not.toContain(bad(3));
    // Another address is not affected.
    expect((await api.call('GET', '/api/v1/members', { token: await api.token('admin') })).status).toBe(200);
  });
});
