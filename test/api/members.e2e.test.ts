/**
 * Members over the HTTP API, against a real daemon: what the API creates,
 * changes or suspends is what the next Access-Request meets, at once; every
 * change is in the audit log under the token's name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { NAS_SECRET, startApiDaemon, type ApiHarness } from './harness.js';

let api: ApiHarness;
let nas: SimulatedNas;
let admin: string;

beforeAll(async () => {
  api = await startApiDaemon();
  nas = await SimulatedNas.open(NAS_SECRET);
  admin = await api.token('admin', 'default', 'member-sync');
});

afterAll(async () => {
  nas?.close();
  await api?.stop();
});

const pap = async (user: string, password: string): Promise<number | undefined> =>
  (await nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] }, api.t.auth)).response?.code;

/** The answer a login gets once the change has reached the daemon's cache (NOTIFY): within a second. */
async function papWithin(user: string, password: string, want: number, ms = 1000): Promise<number | undefined> {
  const end = Date.now() + ms;
  let got = await pap(user, password);
  while (got !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    got = await pap(user, password);
  }
  return got;
}

describe('members through the API', () => {
  it('a member created over HTTP logs in over RADIUS within a second', async () => {
    const r = await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'alice', password: 'alice-pass-1', paid_until: '2030-12-31' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ username: 'alice', status: 'active', paid_until: '2030-12-31', credential: 'cleartext' });
    expect(JSON.stringify(r.body)).not.toContain('alice-pass-1');
    expect(await papWithin('alice', 'alice-pass-1', PacketCode.AccessAccept)).toBe(PacketCode.AccessAccept);
  });

  it('suspended over HTTP is refused over RADIUS within a second, and resumed is accepted again', async () => {
    const s = await api.call('POST', '/api/v1/members/alice/suspend', { token: admin, body: { reason: 'dues unpaid' } });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ changed: true, member: { status: 'suspended', suspended_reason: 'dues unpaid', suspension_kind: 'manual' } });
    expect(await papWithin('alice', 'alice-pass-1', PacketCode.AccessReject)).toBe(PacketCode.AccessReject);
    const r = await api.call('POST', '/api/v1/members/alice/resume', { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.member.status).toBe('active');
    expect(await papWithin('alice', 'alice-pass-1', PacketCode.AccessAccept)).toBe(PacketCode.AccessAccept);
  });

  it('a new password over HTTP is the one RADIUS checks', async () => {
    const r = await api.call('POST', '/api/v1/members/alice/passwd', { token: admin, body: { password: 'alice-pass-2' } });
    expect(r.status).toBe(200);
    expect(await papWithin('alice', 'alice-pass-2', PacketCode.AccessAccept)).toBe(PacketCode.AccessAccept);
    expect(await pap('alice', 'alice-pass-1')).toBe(PacketCode.AccessReject);
  });

  it('PATCH changes fields, null clears one, and GET shows the result', async () => {
    await api.call('POST', '/api/v1/plans', { token: admin, body: { name: 'fibre-100', attributes: [{ name: 'Session-Timeout', value: '86400' }] } });
    const p = await api.call('PATCH', '/api/v1/members/alice', { token: admin, body: { plan: 'fibre-100', ipv4: '192.0.2.10', max_sessions: 2 } });
    expect(p.status).toBe(200);
    expect(p.body.member).toMatchObject({ plan: 'fibre-100', ipv4: '192.0.2.10', max_sessions: 2 });
    expect(p.body.follow).toEqual({ resumed: false, still_lapsed: false, pushed: [], sessions_error: null });
    const c = await api.call('PATCH', '/api/v1/members/alice', { token: admin, body: { ipv4: null } });
    expect(c.body.member.ipv4).toBeNull();
    const g = await api.call('GET', '/api/v1/members/alice', { token: admin });
    expect(g.body).toMatchObject({ username: 'alice', plan: 'fibre-100', ipv4: null, max_sessions: 2 });
  });

  it('records each change in the audit log with the token as the actor', async () => {
    const r = await api.t.db.query<{ actor: string; action: string }>("SELECT actor, action FROM audit_log WHERE target = 'member:alice' ORDER BY id");
    expect(r.rows.map((x) => x.action)).toEqual(['member.add', 'member.suspend', 'member.resume', 'member.passwd', 'member.set', 'member.set']);
    expect(new Set(r.rows.map((x) => x.actor))).toEqual(new Set(['token:member-sync']));
    const a = await api.call('GET', '/api/v1/audit?username=alice&limit=2', { token: admin });
    expect(a.status).toBe(200);
    expect(a.body.entries.map((e: { action: string }) => e.action)).toEqual(['member.set', 'member.set']);
    const next = await api.call('GET', `/api/v1/audit?username=alice&limit=10&cursor=${a.body.next_cursor}`, { token: admin });
    expect(next.body.entries.map((e: { action: string }) => e.action)).toEqual(['member.passwd', 'member.resume', 'member.suspend', 'member.add']);
    expect(next.body.next_cursor).toBeNull();
  });

  it('DELETE removes the member: RADIUS refuses it and GET says 404', async () => {
    await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'zed', password: 'zed-pass-123' } });
    expect(await papWithin('zed', 'zed-pass-123', PacketCode.AccessAccept)).toBe(PacketCode.AccessAccept);
    const d = await api.call('DELETE', '/api/v1/members/zed', { token: admin });
    expect(d.body).toMatchObject({ removed: 'zed', erased: expect.any(Object) });
    expect(await papWithin('zed', 'zed-pass-123', PacketCode.AccessReject)).toBe(PacketCode.AccessReject);
    const g = await api.call('GET', '/api/v1/members/zed', { token: admin });
    expect(g.status).toBe(404);
    expect(g.body.error).toMatchObject({ code: 'UNKNOWN_MEMBER', message: 'no member named zed' });
  });
});

