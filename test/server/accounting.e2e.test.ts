/**
 * A NAS's session stream over real UDP, through Redis to PostgreSQL and the
 * billing export: duplicates, out-of-order records, Gigawords and a reboot,
 * and every figure agreeing to the octet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { encodeRequest } from '../../src/protocol/encode.js';
import { insertNas } from '../../src/db/nas.js';
import { flushUsage } from '../../src/accounting/flusher.js';
import { exportUsage } from '../../src/accounting/export.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';

const SECRET = 'accounting-secret-0123456789abcd';
let t: TestDaemon;
let nas: SimulatedNas;

beforeAll(async () => {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
  await db.close();
  t = await startTestDaemon(url);
  nas = await SimulatedNas.open(SECRET);
});

afterAll(async () => {
  nas?.close();
  await t?.stop();
});

const GIGA = 2 ** 32;

function acct(status: number, sessionId: string, user: string, extra: Array<ReturnType<typeof attr>> = []) {
  return {
    code: PacketCode.AccountingRequest,
    attributes: [attr(Attr.AcctStatusType, status), attr(Attr.AcctSessionId, sessionId), attr(Attr.UserName, user), attr(Attr.FramedIpAddress, Buffer.from([192, 0, 2, 50])), ...extra],
  };
}

const counters = (seconds: number, inOctets: number, outOctets: number) => [
  attr(Attr.AcctSessionTime, seconds),
  attr(Attr.AcctInputOctets, inOctets % GIGA),
  attr(Attr.AcctInputGigawords, Math.floor(inOctets / GIGA)),
  attr(Attr.AcctOutputOctets, outOctets % GIGA),
  attr(Attr.AcctOutputGigawords, Math.floor(outOctets / GIGA)),
];

async function send(spec: ReturnType<typeof acct>): Promise<void> {
  const { response } = await nas.request(spec, t.acct);
  expect(response?.code).toBe(PacketCode.AccountingResponse);
}

describe('accounting over UDP', () => {
  it('keeps a live session, counts Gigawords, ignores duplicates and never subtracts usage', async () => {
    await send(acct(1, 'S1', 'alice'));
    await send(acct(3, 'S1', 'alice', counters(300, 5 * GIGA + 100, 1000)));
    // The same interim retransmitted with a new identifier (a new packet) changes nothing.
    await send(acct(3, 'S1', 'alice', counters(300, 5 * GIGA + 100, 1000)));
    // A NAS bug resets counters: usage must not go backwards.
    await send(acct(3, 'S1', 'alice', counters(360, 10, 10)));
    const live = await t.daemon.store.listOpen({ username: 'alice' });
    expect(live).toHaveLength(1);
    expect(live[0]!.inputOctets).toBe(5 * GIGA + 100);
    expect(live[0]!.outputOctets).toBe(1000);
    expect(live[0]!.framedIp).toBe('192.0.2.50');
  });

  it('answers a byte-identical retransmission from the cache', async () => {
    const bytes = encodeRequest({ ...acct(3, 'S1', 'alice', counters(400, 5 * GIGA + 200, 2000)), identifier: 99 }, SECRET);
    const first = await nas.sendRaw(bytes, t.acct);
    const second = await nas.sendRaw(bytes, t.acct);
    expect(second).toEqual(first);
  });

  it('closes a session on Stop, keeps interim counters when Stop has none, and never reopens it', async () => {
    await send(acct(1, 'S2', 'bob'));
    await send(acct(3, 'S2', 'bob', counters(60, 4000, 8000)));
    await send(acct(2, 'S2', 'bob', [attr(Attr.AcctTerminateCause, 1)]));
    await send(acct(3, 'S2', 'bob', counters(120, 9000, 9000)));
    expect(await t.daemon.store.listOpen({ username: 'bob' })).toHaveLength(0);
  });

  it('records a Stop without Start, and closes every open session of a rebooted NAS', async () => {
    await send(acct(2, 'S3', 'carol', [...counters(30, 300, 600), attr(Attr.AcctTerminateCause, 2)]));
    await send(acct(1, 'S4', 'dave'));
    const on = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 7), attr(Attr.NasIdentifier, 'bras1')] };
    await send(on as ReturnType<typeof acct>);
    expect(await t.daemon.store.listOpen({ nas: 'bras1' })).toHaveLength(0);
  });

  it('flushes to PostgreSQL exactly once and exports figures that match what the NAS sent', async () => {
    await flushUsage(t.daemon.store, t.db);
    await flushUsage(t.daemon.store, t.db);
    const today = new Date().toISOString().slice(0, 10);
    const { summary, detail } = await exportUsage(t.db, { from: today, to: today });
    const byUser = Object.fromEntries(summary.map((r) => [r.username, r]));
    expect(byUser.alice).toMatchObject({ sessions: 1, input_octets: 5 * GIGA + 200, output_octets: 2000 });
    expect(byUser.bob).toMatchObject({ sessions: 1, input_octets: 4000, output_octets: 8000 });
    expect(byUser.carol).toMatchObject({ sessions: 1, input_octets: 300, output_octets: 600 });
    const causes = Object.fromEntries(detail.map((r) => [r.username, r.terminate_cause]));
    expect(causes).toMatchObject({ alice: 'NAS-Reboot', bob: 'User-Request', carol: 'Lost-Carrier', dave: 'NAS-Reboot' });
    const rows = await t.db.query<{ n: string }>('SELECT count(*)::text AS n FROM usage_sessions');
    expect(rows.rows[0]!.n).toBe('4');
  });
});
