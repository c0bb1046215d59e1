/**
 * The daemon over real UDP, against real PostgreSQL and Redis: every answer a
 * NAS can get to an Access-Request, and every request it must not answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Attr, MsAttr, PacketCode, VendorId } from '../../src/protocol/codes.js';
import { getAttribute, getString, getVendorAttribute } from '../../src/protocol/packet.js';
import { encodeRequest } from '../../src/protocol/encode.js';
import { deriveCredential } from '../../src/auth/credentials.js';
import { generateAuthenticatorResponse, generateNtResponse, ntPasswordHash } from '../../src/auth/mschap.js';
import { insertMember, suspendMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { insertPlan } from '../../src/db/plans.js';
import { recentAuthLog } from '../../src/db/auth-log.js';
import { DEFAULT_REPLY_MESSAGES } from '../../src/config/schema.js';
import type { AuthMethod } from '../../src/domain/member.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'a-shared-secret-of-32-octets-ok!';
const LEGACY_SECRET = 'legacy-nas-secret';
let t: TestDaemon;
let nas: SimulatedNas;
let legacy: SimulatedNas;

async function addMember(username: string, password: string, extra: Record<string, unknown> = {}, methods: AuthMethod[] = ['pap', 'chap', 'mschapv1', 'mschapv2']): Promise<void> {
  await insertMember(t.db, DEFAULT_TENANT_ID, { username, credential: deriveCredential(password, methods), authMethods: methods, ...extra });
}

const pap = (user: string, password: string) => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] });

beforeAll(async () => {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
  await insertNas(db, { name: 'old-modems', address: '127.0.0.2/32', secret: LEGACY_SECRET, requireMessageAuthenticator: false });
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'fibre-100', attributes: [{ name: 'Session-Timeout', value: '86400' }, { name: 'Acct-Interim-Interval', value: '300' }, { name: 'Mikrotik-Rate-Limit', value: '100M/100M' }] });
  await db.close();
  t = await startTestDaemon(url);
  await addMember('alice', 'alice-pass', { plan: 'fibre-100', ipv4: '192.0.2.10', ipv6Prefix: '2001:db8:1200::/56' });
  await addMember('bob', 'bob-pass', {}, ['pap']);
  await addMember('carol', 'carol-pass');
  await suspendMember(t.db, DEFAULT_TENANT_ID, 'carol', 'dues lapsed');
  await addMember('dave', 'dave-pass', { maxSessions: 1 });
  nas = await SimulatedNas.open(SECRET, '127.0.0.1');
  legacy = await SimulatedNas.open(LEGACY_SECRET, '127.0.0.2');
  await waitFor(() => t.daemon.directory.member('dave') !== undefined);
});

afterAll(async () => {
  nas?.close();
  legacy?.close();
  await t?.stop();
});

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Access-Request over UDP', () => {
  it('accepts PAP with the member and plan reply attributes, Message-Authenticator first', async () => {
    const { response } = await nas.request(pap('alice', 'alice-pass'), t.auth);
    expect(response?.code).toBe(PacketCode.AccessAccept);
    expect(response!.attributes[0]!.type).toBe(Attr.MessageAuthenticator);
    expect(getAttribute(response!, Attr.FramedIpAddress)).toEqual(Buffer.from([192, 0, 2, 10]));
    expect(getAttribute(response!, Attr.DelegatedIpv6Prefix)).toEqual(Buffer.from([0, 56, 0x20, 0x01, 0x0d, 0xb8, 0x12, 0x00, 0x00]));
    expect(getAttribute(response!, Attr.SessionTimeout)?.readUInt32BE()).toBe(86400);
    expect(getAttribute(response!, Attr.AcctInterimInterval)?.readUInt32BE()).toBe(300);
    expect(getVendorAttribute(response!, VendorId.Mikrotik, 8)?.toString()).toBe('100M/100M');
    expect(getString(response!, Attr.Class)).toMatch(/^radassoc:/);
  });

  it('accepts CHAP with and without CHAP-Challenge', async () => {
    for (const withChallenge of [true, false]) {
      const challenge = randomBytes(16);
      const ident = 7;
      const authenticator = randomBytes(16);
      const { createHash } = await import('node:crypto');
      const hash = createHash('md5').update(Buffer.from([ident])).update('alice-pass').update(withChallenge ? challenge : authenticator).digest();
      const attributes = [attr(Attr.UserName, 'alice'), attr(Attr.ChapPassword, Buffer.concat([Buffer.from([ident]), hash]))];
      if (withChallenge) attributes.push(attr(Attr.ChapChallenge, challenge));
      const { response } = await nas.request({ code: PacketCode.AccessRequest, attributes, authenticator }, t.auth);
      expect(response?.code).toBe(PacketCode.AccessAccept);
    }
  });

  it('accepts MS-CHAPv2 with MS-CHAP2-Success the peer can verify and both MPPE keys', async () => {
    const authChallenge = randomBytes(16);
    const peerChallenge = randomBytes(16);
    const ntResponse = generateNtResponse(authChallenge, peerChallenge, 'alice', ntPasswordHash('alice-pass'));
    const response50 = Buffer.concat([Buffer.from([9, 0]), peerChallenge, Buffer.alloc(8), ntResponse]);
    const vsa = (type: number, value: Buffer) => {
      const b = Buffer.alloc(6 + value.length);
      b.writeUInt32BE(VendorId.Microsoft);
      b[4] = type;
      b[5] = 2 + value.length;
      value.copy(b, 6);
      return attr(Attr.VendorSpecific, b);
    };
    const { response } = await nas.request(
      { code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'alice'), vsa(MsAttr.ChapChallenge, authChallenge), vsa(MsAttr.Chap2Response, response50)] },
      t.auth,
    );
    expect(response?.code).toBe(PacketCode.AccessAccept);
    const success = getVendorAttribute(response!, VendorId.Microsoft, MsAttr.Chap2Success)!;
    const expected = generateAuthenticatorResponse(ntPasswordHash('alice-pass'), ntResponse, peerChallenge, authChallenge, 'alice');
    expect(success[0]).toBe(9);
    expect(success.subarray(1).toString()).toBe(expected);
    expect(getVendorAttribute(response!, VendorId.Microsoft, MsAttr.MppeSendKey)?.length).toBe(34);
    expect(getVendorAttribute(response!, VendorId.Microsoft, MsAttr.MppeRecvKey)?.length).toBe(34);
  });

  it.each([
    ['a wrong password', 'alice', 'nope', 'bad-password'],
    ['an unknown user', 'mallory', 'whatever', 'unknown-user'],
    ['a suspended member', 'carol', 'carol-pass', 'suspended'],
  ] as const)('rejects %s with its own Reply-Message and logs the reason', async (_what, user, password, reason) => {
    const { response } = await nas.request(pap(user, password), t.auth);
    expect(response?.code).toBe(PacketCode.AccessReject);
    expect(response!.attributes[0]!.type).toBe(Attr.MessageAuthenticator);
    expect(getString(response!, Attr.ReplyMessage)).toBe(DEFAULT_REPLY_MESSAGES[reason]);
    await waitForLog(user, reason);
  });

  it('rejects a method the stored credential cannot serve (CHAP for a PAP-only member)', async () => {
    const attributes = [attr(Attr.UserName, 'bob'), attr(Attr.ChapPassword, Buffer.alloc(17, 1))];
    const { response } = await nas.request({ code: PacketCode.AccessRequest, attributes }, t.auth);
    expect(response?.code).toBe(PacketCode.AccessReject);
    expect(getString(response!, Attr.ReplyMessage)).toBe(DEFAULT_REPLY_MESSAGES['method-not-possible']);
    await waitForLog('bob', 'method-not-possible');
  });

  it('accepts PAP for a PAP-only member stored as a strong hash', async () => {
    const { response } = await nas.request(pap('bob', 'bob-pass'), t.auth);
    expect(response?.code).toBe(PacketCode.AccessAccept);
  });

  it('rejects a member at max-sessions once accounting shows a live session', async () => {
    expect((await nas.request(pap('dave', 'dave-pass'), t.auth)).response?.code).toBe(PacketCode.AccessAccept);
    const start = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 1), attr(Attr.AcctSessionId, 'dave-1'), attr(Attr.UserName, 'dave')] };
    expect((await nas.request(start, t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    const { response } = await nas.request(pap('dave', 'dave-pass'), t.auth);
    expect(response?.code).toBe(PacketCode.AccessReject);
    expect(getString(response!, Attr.ReplyMessage)).toBe(DEFAULT_REPLY_MESSAGES['too-many-sessions']);
  });

  it('applies a suspension made in the database within one second', async () => {
    await addMember('erin', 'erin-pass');
    await waitFor(() => t.daemon.directory.member('erin') !== undefined, 1000);
    expect((await nas.request(pap('erin', 'erin-pass'), t.auth)).response?.code).toBe(PacketCode.AccessAccept);
    await suspendMember(t.db, DEFAULT_TENANT_ID, 'erin', 'test');
    await waitFor(() => t.daemon.directory.member('erin')?.status === 'suspended', 1000);
    expect((await nas.request(pap('erin', 'erin-pass'), t.auth)).response?.code).toBe(PacketCode.AccessReject);
  });
});

describe('requests that get no answer', () => {
  it('drops a request from an unknown NAS silently and counts it', async () => {
    const stranger = await SimulatedNas.open(SECRET, '127.0.0.3');
    const before = t.daemon.metrics.drops['unknown-nas'];
    const { response } = await stranger.request(pap('alice', 'alice-pass'), t.auth, { timeoutMs: 300 });
    stranger.close();
    expect(response).toBeNull();
    expect(t.daemon.metrics.drops['unknown-nas']).toBe(before + 1);
  });

  it('drops an Access-Request without Message-Authenticator when the NAS requires it (BlastRADIUS)', async () => {
    const before = t.daemon.metrics.drops['missing-message-authenticator'];
    const { response } = await nas.request(pap('alice', 'alice-pass'), t.auth, { messageAuthenticator: false, timeoutMs: 300 });
    expect(response).toBeNull();
    expect(t.daemon.metrics.drops['missing-message-authenticator']).toBe(before + 1);
  });

  it('answers a NAS that does not require Message-Authenticator, but drops Proxy-State without one', async () => {
    expect((await legacy.request(pap('alice', 'alice-pass'), t.auth, { messageAuthenticator: false })).response?.code).toBe(PacketCode.AccessAccept);
    const spec = { code: PacketCode.AccessRequest, attributes: [...pap('alice', 'alice-pass').attributes, attr(Attr.ProxyState, 'p1')] };
    expect((await legacy.request(spec, t.auth, { messageAuthenticator: false, timeoutMs: 300 })).response).toBeNull();
  });

  it('drops a request whose Message-Authenticator does not verify', async () => {
    const bytes = encodeRequest({ ...pap('alice', 'alice-pass'), identifier: 77 }, SECRET);
    bytes[bytes.length - 1]! ^= 0xff; // corrupt the password, so the HMAC no longer matches
    const before = t.daemon.metrics.drops['bad-message-authenticator'];
    expect(await nas.sendRaw(bytes, t.auth, 300)).toBeNull();
    expect(t.daemon.metrics.drops['bad-message-authenticator']).toBe(before + 1);
  });

  it('drops an Accounting-Request sent to the authentication port', async () => {
    const spec = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 1), attr(Attr.AcctSessionId, 'x')] };
    expect((await nas.request(spec, t.auth, { timeoutMs: 300 })).response).toBeNull();
  });
});

describe('duplicates and Status-Server', () => {
  it('answers a retransmission from the cache without evaluating it again (RFC 5080)', async () => {
    const bytes = encodeRequest({ ...pap('alice', 'alice-pass'), identifier: 200 }, SECRET);
    const first = await nas.sendRaw(bytes, t.auth);
    const replayed = t.daemon.metrics.duplicatesReplayed;
    const second = await nas.sendRaw(bytes, t.auth);
    expect(second).toEqual(first);
    expect(t.daemon.metrics.duplicatesReplayed).toBe(replayed + 1);
  });

  it('answers Status-Server on both ports (RFC 5997)', async () => {
    const status = { code: PacketCode.StatusServer, attributes: [] };
    expect((await nas.request(status, t.auth)).response?.code).toBe(PacketCode.AccessAccept);
    expect((await nas.request(status, t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
  });
});

async function waitForLog(user: string, reason: string): Promise<void> {
  const end = Date.now() + 3000;
  for (;;) {
    const rows = await recentAuthLog(t.db, DEFAULT_TENANT_ID, user, 5);
    if (rows.some((r) => r.reason === reason)) return;
    if (Date.now() > end) throw new Error(`no auth log entry for ${user} with ${reason}: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
