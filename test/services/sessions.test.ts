/**
 * Listing and cutting live sessions through the sessions service: filters,
 * the session found by unique id or Acct-Session-Id (narrowed by NAS), what
 * each NAS answered, the audit row, and the refusals with their data.
 */
import { scopeOf } from '../support/scope.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/db/audit.js';
import type { Db } from '../../src/db/db.js';
import { recentDisconnects } from '../../src/db/disconnect-log.js';
import { insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { PacketCode } from '../../src/protocol/codes.js';
import { ControlSessionSource } from '../../src/ops/control.js';
import { disconnect, listSessions } from '../../src/services/sessions.js';
import { freePort } from '../support/services.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { SimulatedDas } from '../coa/simulated-das.js';
import { startRecord, storeWith } from '../lifecycle/fixtures.js';
import { serviceDeps, type TestDeps } from './fixtures.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { addTenant } from '../tenancy/fixtures.js';

const SECRET = 'sessions-secret-of-32-octets-abc';
const START = Date.parse('2026-11-10T08:00:00Z');
const op = scopeOf('operator');
let db: Db;
let das: SimulatedDas;
let deps: TestDeps;

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  das = await SimulatedDas.open(SECRET);
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET, coaPort: das.port, disconnectProfile: 'mikrotik' });
  await insertNas(db, { name: 'bras2', address: '192.0.2.250/32', secret: SECRET, coaPort: das.port });
  const other = await addTenant(db, 'other-asso');
  await insertNas(db, { name: 'their-bras', address: '198.51.100.1/32', secret: SECRET, coaPort: das.port, tenancy: { owner: other.id } });
  for (const u of ['ann', 'ben', 'cat']) await insertMember(db, DEFAULT_TENANT_ID, newMember(u));
  const store = await storeWith(
    startRecord({ username: 'ben', acctSessionId: 'b-1', framedIp: '192.0.2.12', receivedAt: START + 60_000 }),
    startRecord({ username: 'ann', acctSessionId: 'a-2', framedIp: '192.0.2.11', receivedAt: START + 120_000 }),
    startRecord({ username: 'ann', acctSessionId: 'a-1', framedIp: '192.0.2.10', receivedAt: START }),
    startRecord({ username: 'cat', acctSessionId: 'same', framedIp: '192.0.2.13', receivedAt: START }),
    startRecord({ username: 'cat', nas: 'bras2', acctSessionId: 'same', framedIp: '192.0.2.14', receivedAt: START }),
  );
  deps = await serviceDeps(db, { store, now: () => START + 3_600_000 });
});

afterAll(async () => {
  await deps?.coa.close();
  das?.close();
  await db?.close();
});

beforeEach(() => das.reset());

describe('listSessions', () => {
  it('lists open sessions by member then start, with the time online, filtered by member or NAS', async () => {
    const all = await listSessions(deps, scopeOf('test'));
    expect(all.map((s) => [s.username, s.acctSessionId])).toEqual([['ann', 'a-1'], ['ann', 'a-2'], ['ben', 'b-1'], ['cat', 'same'], ['cat', 'same']]);
    expect(all[0]?.seconds).toBe(3600);
    expect((await listSessions(deps, scopeOf('test'), { username: 'ben' })).map((s) => s.acctSessionId)).toEqual(['b-1']);
    expect((await listSessions(deps, scopeOf('test'), { nas: 'bras2' })).map((s) => [s.username, s.nas])).toEqual([['cat', 'bras2']]);
  });
});

