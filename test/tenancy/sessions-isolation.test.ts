/**
 * The sessions service probed from one tenant for the other's: the same
 * username in both tenants, another tenant's session named by its unique id
 * or its Acct-Session-Id, a username only the other tenant has. Each is
 * answered as if the other tenant did not exist, and nothing is sent to its
 * sessions' NAS; the audit and disconnect log rows are the acting tenant's.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recentDisconnects } from '../../src/db/disconnect-log.js';
import type { Db } from '../../src/db/db.js';
import { insertNas } from '../../src/db/nas.js';
import type { TenantRef } from '../../src/domain/tenant.js';
import { PacketCode } from '../../src/protocol/codes.js';
import { disconnect, listSessions } from '../../src/services/sessions.js';
import { SimulatedDas } from '../coa/simulated-das.js';
import { migratedPostgres } from '../db/helpers.js';
import { startRecord, storeWith } from '../lifecycle/fixtures.js';
import { serviceDeps, type TestDeps } from '../services/fixtures.js';
import { scopeOf } from '../support/scope.js';
import { addMemberIn, addTenant } from './accounting-fixtures.js';

const SECRET = 'isolation-secret-of-32-octets-ab';
const START = Date.parse('2026-11-10T08:00:00Z');
let db: Db;
let das: SimulatedDas;
let deps: TestDeps;
let A: TenantRef;
let B: TenantRef;

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  das = await SimulatedDas.open(SECRET);
  A = await addTenant(db, 'asso-a', ['asso-a']);
  B = await addTenant(db, 'asso-b', ['asso-b']);
  // A LAC shared by both associations, as sessions of both on one NAS come about.
  await insertNas(db, { name: 'lac', address: '127.0.0.1/32', secret: SECRET, coaPort: das.port, tenancy: { carries: [A.id, B.id] } });
  await addMemberIn(db, A, 'alice');
  await addMemberIn(db, B, 'alice');
  await addMemberIn(db, B, 'bob');
  const store = await storeWith(
    startRecord({ nas: 'lac', tenantId: A.id, username: 'alice', acctSessionId: 'a-1', framedIp: '192.0.2.10', receivedAt: START }),
    startRecord({ nas: 'lac', tenantId: B.id, username: 'alice', acctSessionId: 'b-1', framedIp: '192.0.2.20', receivedAt: START }),
    startRecord({ nas: 'lac', tenantId: B.id, username: 'bob', acctSessionId: 'b-2', framedIp: '192.0.2.21', receivedAt: START }),
  );
  deps = await serviceDeps(db, { store, now: () => START + 60_000 });
});

afterAll(async () => {
  await deps?.coa.close();
  das?.close();
  await db?.close();
});

beforeEach(() => das.reset());

const uniqueIdOf = async (acctSessionId: string): Promise<string> => (await deps.sessions.listOpen()).find((s) => s.acctSessionId === acctSessionId)!.uniqueId;

describe("one tenant's scope and the other tenant's sessions", () => {
  it('lists only its own sessions, whoever has the same username', async () => {
    expect((await listSessions(deps, scopeOf('support', A))).map((s) => s.acctSessionId)).toEqual(['a-1']);
    expect((await listSessions(deps, scopeOf('support', A), { username: 'bob' }))).toEqual([]);
    expect((await listSessions(deps, scopeOf('support', B), { username: 'alice' })).map((s) => s.acctSessionId)).toEqual(['b-1']);
    expect((await listSessions(deps, scopeOf('support', A), { nas: 'lac' })).map((s) => s.acctSessionId)).toEqual(['a-1']);
  });

  it("disconnects its own alice only, logged and audited in its own tenant", async () => {
    const r = await disconnect(deps, scopeOf('support', A), { username: 'alice', reason: 'line test' });
    expect(r.disconnects.map((a) => [a.acctSessionId, a.outcome])).toEqual([['a-1', 'ack']]);
    expect(das.requests(PacketCode.DisconnectRequest).map((q) => q.framedIp)).toEqual(['192.0.2.10']);
    expect((await recentDisconnects(db, 'alice', 10, A.id)).map((d) => d.acctSessionId)).toEqual(['a-1']);
    expect(await recentDisconnects(db, 'alice', 10, B.id)).toEqual([]);
    const audit = await db.query<{ tenant_id: number }>("SELECT tenant_id FROM audit_log WHERE action = 'session.disconnect'");
    expect(audit.rows.map((row) => Number(row.tenant_id))).toEqual([A.id]);
  });

  it("answers for another tenant's session exactly as for one that does not exist, and sends nothing", async () => {
    const theirs = await uniqueIdOf('b-1');
    const unknown = { code: 'UNKNOWN_SESSION', details: { ended: false } };
    await expect(disconnect(deps, scopeOf('support', A), { session: theirs })).rejects.toMatchObject({ ...unknown, details: { session: theirs, ended: false } });
    await expect(disconnect(deps, scopeOf('support', A), { session: 'b-1' })).rejects.toMatchObject({ ...unknown, details: { session: 'b-1', ended: false } });
    await expect(disconnect(deps, scopeOf('support', A), { session: 'b-1', nas: 'lac' })).rejects.toMatchObject(unknown);
    await expect(disconnect(deps, scopeOf('support', A), { session: 'no-such' })).rejects.toMatchObject({ ...unknown, details: { session: 'no-such', ended: false } });
    // bob is a member of B only: from A, no member of that name, the same words as a typo.
    await expect(disconnect(deps, scopeOf('support', A), { username: 'bob' })).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER', details: { username: 'bob' } });
    await expect(disconnect(deps, scopeOf('support', A), { username: 'nobody' })).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER', details: { username: 'nobody' } });
    expect(das.received).toHaveLength(0);
    expect(await deps.sessions.countOpenForUser('alice', B.id)).toBe(1);
    expect(await deps.sessions.countOpenForUser('bob', B.id)).toBe(1);
  });
});
