/**
 * The composition root (src/main.ts) hands the HTTP side a ServiceDeps built
 * from the daemon's own database, session store and clock: a service called
 * through it sees what the daemon received over UDP, and its flush writes the
 * daemon's finished sessions to PostgreSQL.
 */
import { scopeOf } from '../support/scope.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { insertNas } from '../../src/db/nas.js';
import { listSessions } from '../../src/services/sessions.js';
import { flush } from '../../src/services/usage.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';

const SECRET = 'services-secret-0123456789abcdef';
const START = Date.parse('2026-11-02T10:00:00Z');
let clock = START;
let t: TestDaemon;
let nas: SimulatedNas;

beforeAll(async () => {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
  await db.close();
  t = await startTestDaemon(url, {}, { now: () => clock });
  nas = await SimulatedNas.open(SECRET);
});

afterAll(async () => {
  nas?.close();
  await t?.stop();
});

async function account(status: number, sessionId: string, user: string, seconds = 0): Promise<void> {
  const { response } = await nas.request(
    {
      code: PacketCode.AccountingRequest,
      attributes: [
        attr(Attr.AcctStatusType, status),
        attr(Attr.AcctSessionId, sessionId),
        attr(Attr.UserName, user),
        attr(Attr.AcctSessionTime, seconds),
        attr(Attr.AcctInputOctets, 1500),
        attr(Attr.AcctOutputOctets, 3000),
      ],
    },
    t.acct,
  );
  expect(response?.code).toBe(PacketCode.AccountingResponse);
}

describe("the daemon's service dependencies", () => {
  it('are built from its own config, database and clock', () => {
    expect(t.daemon.services.config).toBe(t.daemon.config);
    expect(t.daemon.services.sessions).toBe(t.daemon.store);
    expect(t.daemon.services.db).toBe(t.daemon.db.db);
    expect(t.daemon.services.now()).toBe(clock);
  });

  it('let a service read the live sessions the daemon keeps', async () => {
    await account(1, 'SVC-1', 'alice');
    clock = START + 90_000;
    const listed = await listSessions(t.daemon.services, scopeOf('test'), { username: 'alice' });
    expect(listed.map((s) => ({ username: s.username, nas: s.nas, id: s.acctSessionId }))).toEqual([
      { username: 'alice', nas: 'bras1', id: 'SVC-1' },
    ]);
    expect(listed[0]!.seconds).toBe(Math.round((clock - listed[0]!.startTime) / 1000));
    expect(await listSessions(t.daemon.services, scopeOf('test'), { username: 'bob' })).toEqual([]);
  });

  it("flush the daemon's finished sessions to PostgreSQL", async () => {
    await account(2, 'SVC-1', 'alice', 90);
    const report = await flush(t.daemon.services);
    expect(report.finished).toBe(1);
    const { rows } = await t.db.query<{ username: string; acct_session_id: string; input_octets: string; stopped: boolean }>(
      'SELECT username, acct_session_id, input_octets, stop_time IS NOT NULL AS stopped FROM usage_sessions',
    );
    expect(rows.map((r) => [r.username, r.acct_session_id, Number(r.input_octets), r.stopped])).toEqual([['alice', 'SVC-1', 1500, true]]);
  });
});
