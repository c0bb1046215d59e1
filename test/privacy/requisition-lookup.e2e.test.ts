/**
 * Requisitions answered from the connection register, fed by a NAS over
 * real UDP through Redis and the flush into PostgreSQL: IPv4 and IPv6
 * (Framed-IPv6-Prefix, Delegated-IPv6-Prefix, Framed-Interface-Id) sessions
 * started, updated and stopped; lookups inside, between, at the very edges,
 * before the first and after the last; an open session; an address the NAS
 * handed on within a minute; --port; two tenants that must not see each
 * other; every lookup in the append-only log, and the yearly report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNas } from '../../src/db/nas.js';
import { registerMatches } from '../../src/db/connection-register.js';
import type { ReadScope, ServiceDeps } from '../../src/services/deps.js';
import { lookupRequisition, requisitionReport, type LookupAnswer } from '../../src/services/requisitions.js';
import { DEFAULT_TENANT, scopeOf } from '../support/scope.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import type { TenantRef } from '../../src/domain/tenant.js';
import { addTenant, ownNas } from '../tenancy/accounting-fixtures.js';
import { acct, addMember, addressAttributes, INTERIM, START, STOP, type Addresses } from './fixtures.js';

const SECRET = 'requisition-suite-secret-0123456';
/** 2026-03-14 18:00:00 UTC: the NAS's sessions are placed around it on the daemon's injected clock. */
const T0 = Date.UTC(2026, 2, 14, 18, 0, 0);
const S = 1000;
let clock = T0;
let t: TestDaemon;
let bras1: SimulatedNas;
let bras2: SimulatedNas;
let B: TenantRef;
let aliceId: number;

async function send(nas: SimulatedNas, at: number, spec: ReturnType<typeof acct>): Promise<void> {
  clock = at;
  const { response } = await nas.request(spec, t.acct);
  expect(response?.code).toBe(PacketCode.AccountingResponse);
}

/** A whole session: Start at `from`, an Interim half way, Stop at `to` (none: left open). */
async function session(nas: SimulatedNas, id: string, user: string, from: number, to: number | null, addresses: Addresses, port?: { nasPort?: number; nasPortId?: string }): Promise<void> {
  const extra = [...addressAttributes(addresses), ...(port?.nasPort !== undefined ? [attr(Attr.NasPort, port.nasPort)] : []), ...(port?.nasPortId ? [attr(Attr.NasPortId, port.nasPortId)] : [])];
  await send(nas, from, acct(START, id, user, extra));
  const mid = to === null ? from + 300 * S : from + (to - from) / 2;
  await send(nas, mid, acct(INTERIM, id, user, [...extra, attr(Attr.AcctSessionTime, (mid - from) / S)]));
  if (to !== null) await send(nas, to, acct(STOP, id, user, [...extra, attr(Attr.AcctSessionTime, (to - from) / S), attr(Attr.AcctTerminateCause, 1)]));
}

const iso = (ms: number): string => new Date(ms).toISOString();
let refs = 0;
const deps = (): ServiceDeps => t.daemon.services;
const lookup = (ip: string, at: number | string, opts: { port?: number; scope?: ReadScope; deps?: ServiceDeps } = {}): Promise<LookupAnswer> =>
  lookupRequisition(opts.deps ?? deps(), opts.scope ?? scopeOf('officer'), { ip, at: typeof at === 'number' ? iso(at) : at, ref: `case-${++refs}`, ...(opts.port !== undefined ? { port: opts.port } : {}) });
const who = (a: LookupAnswer): Array<string | null> => a.matches.map((m) => m.username);

