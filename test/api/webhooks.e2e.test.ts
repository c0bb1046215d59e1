/**
 * Webhooks as a member-management tool receives them: a real listener on
 * loopback, real daemons on PostgreSQL and Redis, sessions over UDP.
 * Signatures are checked independently (webhook-listener.ts); a failed
 * delivery is retried with the same delivery id; one pending when the
 * daemon stops is delivered once after it starts again; two daemons on one
 * database deliver each event once; a tenant's hook hears only its tenant.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { addToken } from '../../src/api/accounts.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config/schema.js';
import type { Db } from '../../src/db/db.js';
import { insertMember } from '../../src/db/members.js';
import { deriveCredential } from '../../src/auth/credentials.js';
import { insertNas } from '../../src/db/nas.js';
import { findTenantRef } from '../../src/db/tenants.js';
import { runLapsingHooks } from '../../src/jobs/lapsing-hooks.js';
import { addDays, utcDate } from '../../src/lifecycle/days.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { addHook } from '../../src/services/hooks.js';
import { suspend } from '../../src/services/lifecycle.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { scopeOf } from '../support/scope.js';
import { freePort } from '../support/services.js';
import { addTenant } from '../tenancy/accounting-fixtures.js';
import { signatureValid, startListener, type Listener } from './webhook-listener.js';

const NAS_SECRET = 'webhook-suite-nas-secret-0123456789';
const HOOK_SECRET = 'a-receiver-secret-of-some-length';
const FAST: Partial<Config> = { webhooks: { ...DEFAULT_CONFIG.webhooks, retryBaseSeconds: 1, retryMaxSeconds: 2, timeoutSeconds: 5 } };
const admin = scopeOf('webhook-test');

interface Started {
  t: TestDaemon;
  logs: string[];
}

async function daemon(url: string): Promise<Started> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const port = await freePort();
  const t = await startTestDaemon(url, { ...FAST, api: { host: '127.0.0.1', port, tlsCert: null, tlsKey: null } }, { log: pino({ level: 'debug' }, sink), hookPollMs: 200 });
  return { t, logs };
}

async function member(db: Db, username: string, paidUntil: string | null = null): Promise<void> {
  await insertMember(db, 1, { username, credential: deriveCredential('member-pass-1', ['pap']), authMethods: ['pap'], paidUntil });
}

const listeners: Listener[] = [];
async function listener(...args: Parameters<typeof startListener>): Promise<Listener> {
  const l = await startListener(...args);
  listeners.push(l);
  return l;
}

afterEach(async () => {
  for (const l of listeners.splice(0)) await l.close();
});

describe('one daemon', () => {
  let d: Started;
  let db: Db;
  let nas: SimulatedNas;

  beforeAll(async () => {
    const fresh = await freshDb();
    await insertNas(fresh.db, { name: 'bras1', address: '127.0.0.1/32', secret: NAS_SECRET });
    await fresh.db.query("INSERT INTO tenants (name, display_name) VALUES ('asso-b', 'Association B')");
    const b = (await findTenantRef(fresh.db, 'asso-b'))!;
    await insertNas(fresh.db, { name: 'bras-b', address: '127.0.0.2/32', secret: NAS_SECRET, tenancy: { owner: b.id } });
    // A wholesaler's BRAS carrying asso-c by realm, which it strips.
    const c = await addTenant(fresh.db, 'asso-c', ['asso-c.example']);
    await insertNas(fresh.db, { name: 'bras-shared', address: '127.0.0.3/32', secret: NAS_SECRET, tenancy: { carries: [c.id] } });
    await fresh.db.close();
    d = await daemon(fresh.url);
    db = d.t.db;
    nas = await SimulatedNas.open(NAS_SECRET);
  });

  afterAll(async () => {
    nas?.close();
    await d?.t.stop();
  });

  const api = async (token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const r = await fetch(`${d.t.daemon.api!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: await r.json() };
  };

  /** Adds a hook and waits until the daemon has loaded it (NOTIFY, then a reload): events before that are nobody's. */
  const hookInForce = async (...args: Parameters<typeof addHook>): ReturnType<typeof addHook> => {
    const loaded = (): number => d.logs.filter((l) => l.includes('webhooks: subscriptions loaded')).length;
    const before = loaded();
    const created = await addHook(...args);
    const until = Date.now() + 10_000;
    while (loaded() === before && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return created;
  };

  const acct = (status: number, sessionId: string, user: string, extra: ReturnType<typeof attr>[] = []) => ({
    code: PacketCode.AccountingRequest,
    attributes: [attr(Attr.AcctStatusType, status), attr(Attr.AcctSessionId, sessionId), attr(Attr.UserName, user), ...extra],
  });

  it('a member suspended and resumed over the API reaches the hook, signed, without a secret in the body', async () => {
    const l = await listener();
    const token = (await addToken({ db }, { name: 'test' }, { role: 'admin', tenant: { id: 1, name: 'default' }, name: 'sync' })).token;
    const created = await api(token, 'POST', '/api/v1/hooks', { url: l.url, events: ['member.suspended', 'member.resumed'], secret: HOOK_SECRET });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBeNull();
    await api(token, 'POST', '/api/v1/members', { username: 'alice', password: 'alice-pass-1' });
    expect((await api(token, 'POST', '/api/v1/members/alice/suspend', { reason: 'asked to pause' })).status).toBe(200);
    expect((await api(token, 'POST', '/api/v1/members/alice/resume', {})).status).toBe(200);
    const got = await l.waitFor((all) => all.length >= 2);
    expect(got.map((r) => r.json.type)).toEqual(['member.suspended', 'member.resumed']);
    for (const r of got) {
      expect(signatureValid(HOOK_SECRET, r)).toBe(true);
      expect(r.headers['x-radassoc-event']).toBe(r.json.type);
      expect(r.headers['x-radassoc-delivery']).toBe(r.json.id);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.json.tenant).toBe('default');
      expect(r.body).not.toContain('alice-pass-1');
      expect(r.body).not.toContain(HOOK_SECRET);
    }
    expect(got[0]!.json.data).toMatchObject({ username: 'alice', reason: 'asked to pause', kind: 'manual' });
    expect(got[1]!.json.data).toMatchObject({ username: 'alice', was: { reason: 'asked to pause', kind: 'manual' } });
    // A body signed with another secret does not verify: the check is not a formality.
    expect(signatureValid('another-secret-of-some-length', got[0]!)).toBe(false);
    const listed = await api(token, 'GET', '/api/v1/hooks');
    expect(listed.body.hooks[0]).toMatchObject({ url: l.url, pending: 0, failed: 0 });
    expect(JSON.stringify(listed.body)).not.toContain(HOOK_SECRET);
    expect(d.logs.join('')).not.toContain(HOOK_SECRET);
    expect((await api(token, 'DELETE', `/api/v1/hooks/${created.body.hook.id}`)).status).toBe(200);
  });

  it('a session started and stopped over UDP reaches the hook with its NAS, times and octets', async () => {
    const l = await listener();
    const { secret } = await hookInForce({ db }, admin, { url: l.url, events: ['session.started', 'session.stopped'] });
    expect(secret).toMatch(/^whsec_/);
    expect((await nas.request(acct(1, 'S-100', 'carol'), d.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    // A retransmitted Start is one session, one event.
    await nas.request(acct(1, 'S-100', 'carol'), d.t.acct);
    const stop = acct(2, 'S-100', 'carol', [attr(Attr.AcctSessionTime, 120), attr(Attr.AcctInputOctets, 5000), attr(Attr.AcctOutputOctets, 70000), attr(Attr.AcctTerminateCause, 1)]);
    expect((await nas.request(stop, d.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    const got = await l.waitFor((all) => all.length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(l.received.map((r) => r.json.type)).toEqual(['session.started', 'session.stopped']);
    for (const r of got) expect(signatureValid(secret!, r)).toBe(true);
    const [started, stopped] = got.map((r) => r.json.data);
    expect(started).toMatchObject({ username: 'carol', nas: 'bras1', session_id: 'S-100', stop_time: null });
    expect(stopped).toMatchObject({ username: 'carol', nas: 'bras1', session_id: 'S-100', seconds: 120, input_octets: 5000, output_octets: 70000, terminate_cause: 'User-Request' });
    expect(stopped.unique_id).toBe(started.unique_id);
    expect(Date.parse(stopped.stop_time)).toBeGreaterThanOrEqual(Date.parse(stopped.start_time));
    expect(JSON.stringify(got.map((r) => r.json))).not.toContain(NAS_SECRET);
    await db.query('DELETE FROM hooks');
  });

  it('sessions an Accounting-On closes reach the hook as session.stopped, once, with NAS-Reboot', async () => {
    const l = await listener();
    const { secret } = await hookInForce({ db }, admin, { url: l.url, events: ['session.stopped'] });
    for (const [id, user] of [['S-300', 'dave'], ['S-301', 'erin']] as const) {
      expect((await nas.request(acct(1, id, user), d.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    }
    // The NAS reboots (RFC 2866 Accounting-On): its sessions end without a Stop of their own.
    const on = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 7), attr(Attr.AcctSessionId, 'on-1'), attr(Attr.NasIpAddress, Buffer.from([127, 0, 0, 1]))] };
    expect((await nas.request(on, d.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    const got = await l.waitFor((all) => all.length >= 2);
    // A late Stop of one of them changes the record, not the news: no second event.
    expect((await nas.request(acct(2, 'S-300', 'dave', [attr(Attr.AcctSessionTime, 60)]), d.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    await new Promise((r) => setTimeout(r, 800));
    expect(l.received).toHaveLength(2);
    for (const r of got) expect(signatureValid(secret!, r)).toBe(true);
    expect(got.map((r) => [r.json.type, r.json.data.username, r.json.data.session_id, r.json.data.terminate_cause]).sort()).toEqual([
      ['session.stopped', 'dave', 'S-300', 'NAS-Reboot'],
      ['session.stopped', 'erin', 'S-301', 'NAS-Reboot'],
    ]);
    await db.query('DELETE FROM hooks');
  });

  it('a delivery answered 500 is retried with the same delivery id until a 2xx', async () => {
    const l = await listener((_r, n) => (n < 2 ? 500 : 200));
    await addHook({ db }, admin, { url: l.url, events: ['member.suspended'], secret: HOOK_SECRET });
    await member(db, 'dave');
    await suspend(d.t.daemon.services, admin, { username: 'dave', reason: 'test of retries' });
    const got = await l.waitFor((all) => all.length >= 3, 20_000);
    expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(got.map((r) => r.headers['x-radassoc-delivery'])).size).toBe(1);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    for (const r of got) expect(signatureValid(HOOK_SECRET, r)).toBe(true);
    // The 200 is recorded once the worker reads the answer.
    await new Promise((r) => setTimeout(r, 300));
    const after = await db.query<{ attempts: number; delivered_at: Date | null; last_status: number }>('SELECT attempts, delivered_at, last_status FROM hook_deliveries WHERE event_id = $1', [got[0]!.json.id]);
    expect(after.rows).toHaveLength(1);
    expect(after.rows[0]).toMatchObject({ attempts: 3, last_status: 200 });
    expect(after.rows[0]!.delivered_at).not.toBeNull();
    expect(d.logs.join('')).toMatch(/webhook not delivered; will retry/);
    await db.query('DELETE FROM hooks');
  });

  it("a tenant's hook receives its own tenant's events and never another's", async () => {
    const a = await listener();
    const b = await listener();
    const tenantB = (await findTenantRef(db, 'asso-b'))!;
    await addHook({ db }, admin, { url: a.url, events: ['session.started', 'member.suspended'], secret: HOOK_SECRET });
    await hookInForce({ db }, scopeOf('webhook-test', tenantB), { url: b.url, events: ['session.started', 'member.suspended'], secret: HOOK_SECRET });
    const nasB = await SimulatedNas.open(NAS_SECRET, '127.0.0.2', '127.0.0.1');
    try {
      expect((await nas.request(acct(1, 'A-1', 'erin'), d.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
      expect((await nasB.request(acct(1, 'B-1', 'erin'), d.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    } finally {
      nasB.close();
    }
    await member(db, 'frank');
    await suspend(d.t.daemon.services, admin, { username: 'frank', reason: 'tenant test' });
    await a.waitFor((all) => all.length >= 2);
    await b.waitFor((all) => all.length >= 1);
    await new Promise((r) => setTimeout(r, 800));
    expect(a.received.map((r) => [r.json.tenant, r.json.type, r.json.data.nas ?? r.json.data.username])).toEqual([
      ['default', 'session.started', 'bras1'],
      ['default', 'member.suspended', 'frank'],
    ]);
    expect(b.received.map((r) => [r.json.tenant, r.json.type, r.json.data.nas])).toEqual([['asso-b', 'session.started', 'bras-b']]);
    await db.query('DELETE FROM hooks');
  });

  it("a session on a shared NAS reaches the hook of the realm's tenant, under the username as routed", async () => {
    const l = await listener();
    const c = (await findTenantRef(db, 'asso-c'))!;
    await hookInForce({ db }, scopeOf('webhook-test', c), { url: l.url, events: ['session.started', 'session.stopped'], secret: HOOK_SECRET });
    const shared = await SimulatedNas.open(NAS_SECRET, '127.0.0.3', '127.0.0.1');
    try {
      expect((await shared.request(acct(1, 'C-1', 'kim@asso-c.example'), d.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
      // The Stop without User-Name cannot be routed by itself: the session's own tenant decides.
      const stop = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 2), attr(Attr.AcctSessionId, 'C-1'), attr(Attr.AcctSessionTime, 30)] };
      expect((await shared.request(stop, d.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    } finally {
      shared.close();
    }
    const got = await l.waitFor((all) => all.length >= 2);
    expect(got.map((r) => [r.json.tenant, r.json.type, r.json.data.username, r.json.data.nas])).toEqual([
      ['asso-c', 'session.started', 'kim', 'bras-shared'],
      ['asso-c', 'session.stopped', 'kim', 'bras-shared'],
    ]);
    for (const r of got) expect(signatureValid(HOOK_SECRET, r)).toBe(true);
    await db.query('DELETE FROM hooks');
  });

  it('member.lapsing is sent once per member and paid-until, however often the daily job runs', async () => {
    const l = await listener();
    await addHook({ db }, admin, { url: l.url, events: ['member.lapsing'], secret: HOOK_SECRET });
    const today = utcDate(Date.now());
    await member(db, 'gina', addDays(today, 3));
    await member(db, 'hugo', addDays(today, 60));
    const job = { db: d.t.daemon.db.db, log: pino({ level: 'silent' }), withinDays: 14, graceDays: 7, retentionDays: 30 };
    expect((await runLapsingHooks(job)).queued).toBe(1);
    expect((await runLapsingHooks(job)).queued).toBe(0);
    const got = await l.waitFor((all) => all.length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(l.received).toHaveLength(1);
    expect(got[0]!.json).toMatchObject({ type: 'member.lapsing', data: { username: 'gina', paid_until: addDays(today, 3), days_left: 3, suspends_on: addDays(today, 11) } });
    // Paid, then lapsing again: a new paid-until is a new event.
    await db.query('UPDATE members SET paid_until = $1 WHERE username = $2', [addDays(today, 5), 'gina']);
    expect((await runLapsingHooks(job)).queued).toBe(1);
    await db.query('DELETE FROM hooks');
  });

  it("member.lapsing counts a tenant's own grace, as its dues job does", async () => {
    const l = await listener();
    const b = (await findTenantRef(db, 'asso-b'))!;
    await db.query(`UPDATE tenants SET settings = settings || '{"duesGraceDays": 2}'::jsonb WHERE id = $1`, [b.id]);
    await addHook({ db }, scopeOf('webhook-test', { id: b.id, name: 'asso-b' }), { url: l.url, events: ['member.lapsing'], secret: HOOK_SECRET });
    const today = utcDate(Date.now());
    for (const [username, paid] of [['ines', addDays(today, -1)], ['jules', addDays(today, -5)]] as const) {
      await insertMember(db, b.id, { username, credential: deriveCredential('member-pass-1', ['pap']), authMethods: ['pap'], paidUntil: paid });
    }
    // With the deployment's 7 days both would be in their grace; with asso-b's 2, jules is past it (the dues job suspends him).
    const job = { db: d.t.daemon.db.db, log: pino({ level: 'silent' }), withinDays: 14, graceDays: 7, retentionDays: 30 };
    expect((await runLapsingHooks(job)).queued).toBe(1);
    const got = await l.waitFor((all) => all.length >= 1);
    expect(got[0]!.json).toMatchObject({ type: 'member.lapsing', tenant: 'asso-b', data: { username: 'ines', days_left: -1, suspends_on: addDays(today, 2) } });
    await db.query('DELETE FROM hooks');
  });
});

describe('durability and several daemons', () => {
  it('a delivery in flight when the daemon stops is delivered once after it starts again', async () => {
    const fresh = await freshDb();
    await fresh.db.close();
    let d = await daemon(fresh.url);
    const l = await listener((_r, n) => (n === 0 ? 'hang' : 200));
    await addHook({ db: d.t.db }, admin, { url: l.url, events: ['member.suspended'], secret: HOOK_SECRET });
    await member(d.t.db, 'ivan');
    await suspend(d.t.daemon.services, admin, { username: 'ivan', reason: 'restart test' });
    await l.waitFor((all) => all.length >= 1);
    await d.t.stop();
    const pending = await freshRows(fresh.url);
    expect(pending).toEqual([{ delivered: false }]);
    d = await daemon(fresh.url);
    try {
      const got = await l.waitFor((all) => all.some((r) => r.status === 200));
      await new Promise((r) => setTimeout(r, 1000));
      expect(l.received).toHaveLength(2);
      expect(got.filter((r) => r.status === 200)).toHaveLength(1);
      expect(got[1]!.headers['x-radassoc-delivery']).toBe(got[0]!.headers['x-radassoc-delivery']);
      expect(signatureValid(HOOK_SECRET, got[1]!)).toBe(true);
    } finally {
      await d.t.stop();
    }
  });

  it('a delivery queued while no daemon runs is delivered when one starts', async () => {
    const fresh = await freshDb();
    const l = await listener();
    await addHook({ db: fresh.db }, admin, { url: l.url, events: ['member.suspended'], secret: HOOK_SECRET });
    await member(fresh.db, 'jack');
    // The CLI's path: the service on its own connection, no daemon running.
    await suspend({ db: fresh.db, sessions: { listOpen: async () => [], getSession: async () => null }, coa: undefined as never, log: pino({ level: 'silent' }), now: Date.now }, admin, {
      username: 'jack',
      reason: 'queued offline',
    });
    await fresh.db.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(l.received).toHaveLength(0);
    const d = await daemon(fresh.url);
    try {
      const got = await l.waitFor((all) => all.length >= 1);
      expect(got[0]!.json).toMatchObject({ type: 'member.suspended', data: { username: 'jack' } });
    } finally {
      await d.t.stop();
    }
  });

  it('two daemons on one database deliver each event once', async () => {
    const fresh = await freshDb();
    await fresh.db.close();
    const one = await daemon(fresh.url);
    const two = await daemon(fresh.url);
    // A slow receiver, so that both daemons have deliveries in flight at once.
    const l = await listener(() => new Promise((r) => setTimeout(() => r(200), 40)));
    try {
      await addHook({ db: one.t.db }, admin, { url: l.url, events: ['member.suspended'], secret: HOOK_SECRET });
      const names = Array.from({ length: 40 }, (_, i) => `m${String(i).padStart(2, '0')}`);
      for (const n of names) await member(one.t.db, n);
      await Promise.all(names.map((n, i) => suspend((i % 2 === 0 ? one : two).t.daemon.services, admin, { username: n, reason: 'two daemons' })));
      await l.waitFor((all) => all.length >= names.length, 30_000);
      await new Promise((r) => setTimeout(r, 1500));
      const ids = l.received.map((r) => r.headers['x-radassoc-delivery']);
      expect(ids).toHaveLength(names.length);
      expect(new Set(ids).size).toBe(names.length);
      expect(new Set(l.received.map((r) => r.json.data.username))).toEqual(new Set(names));
      const delivered = (logs: string[]) => logs.filter((line) => line.includes('"webhook delivered"')).length;
      expect(delivered(one.logs) + delivered(two.logs)).toBe(names.length);
    } finally {
      await one.t.stop();
      await two.t.stop();
    }
  });
});

async function freshRows(url: string): Promise<Array<{ delivered: boolean }>> {
  const { createPostgresDb } = await import('../../src/db/postgres.js');
  const db = createPostgresDb(url);
  try {
    const r = await db.query<{ delivered: boolean }>('SELECT delivered_at IS NOT NULL AS delivered FROM hook_deliveries');
    return r.rows;
  } finally {
    await db.close();
  }
}

