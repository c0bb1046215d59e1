/** A NAS that speaks IPv6: matched by its IPv6 block and answered over IPv6. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deriveCredential } from '../../src/auth/credentials.js';
import { insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'ipv6-secret-0123456789abcdefghijk';
let t: TestDaemon;

beforeAll(async () => {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'v6-bras', address: '::1/128', secret: SECRET });
  await insertMember(db, DEFAULT_TENANT_ID, { username: 'alice', credential: deriveCredential('alice-pass', ['pap']), authMethods: ['pap'] });
  await db.close();
  t = await startTestDaemon(url, { bind: '::1' });
});

afterAll(async () => {
  await t?.stop();
});

it('authenticates a request from an IPv6 NAS', async () => {
  const nas = await SimulatedNas.open(SECRET, '::1');
  const { response } = await nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'alice'), attr(Attr.UserPassword, 'alice-pass')] }, t.auth);
  nas.close();
  expect(response?.code).toBe(PacketCode.AccessAccept);
});