beforeAll(async () => {
  const { db, url } = await freshDb();
  B = await addTenant(db, 'asso-b', ['asso-b']);
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
  await insertNas(db, { name: 'bras2', address: '127.0.0.2/32', secret: SECRET });
  await ownNas(db, 'bras2', B);
  aliceId = await addMember(db, DEFAULT_TENANT, 'alice', 'FTTH-0042');
  for (const u of ['bob', 'carol', 'dave', 'frank']) await addMember(db, DEFAULT_TENANT, u);
  await addMember(db, B, 'erin');
  await db.close();
  t = await startTestDaemon(url, {}, { now: () => clock });
  bras1 = await SimulatedNas.open(SECRET);
  bras2 = await SimulatedNas.open(SECRET, '127.0.0.2', '127.0.0.1');
  // alice: 18:00 to 19:00, dual stack; bob takes her IPv4 address 30 s after she left; frank much later.
  await session(bras1, 'A1', 'alice', T0, T0 + 3600 * S, { ipv4: '192.0.2.10', framedIpv6Prefix: '2001:db8:a::/64', delegatedIpv6Prefix: '2001:db8:a100::/56', interfaceId: '0211223344556677' }, { nasPort: 12, nasPortId: 'eth0.100' });
  await session(bras1, 'B1', 'bob', T0 + 3630 * S, T0 + 7200 * S, { ipv4: '192.0.2.10' }, { nasPort: 13 });
  await session(bras1, 'F1', 'frank', T0 + 9000 * S, T0 + 9600 * S, { ipv4: '192.0.2.10' });
  // carol stays online; erin, of the other tenant, has the same private IPv4 address on her own NAS meanwhile.
  await session(bras1, 'C1', 'carol', T0 + 1000 * S, null, { ipv4: '192.0.2.20' });
  await session(bras2, 'E1', 'erin', T0 + 1800 * S, T0 + 2400 * S, { ipv4: '192.0.2.10' });
  await deps().flush();
  // dave's Start comes after the last scheduled flush: only the lookup's own flush (or the live store) has it.
  await send(bras1, T0 + 5000 * S, acct(START, 'D1', 'dave', addressAttributes({ ipv4: '192.0.2.30' })));
  clock = T0 + 10_000 * S;
});

afterAll(async () => {
  bras1?.close();
  bras2?.close();
  await t?.stop();
});

describe('the connection register', () => {
  it('holds every session with its NAS, port, line and every address, apart from billing', async () => {
    const { rows } = await t.db.query<Record<string, unknown>>(
      `SELECT r.username, r.member_id, r.nas, host(r.nas_address) AS nas_address, r.nas_port, r.nas_port_id, r.line_id, r.framed_interface_id,
              r.start_time, r.stop_time, array_agg(a.kind || ' ' || a.address::text ORDER BY a.kind) AS addresses
         FROM connection_register r LEFT JOIN connection_register_addresses a USING (unique_id)
        WHERE r.username = 'alice' GROUP BY r.unique_id`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      username: 'alice',
      member_id: String(aliceId),
      nas: 'bras1',
      nas_address: '127.0.0.1',
      nas_port: '12',
      nas_port_id: 'eth0.100',
      line_id: 'FTTH-0042',
      framed_interface_id: '0211223344556677',
      addresses: [
        'delegated-ipv6-prefix 2001:db8:a100::/56',
        'framed-interface-id 2001:db8:a:0:211:2233:4455:6677/128',
        'framed-ip 192.0.2.10/32',
        'framed-ipv6-prefix 2001:db8:a::/64',
      ],
    });
    expect(new Date(rows[0]!.start_time as string).getTime()).toBe(T0);
    expect(new Date(rows[0]!.stop_time as string).getTime()).toBe(T0 + 3600 * S);
    const open = await t.db.query("SELECT stop_time FROM connection_register WHERE username = 'carol'");
    expect(open.rows).toEqual([{ stop_time: null }]);
  });
});

