/**
 * Accounting from a NAS shared by two tenants and a NAS owned by one, over
 * real UDP into Redis and PostgreSQL, probed as someone in one tenant would
 * probe the other: the same username in both, a realm typed in another case,
 * records without User-Name or naming the other tenant's realm, an
 * Accounting-On, and an export for a period holding both tenants' usage.
 */
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushUsage } from '../../src/accounting/flusher.js';
import { insertNas } from '../../src/db/nas.js';
import type { TenantRef } from '../../src/domain/tenant.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import type { RawAttribute } from '../../src/protocol/packet.js';
import { listSessions } from '../../src/services/sessions.js';
import { billingExport } from '../../src/services/usage.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { scopeOf } from '../support/scope.js';
import { addMemberIn, addTenant, ownNas, shareNas } from './accounting-fixtures.js';

const SECRET = 'tenancy-accounting-secret-012345';
let t: TestDaemon;
let lac: SimulatedNas;
let brasA: SimulatedNas;
let A: TenantRef;
let B: TenantRef;

beforeAll(async () => {
  const { db, url } = await freshDb();
  A = await addTenant(db, 'asso-a', ['asso-a']);
  B = await addTenant(db, 'asso-b', ['asso-b']);
  await insertNas(db, { name: 'lac', address: '127.0.0.1/32', secret: SECRET });
  await insertNas(db, { name: 'bras-a', address: '127.0.0.2/32', secret: SECRET });
  await shareNas(db, 'lac', [A, B]);
  await ownNas(db, 'bras-a', A);
  for (const tenant of [A, B]) await addMemberIn(db, tenant, 'alice');
  await db.close();
  t = await startTestDaemon(url);
  lac = await SimulatedNas.open(SECRET, '127.0.0.1');
  brasA = await SimulatedNas.open(SECRET, '127.0.0.2', '127.0.0.1');
});

afterAll(async () => {
  lac?.close();
  brasA?.close();
  await t?.stop();
});

const START = 1;
const STOP = 2;
const INTERIM = 3;
const ACCOUNTING_ON = 7;

function acct(status: number, sessionId: string, user: string | null, extra: RawAttribute[] = []) {
  return {
    code: PacketCode.AccountingRequest,
    attributes: [
      attr(Attr.AcctStatusType, status),
      ...(sessionId === '' ? [] : [attr(Attr.AcctSessionId, sessionId)]),
      ...(user === null ? [] : [attr(Attr.UserName, user)]),
      ...extra,
    ],
  };
}

const counters = (seconds: number, inOctets: number, outOctets: number): RawAttribute[] => [
  attr(Attr.AcctSessionTime, seconds),
  attr(Attr.AcctInputOctets, inOctets),
  attr(Attr.AcctOutputOctets, outOctets),
];

async function send(from: SimulatedNas, spec: ReturnType<typeof acct>): Promise<void> {
  const { response } = await from.request(spec, t.acct);
  expect(response?.code).toBe(PacketCode.AccountingResponse);
}

const listed = async (tenant: TenantRef) =>
  (await listSessions(t.daemon.services, scopeOf('support', tenant))).map((s) => [s.username, s.nas, s.acctSessionId]);

