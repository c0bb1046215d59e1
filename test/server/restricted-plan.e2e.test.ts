/** A deployment that lets suspended members into a walled garden (the payment page) instead of refusing them. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deriveCredential } from '../../src/auth/credentials.js';
import { insertMember, suspendMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { insertPlan } from '../../src/db/plans.js';
import { recentAuthLog } from '../../src/db/auth-log.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { getAttribute, getString } from '../../src/protocol/packet.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'walled-garden-secret-0123456789ab';
let t: TestDaemon;

beforeAll(async () => {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'fibre', attributes: [{ name: 'Session-Timeout', value: '86400' }] });
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'walled-garden', attributes: [{ name: 'Filter-Id', value: 'payment-only' }, { name: 'Session-Timeout', value: '900' }] });
  await insertMember(db, DEFAULT_TENANT_ID, { username: 'lapsed', credential: deriveCredential('pw-lapsed', ['pap']), authMethods: ['pap'], plan: 'fibre' });
  await suspendMember(db, DEFAULT_TENANT_ID, 'lapsed', 'dues lapsed');
  await db.close();
  t = await startTestDaemon(url, { restrictedPlan: 'walled-garden' });
});

afterAll(async () => {
  await t?.stop();
});

it('accepts a suspended member into the restricted plan, not its own, and still refuses a wrong password', async () => {
  const nas = await SimulatedNas.open(SECRET);
  const pap = (pw: string) => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'lapsed'), attr(Attr.UserPassword, pw)] });
  const { response } = await nas.request(pap('pw-lapsed'), t.auth);
  expect(response?.code).toBe(PacketCode.AccessAccept);
  expect(getString(response!, Attr.FilterId)).toBe('payment-only');
  expect(getAttribute(response!, Attr.SessionTimeout)?.readUInt32BE()).toBe(900);
  expect((await nas.request(pap('wrong'), t.auth)).response?.code).toBe(PacketCode.AccessReject);
  nas.close();
  await t.daemon.stop();
  const log = await recentAuthLog(t.db, DEFAULT_TENANT_ID, 'lapsed', 5);
  expect(log.map((e) => [e.result, e.reason])).toEqual([['reject', 'bad-password'], ['accept', null]]);
});
