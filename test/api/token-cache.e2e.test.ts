/**
 * The API remembers who a token is for a few seconds (so that a polling
 * client does not cost a database lookup per request), and forgets it the
 * moment an account changes anywhere: a revocation, a role taken away or a
 * password changed from another connection reaches the daemon by NOTIFY, and
 * refuses the token on the next requests; a token used again and again is
 * looked up once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAdmin, addToken, removeAdmin, revokeApiToken } from '../../src/api/accounts.js';
import { startApiDaemon, type ApiHarness } from './harness.js';

let api: ApiHarness;
const DEFAULT = { id: 1, name: 'default' };

beforeAll(async () => {
  api = await startApiDaemon();
});

afterAll(async () => {
  await api?.stop();
});

/** How many times PostgreSQL looked a token up: scans of the index on token_hash. */
async function tokenLookups(): Promise<number> {
  const r = await api.t.db.query<{ n: string }>("SELECT idx_scan::text AS n FROM pg_stat_user_indexes WHERE indexrelname = 'api_tokens_token_hash_key'");
  return Number(r.rows[0]?.n ?? 0);
}

/** The status the API answers with, until it is `want` or a second has passed: notifications take a few milliseconds. */
async function statusSoon(token: string, want: number): Promise<number> {
  const until = Date.now() + 1000;
  for (;;) {
    const s = (await api.call('GET', '/api/v1/whoami', { token })).status;
    if (s === want || Date.now() > until) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('who a token is, remembered', () => {
  it('a token used many times in a row is looked up once', async () => {
    const token = await api.token('support', 'default', 'poller');
    expect((await api.call('GET', '/api/v1/whoami', { token })).status).toBe(200);
    // A backend reports its statistics at most once a second: wait them out before and after.
    await new Promise((r) => setTimeout(r, 1200));
    const before = await tokenLookups();
    for (let i = 0; i < 20; i++) expect((await api.call('GET', '/api/v1/whoami', { token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await tokenLookups()).toBe(before);
  });

  it('a token revoked from another connection is refused within the notification delay', async () => {
    const { token, info } = await addToken({ db: api.t.db }, { name: 'test' }, { role: 'admin', tenant: DEFAULT, name: 'to-revoke' });
    expect((await api.call('GET', '/api/v1/members', { token })).status).toBe(200);
    await revokeApiToken({ db: api.t.db, now: Date.now }, { name: 'test' }, String(info.id));
    expect(await statusSoon(token, 401)).toBe(401);
    expect((await api.call('GET', '/api/v1/members', { token })).status).toBe(401);
  });

  it('an admin removed from another connection loses every login', async () => {
    const deps = { db: api.t.db, now: Date.now };
    await addAdmin(deps, { name: 'test' }, { username: 'leaving', role: 'admin', tenant: DEFAULT, password: 'leaving-admin-passphrase' });
    const login = await api.call('POST', '/api/v1/login', { body: { username: 'leaving', password: 'leaving-admin-passphrase' } });
    const token = login.body.token as string;
    expect((await api.call('GET', '/api/v1/whoami', { token })).status).toBe(200);
    await removeAdmin({ db: api.t.db }, { name: 'test' }, 'leaving');
    expect(await statusSoon(token, 401)).toBe(401);
  });

  it('logout refuses the token on the very next request', async () => {
    const deps = { db: api.t.db, now: Date.now };
    await addAdmin(deps, { name: 'test' }, { username: 'quick', role: 'support', tenant: DEFAULT, password: 'quick-admin-passphrase' });
    const token = (await api.call('POST', '/api/v1/login', { body: { username: 'quick', password: 'quick-admin-passphrase' } })).body.token as string;
    expect((await api.call('GET', '/api/v1/whoami', { token })).status).toBe(200);
    expect((await api.call('POST', '/api/v1/logout', { token })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/whoami', { token })).status).toBe(401);
  });
});