describe('accounting on a NAS shared by two tenants', () => {
  it('keeps alice@asso-a and alice@asso-b apart: each tenant lists its own alice, a realm in capitals included', async () => {
    await send(lac, acct(START, 'L-A', 'alice@asso-a'));
    await send(lac, acct(START, 'L-B', 'alice@ASSO-B'));
    await send(brasA, acct(START, 'O-A', 'alice'));
    expect(await listed(A)).toEqual([['alice', 'lac', 'L-A'], ['alice', 'bras-a', 'O-A']]);
    expect(await listed(B)).toEqual([['alice', 'lac', 'L-B']]);
    // Simultaneous-use counts one tenant's alice, never the other's.
    expect(await t.daemon.store.countOpenForUser('alice', A.id)).toBe(2);
    expect(await t.daemon.store.countOpenForUser('alice', B.id)).toBe(1);
    expect(await t.daemon.store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(0);
    const all = await listSessions(t.daemon.services, { actor: { name: 'operator' }, tenant: 'all' });
    expect(all.map((s) => [s.tenant, s.username, s.acctSessionId])).toEqual([
      ['asso-a', 'alice', 'L-A'],
      ['asso-a', 'alice', 'O-A'],
      ['asso-b', 'alice', 'L-B'],
    ]);
  });

  it("attributes records by their session: without User-Name, or naming the other tenant's realm", async () => {
    await send(lac, acct(INTERIM, 'L-B', null, counters(60, 1000, 2000)));
    // Someone tries to move A's session into B by naming B's realm: the session stays A's.
    await send(lac, acct(INTERIM, 'L-A', 'alice@asso-b', counters(60, 5000, 6000)));
    const b = await listSessions(t.daemon.services, scopeOf('support', B));
    expect(b.map((s) => [s.acctSessionId, s.inputOctets, s.outputOctets])).toEqual([['L-B', 1000, 2000]]);
    const a = await listSessions(t.daemon.services, scopeOf('support', A), { username: 'alice' });
    expect(a.map((s) => [s.acctSessionId, s.inputOctets])).toEqual([['L-A', 5000], ['O-A', 0]]);
    await send(lac, acct(STOP, 'L-B', null, counters(120, 3000, 4000)));
    expect(await listed(B)).toEqual([]);
    expect(await listed(A)).toHaveLength(2);
  });

  it('holds a first record it cannot route, shows it to no tenant, and gives it to the tenant a later record names', async () => {
    await send(lac, acct(START, 'L-X', 'bob'));
    expect((await listed(A)).map((r) => r[2])).not.toContain('L-X');
    expect((await listed(B)).map((r) => r[2])).not.toContain('L-X');
    const all = await listSessions(t.daemon.services, { actor: { name: 'operator' }, tenant: 'all' }, { username: 'bob' });
    expect(all.map((s) => [s.tenant, s.acctSessionId])).toEqual([[null, 'L-X']]);
    await send(lac, acct(INTERIM, 'L-X', 'bob@asso-a', counters(30, 70, 80)));
    expect(await listed(A)).toContainEqual(['bob', 'lac', 'L-X']);
  });

  it('closes the shared NAS\'s sessions in every tenant on Accounting-On, and nothing on another NAS', async () => {
    await send(lac, acct(START, 'L-C', 'carol@asso-b'));
    expect(await listed(B)).toEqual([['carol', 'lac', 'L-C']]);
    await send(lac, acct(ACCOUNTING_ON, '', null, [attr(Attr.NasIdentifier, 'lac')]));
    expect(await listed(A)).toEqual([['alice', 'bras-a', 'O-A']]);
    expect(await listed(B)).toEqual([]);
    expect(await t.daemon.store.countOpenForUser('carol', B.id)).toBe(0);
  });

  it("exports a period holding both tenants' usage: asked from A, only A's rows; deployment-wide, each row's tenant", async () => {
    await flushUsage(t.daemon.store, t.db);
    const today = new Date().toISOString().slice(0, 10);
    const period = { from: today, to: today };
    const ofA = await billingExport(t.daemon.services, scopeOf('treasurer', A), { ...period, detail: true });
    expect(ofA.detail && ofA.rows.map((r) => r.acct_session_id).sort()).toEqual(['L-A', 'L-X', 'O-A']);
    expect(ofA.text.split('\r\n')[0]).toBe('username,nas,acct_session_id,start,stop,seconds,input_octets,output_octets,terminate_cause,framed_ip');
    const summaryA = await billingExport(t.daemon.services, scopeOf('treasurer', A), period);
    expect(summaryA.rows).toEqual([
      { username: 'alice', sessions: 2, seconds: 60, input_octets: 5000, output_octets: 6000 },
      { username: 'bob', sessions: 1, seconds: 30, input_octets: 70, output_octets: 80 },
    ]);
    const summaryB = await billingExport(t.daemon.services, scopeOf('treasurer', B), period);
    expect(summaryB.rows).toEqual([
      { username: 'alice', sessions: 1, seconds: 120, input_octets: 3000, output_octets: 4000 },
      { username: 'carol', sessions: 1, seconds: 0, input_octets: 0, output_octets: 0 },
    ]);
    expect(summaryB.text).not.toContain('5000');
    const all = await billingExport(t.daemon.services, { actor: { name: 'operator' }, tenant: 'all' }, period);
    expect(all.text.split('\r\n').slice(0, 3)).toEqual([
      'tenant,username,sessions,seconds,input_octets,output_octets',
      'asso-a,alice,2,60,5000,6000',
      'asso-a,bob,1,30,70,80',
    ]);
    expect(all.rows.map((r) => [r.tenant, r.username])).toEqual([['asso-a', 'alice'], ['asso-a', 'bob'], ['asso-b', 'alice'], ['asso-b', 'carol']]);
    const rows = await t.db.query<{ acct_session_id: string; tenant_id: number }>('SELECT acct_session_id, tenant_id FROM usage_sessions ORDER BY acct_session_id');
    expect(rows.rows.map((r) => [r.acct_session_id, Number(r.tenant_id)])).toEqual([['L-A', A.id], ['L-B', B.id], ['L-C', B.id], ['L-X', A.id], ['O-A', A.id]]);
  });
});
