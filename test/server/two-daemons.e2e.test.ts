/**
 * Scale-out: two daemons on one PostgreSQL and one Redis behave as one server.
 * A member with max-sessions 1 gets one session across both, a suspension
 * made once is seen by both, and both flushing at once counts usage once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { deriveCredential } from '../../src/auth/credentials.js';
import { flushUsage } from '../../src/accounting/flusher.js';
import { exportUsage } from '../../src/accounting/export.js';
import { insertMember, suspendMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { redisPrefix } from '../support/database.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'two-daemons-secret-0123456789abcd';
let a: TestDaemon;
let b: TestDaemon;
let nas: SimulatedNas;

beforeAll(async () => {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
  for (const u of ['solo', 'zoe']) {
    await insertMember(db, DEFAULT_TENANT_ID, { username: u, credential: deriveCredential(`pw-${u}`, ['pap']), authMethods: ['pap'], maxSessions: 1 });
  }
  await db.close();
  // The same database, the same Redis and the same key prefix: one logical server.
  const shared = { redisUrl: inject('redisUrl'), redisKeyPrefix: redisPrefix() };
  [a, b] = await Promise.all([startTestDaemon(url, shared), startTestDaemon(url, shared)]);
  nas = await SimulatedNas.open(SECRET);
});

afterAll(async () => {
  nas?.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

const pap = (user: string) => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, `pw-${user}`)] });
const acct = (status: number, id: string, user: string, extra: ReturnType<typeof attr>[] = []) => ({
  code: PacketCode.AccountingRequest,
  attributes: [attr(Attr.AcctStatusType, status), attr(Attr.AcctSessionId, id), attr(Attr.UserName, user), ...extra],
});

describe('two daemons sharing PostgreSQL and Redis', () => {
  it('enforces max-sessions 1 across both', async () => {
    expect((await nas.request(pap('solo'), a.auth)).response?.code).toBe(PacketCode.AccessAccept);
    expect((await nas.request(acct(1, 'A-1', 'solo'), a.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    expect((await nas.request(pap('solo'), b.auth)).response?.code).toBe(PacketCode.AccessReject);
    expect((await nas.request(pap('solo'), a.auth)).response?.code).toBe(PacketCode.AccessReject);
    // The session ends on the other daemon's accounting port: both see the slot free again.
    expect((await nas.request(acct(2, 'A-1', 'solo', [attr(Attr.AcctSessionTime, 60), attr(Attr.AcctInputOctets, 700)]), b.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    expect((await nas.request(pap('solo'), b.auth)).response?.code).toBe(PacketCode.AccessAccept);
  });

  it('sees a suspension made once on both daemons', async () => {
    await suspendMember(a.db, DEFAULT_TENANT_ID, 'zoe', 'dues lapsed');
    const end = Date.now() + 2000;
    while ((a.daemon.directory.member('zoe')?.status !== 'suspended' || b.daemon.directory.member('zoe')?.status !== 'suspended') && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await nas.request(pap('zoe'), a.auth)).response?.code).toBe(PacketCode.AccessReject);
    expect((await nas.request(pap('zoe'), b.auth)).response?.code).toBe(PacketCode.AccessReject);
  });

  it('counts usage once when both flush at the same time', async () => {
    await Promise.all([flushUsage(a.daemon.store, a.db), flushUsage(b.daemon.store, b.db), flushUsage(a.daemon.store, a.db)]);
    const today = new Date().toISOString().slice(0, 10);
    const { summary } = await exportUsage(a.db, { from: today, to: today });
    expect(summary).toEqual([{ username: 'solo', sessions: 1, seconds: 60, input_octets: 700, output_octets: 0 }]);
  });
});