describe('member import over HTTP', () => {
  it('imports every row, and they log in', async () => {
    const rows = [1, 2, 3].map((i) => ({ username: `imp${i}`, password: `imp-pass-${i}`, plan: 'fibre-100', paid_until: '2031-01-31' }));
    const r = await api.call('POST', '/api/v1/members/import', { token: admin, body: { members: rows, source: 'sync.csv' } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ imported: 3 });
    expect(await papWithin('imp3', 'imp-pass-3', PacketCode.AccessAccept)).toBe(PacketCode.AccessAccept);
  });

  it('refuses the whole import, listing every faulty row with every fault, and writes nothing', async () => {
    const rows = [
      { username: 'new1', password: 'new-pass-1' },
      { username: 'imp1', password: 'x-pass-000', ipv4: '300.1.1.1' },
      { username: 'new3', password: 'new-pass-3', plan: 'no-such-plan', paid_until: '2026-02-30' },
    ];
    const r = await api.call('POST', '/api/v1/members/import', { token: admin, body: { members: rows } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('IMPORT_FAILED');
    const paths = r.body.error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['members.1.ipv4', 'members.1', 'members.2.paid_until', 'members.2']));
    expect(paths.some((p: string) => p.startsWith('members.0'))).toBe(false);
    const n = await api.t.db.query<{ n: string }>("SELECT count(*)::text AS n FROM members WHERE username LIKE 'new%'");
    expect(n.rows[0]!.n).toBe('0');
  });
});

describe('member list', () => {
  it('pages by cursor and filters by status, plan, lapsing-within and search', async () => {
    await api.call('POST', '/api/v1/members/imp2/suspend', { token: admin, body: { reason: 'moved away' } });
    await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'lapsing', password: 'lapsing-pass', paid_until: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10) } });
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { members: Array<{ username: string }>; next_cursor: string | null } } = await api.call('GET', `/api/v1/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      expect(page.body.members.length).toBeLessThanOrEqual(2);
      all.push(...page.body.members.map((m) => m.username));
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    expect(all).toEqual(['alice', 'imp1', 'imp2', 'imp3', 'lapsing']);
    const names = async (q: string): Promise<string[]> => (await api.call('GET', `/api/v1/members?${q}`, { token: admin })).body.members.map((m: { username: string }) => m.username);
    expect(await names('status=suspended')).toEqual(['imp2']);
    expect(await names('plan=fibre-100')).toEqual(['alice', 'imp1', 'imp2', 'imp3']);
    expect(await names('lapsing_within=30')).toEqual(['lapsing']);
    expect(await names('q=imp')).toEqual(['imp1', 'imp2', 'imp3']);
    expect(await names('q=IMP')).toEqual([]);
    expect(await names('contains=MP')).toEqual(['imp1', 'imp2', 'imp3']);
    expect(await names('q=imp&status=active')).toEqual(['imp1', 'imp3']);
  });
});

describe('Idempotency-Key', () => {
  it('a retry with the same key and body gets the first answer, not a second create', async () => {
    const req = { token: admin, body: { username: 'idem', password: 'idem-pass-1' }, headers: { 'idempotency-key': 'k-123' } };
    const first = await api.call('POST', '/api/v1/members', req);
    const again = await api.call('POST', '/api/v1/members', req);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const adds = await api.t.db.query("SELECT 1 FROM audit_log WHERE target = 'member:idem' AND action = 'member.add'");
    expect(adds.rows).toHaveLength(1);
  });

  it('the same body with its keys in another order is the same request', async () => {
    const headers = { 'idempotency-key': 'k-order' };
    const first = await api.call('POST', '/api/v1/members', { token: admin, raw: '{"username":"idem-o","password":"idem-pass-o"}', headers });
    const again = await api.call('POST', '/api/v1/members', { token: admin, raw: '{"password":"idem-pass-o","username":"idem-o"}', headers });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('the same key with another body is refused with 422', async () => {
    const r = await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'idem2', password: 'idem-pass-2' }, headers: { 'idempotency-key': 'k-123' } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('API_IDEMPOTENCY_KEY');
    expect((await api.call('GET', '/api/v1/members/idem2', { token: admin })).status).toBe(404);
  });

  it('keys are per principal: another token with the same key creates its own', async () => {
    const other = await api.token('admin', 'default', 'other-tool');
    const r = await api.call('POST', '/api/v1/members', { token: other, body: { username: 'idem3', password: 'idem-pass-3' }, headers: { 'idempotency-key': 'k-123' } });
    expect(r.status).toBe(201);
  });
});