describe('disconnect', () => {
  it('cuts every open session of a member, records each request and audits the whole as the actor', async () => {
    const r = await disconnect(deps, op, { username: 'ann', reason: 'line test' });
    expect(r).toMatchObject({ username: 'ann', reason: 'line test', unconfirmed: 0 });
    expect(r.disconnects.map((a) => [a.nas, a.acctSessionId, a.outcome]).sort()).toEqual([['bras1', 'a-1', 'ack'], ['bras1', 'a-2', 'ack']]);
    expect(das.requests(PacketCode.DisconnectRequest).map((q) => q.framedIp).sort()).toEqual(['192.0.2.10', '192.0.2.11']);
    const [audit] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:ann' });
    expect(audit).toMatchObject({ actor: 'operator', action: 'session.disconnect', after: { reason: 'line test' } });
    expect((audit?.after as { sessions: Array<{ acct_session_id: string; outcome: string }> }).sessions.map((s) => s.outcome)).toEqual(['ack', 'ack']);
    expect((await recentDisconnects(db, 'ann'))[0]).toMatchObject({ actor: 'operator', reason: 'line test' });
  });

  it('finds one session by Acct-Session-Id, and counts what the NAS did not confirm', async () => {
    das.reset({ answer: 'nak', errorCause: 504 });
    const r = await disconnect(deps, op, { session: 'b-1' });
    expect(r).toMatchObject({ username: 'ben', reason: 'disconnect requested', unconfirmed: 1 });
    expect(r.disconnects.map((a) => [a.acctSessionId, a.outcome, a.errorCause])).toEqual([['b-1', 'nak', 504]]);
  });

  it('asks for the NAS when several have an open session with that id, and takes it', async () => {
    await expect(disconnect(deps, op, { session: 'same' })).rejects.toMatchObject({
      code: 'AMBIGUOUS_SESSION',
      details: { session: 'same', nas: ['bras1', 'bras2'] },
      text: 'NAS bras1 and bras2 each have an open session same',
      hint: 'add --nas <name>',
    });
    const r = await disconnect(deps, op, { session: 'same', nas: 'bras1' });
    expect(r.disconnects.map((a) => [a.nas, a.acctSessionId, a.outcome])).toEqual([['bras1', 'same', 'ack']]);
  });

  it("narrows a member's disconnect to the NAS given, and cuts none of its sessions elsewhere", async () => {
    const r = await disconnect(deps, op, { username: 'cat', nas: 'bras2' });
    // bras2's address answers nothing here: what matters is that it alone was asked, and bras1 (the simulated DAS) never.
    expect(r.disconnects.map((a) => [a.nas, a.acctSessionId])).toEqual([['bras2', 'same']]);
    expect(das.received).toHaveLength(0);
  });

  it("refuses a NAS the tenant does not have, another tenant's included, sending nothing", async () => {
    for (const nas of ['nope', 'their-bras']) {
      await expect(disconnect(deps, op, { username: 'cat', nas })).rejects.toMatchObject({ code: 'UNKNOWN_NAS', details: { nas } });
      await expect(disconnect(deps, op, { session: 'same', nas })).rejects.toMatchObject({ code: 'UNKNOWN_NAS', details: { nas } });
    }
    expect(das.received).toHaveLength(0);
  });

  it('does not cut a session found by its unique id on another NAS than the one given', async () => {
    const [onBras1] = await listSessions(deps, scopeOf('test'), { username: 'ben' });
    await expect(disconnect(deps, op, { session: onBras1!.uniqueId, nas: 'bras2' })).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
    expect(das.received).toHaveLength(0);
  });

  it('refuses what it cannot find, or an unclear target, sending nothing and auditing nothing', async () => {
    await expect(disconnect(deps, op, { session: 'nope' })).rejects.toMatchObject({ code: 'UNKNOWN_SESSION', details: { session: 'nope', ended: false } });
    await expect(disconnect(deps, op, { username: 'zed' })).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER', details: { username: 'zed' } });
    await expect(disconnect(deps, op, {})).rejects.toMatchObject({ code: 'MEMBER_OR_SESSION' });
    await expect(disconnect(deps, op, { username: 'ann', reason: 'x'.repeat(501) })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { problem: 'reason-length', field: 'reason', max: 500, length: 501 },
    });
    await expect(disconnect(deps, op, { username: 'ann', session: 'a-1' })).rejects.toMatchObject({ code: 'MEMBER_OR_SESSION' });
    expect(das.received).toHaveLength(0);
    expect(await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:zed' })).toEqual([]);
  });

  it('says the running daemon cannot be reached when its control route does not answer', async () => {
    const source = new ControlSessionSource(`http://127.0.0.1:${await freePort()}`, 'token');
    await expect(disconnect({ ...deps, sessions: source }, op, { username: 'ann' })).rejects.toMatchObject({
      code: 'DAEMON_UNREACHABLE',
      details: { problem: 'no-answer' },
      hint: 'is `radassoc serve` running, with its HTTP port (httpPort) enabled?',
    });
  });
});