describe('requisition lookup', () => {
  it('finds the member who had an IPv4 address inside a session, with the times in UTC and in the offset asked', async () => {
    const a = await lookup('192.0.2.10', '2026-03-14T18:20:00+00:00');
    expect(who(a)).toEqual(['alice']);
    expect(a.matches[0]).toMatchObject({
      tenant: 'default',
      member_id: aliceId,
      nas: 'bras1',
      nas_port: 12,
      nas_port_id: 'eth0.100',
      line: 'FTTH-0042',
      matched: { kind: 'framed-ip', address: '192.0.2.10/32' },
      at_instant: true,
      session_start: { utc: '2026-03-14T18:00:00.000Z', local: '2026-03-14T18:00:00.000Z' },
    });
    const paris = await lookup('192.0.2.10', '2026-03-14T19:20:00+01:00');
    expect(paris.query.at).toEqual({ utc: '2026-03-14T18:20:00.000Z', local: '2026-03-14T19:20:00.000+01:00' });
    expect(paris.matches[0]!.session_end).toEqual({ utc: '2026-03-14T19:00:00.000Z', local: '2026-03-14T20:00:00.000+01:00' });
    expect(a.warnings).toEqual([]);
  });

  it('finds an IPv6 address inside the Framed-IPv6-Prefix, the Delegated-IPv6-Prefix, and the interface id', async () => {
    const at = T0 + 1200 * S;
    expect((await lookup('2001:db8:a::5', at)).matches.map((m) => [m.username, m.matched])).toEqual([['alice', { kind: 'framed-ipv6-prefix', address: '2001:db8:a::/64' }]]);
    expect((await lookup('2001:db8:a100:42::1', at)).matches.map((m) => [m.username, m.matched])).toEqual([['alice', { kind: 'delegated-ipv6-prefix', address: '2001:db8:a100::/56' }]]);
    expect((await lookup('2001:db8:a:0:211:2233:4455:6677', at)).matches.map((m) => m.matched)).toEqual([{ kind: 'framed-interface-id', address: '2001:db8:a:0:211:2233:4455:6677/128' }]);
    expect((await lookup('2001:db8:b::1', at)).matches).toEqual([]);
  });

  it('answers at the very start and the very stop of a session', async () => {
    expect(who(await lookup('192.0.2.10', T0))).toEqual(['alice']);
    const atStop = await lookup('192.0.2.10', T0 + 3600 * S);
    // At alice's stop, bob's session starting 30 s later is a candidate too.
    expect(atStop.matches.map((m) => [m.username, m.at_instant])).toEqual([['alice', true], ['bob', false]]);
    expect(who(await lookup('192.0.2.10', T0 + 7200 * S))).toEqual(['bob']);
  });

  it('lists both members, with a warning, when the NAS handed the address on within a minute', async () => {
    const a = await lookup('192.0.2.10', T0 + 3615 * S);
    expect(a.matches.map((m) => [m.username, m.at_instant])).toEqual([['alice', false], ['bob', false]]);
    expect(a.warnings.join(' ')).toMatch(/2 sessions held this address within a minute/);
  });

  it('finds no one between sessions, before the first and after the last', async () => {
    expect((await lookup('192.0.2.10', T0 + 8000 * S)).matches).toEqual([]);
    expect((await lookup('192.0.2.10', T0 - 120 * S)).matches).toEqual([]);
    expect((await lookup('192.0.2.10', T0 + 9700 * S)).matches).toEqual([]);
  });

  it('finds an open session, flushed or not yet', async () => {
    const carol = await lookup('192.0.2.20', T0 + 9000 * S);
    expect(carol.matches.map((m) => [m.username, m.session_end, m.at_instant])).toEqual([['carol', null, true]]);
    // From the register itself, not only the live store: an open session's period has no end.
    expect((await registerMatches(t.db, '192.0.2.20', T0 + 9000 * S, T0 + 9000 * S, null)).map((m) => m.username)).toEqual(['carol']);
    expect(who(await lookup('192.0.2.30', T0 + 6000 * S))).toEqual(['dave']);
  });

  it('reads the live sessions when the flush cannot run, and says so', async () => {
    await send(bras1, T0 + 9800 * S, acct(START, 'G1', 'frank', addressAttributes({ ipv4: '192.0.2.40' })));
    const failing: ServiceDeps = { ...deps(), flush: () => Promise.reject(new Error('PostgreSQL is restarting')) };
    const a = await lookup('192.0.2.40', T0 + 9900 * S, { deps: failing });
    expect(who(a)).toEqual(['frank']);
    expect(a.warnings.join(' ')).toMatch(/could not be written to the register \(PostgreSQL is restarting\)/);
  });

  it('narrows to a NAS port with --port', async () => {
    expect(who(await lookup('192.0.2.10', T0 + 3600 * S, { port: 13 }))).toEqual(['bob']);
    expect(who(await lookup('192.0.2.10', T0 + 3600 * S, { port: 12 }))).toEqual(['alice']);
    expect(who(await lookup('192.0.2.10', T0 + 3600 * S, { port: 99 }))).toEqual([]);
  });

  it("answers within the scope's tenant alone; the deployment-wide scope sees both", async () => {
    const at = T0 + 2000 * S;
    expect((await lookup('192.0.2.10', at)).matches.map((m) => [m.tenant, m.username])).toEqual([['default', 'alice']]);
    expect((await lookup('192.0.2.10', at, { scope: scopeOf('officer-b', B) })).matches.map((m) => [m.tenant, m.username])).toEqual([['asso-b', 'erin']]);
    const all = await lookup('192.0.2.10', at, { scope: { actor: { name: 'operator' }, tenant: 'all' } });
    expect(all.matches.map((m) => [m.tenant, m.username]).sort()).toEqual([['asso-b', 'erin'], ['default', 'alice']]);
    expect(all.scope).toBe('all');
  });

  it('refuses an instant without zone, saying so', async () => {
    await expect(lookup('192.0.2.10', '2026-03-14T18:20:00')).rejects.toMatchObject({ code: 'INVALID_REQUISITION', message: expect.stringMatching(/has no time zone/) });
    await expect(lookup('192.0.2.300', T0)).rejects.toMatchObject({ code: 'INVALID_REQUISITION' });
  });
});

describe('the requisition log', () => {
  it('holds every lookup, with and without a result, and the scope it answered in', async () => {
    const before = Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM requisition_log')).rows[0]!.n);
    const hit = await lookup('192.0.2.10', T0 + 60 * S);
    const miss = await lookup('198.51.100.1', T0 + 60 * S, { scope: scopeOf('officer-b', B) });
    const rows = await t.db.query<Record<string, unknown>>('SELECT id, actor, reference, all_tenants, tenant, query, result FROM requisition_log WHERE id = ANY($1::bigint[]) ORDER BY id', [[hit.requisition_id, miss.requisition_id]]);
    expect(rows.rows).toEqual([
      {
        id: String(hit.requisition_id),
        actor: 'officer',
        reference: hit.reference,
        all_tenants: false,
        tenant: 'default',
        query: { ip: '192.0.2.10', at: iso(T0 + 60 * S), port: null },
        result: [{ tenant: 'default', username: 'alice', member_id: aliceId, unique_id: hit.matches[0]!.session }],
      },
      { id: String(miss.requisition_id), actor: 'officer-b', reference: miss.reference, all_tenants: false, tenant: 'asso-b', query: { ip: '198.51.100.1', at: iso(T0 + 60 * S), port: null }, result: [] },
    ]);
    expect(Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM requisition_log')).rows[0]!.n)).toBe(before + 2);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(t.db.query("UPDATE requisition_log SET reference = 'changed'")).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(t.db.query('DELETE FROM requisition_log')).rejects.toThrow(/append-only: DELETE refused/);
    await expect(t.db.query('TRUNCATE requisition_log')).rejects.toThrow(/append-only: TRUNCATE refused/);
  });

  it('counts the year for the transparency report, per month and per tenant, without references or members', async () => {
    const logged = await t.db.query<{ tenant: string | null; hit: boolean; n: string }>(
      "SELECT tenant, jsonb_array_length(result) > 0 AS hit, count(*) AS n FROM requisition_log GROUP BY 1, 2",
    );
    const expected = (tenant: string | null, hit: boolean): number => Number(logged.rows.find((r) => r.tenant === tenant && r.hit === hit)?.n ?? 0);
    const r = await requisitionReport(deps(), scopeOf('officer'), { year: 2026 });
    expect(r).toMatchObject({ year: 2026, scope: 'default', requisitions: expected('default', true) + expected('default', false), with_result: expected('default', true) });
    expect(r.per_month.map((m) => m.month)).toHaveLength(12);
    expect(r.per_month[2]).toMatchObject({ month: '2026-03', requisitions: r.requisitions });
    expect(r.per_month.filter((m) => m.month !== '2026-03').every((m) => m.requisitions === 0)).toBe(true);
    const all = await requisitionReport(deps(), { actor: { name: 'operator' }, tenant: 'all' }, { year: '2026' });
    expect(all.requisitions).toBe(logged.rows.reduce((n, row) => n + Number(row.n), 0));
    expect(all.per_tenant.find((p) => p.tenant === 'asso-b')).toMatchObject({ without_result: expected('asso-b', false) });
    expect(JSON.stringify(all)).not.toMatch(/alice|case-\d/);
    expect((await requisitionReport(deps(), scopeOf('officer'), { year: 2025 })).requisitions).toBe(0);
  });
});
