/**
 * Two associations with the same user names on one daemon, probed over UDP as
 * an attacker would: a NAS of A asked for B's member, a realm typed in another
 * case, a shared NAS asked without a realm or for a realm it does not carry,
 * the same name and plan name in both tenants, a lockout in one that must not
 * lock the other, an access line of B sent to A's NAS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNas } from '../../src/db/nas.js';
import { DEFAULT_REPLY_MESSAGES } from '../../src/config/schema.js';
import type { TenantRef } from '../../src/domain/tenant.js';
import { Attr, PacketCode, VendorId } from '../../src/protocol/codes.js';
import { describeAttributes } from '../../src/protocol/attribute-text.js';
import { getAttributes, getString, type RadiusPacket } from '../../src/protocol/packet.js';
import { saltDecrypt } from '../../src/protocol/salt-crypt.js';
import { vendorAttribute } from '../../src/protocol/vsa.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { addMemberIn, addPlanIn, addTenant, authLogOf, waitFor } from './fixtures.js';

const A_SECRET = 'asso-a-bras-secret-0123456789abcdef';
const SHARED_SECRET = 'collecte-lac-secret-0123456789abcdef';
const A_BAD_PASSWORD = 'Identifiant ou mot de passe incorrect (asso A).';
const TUNNELS = [
  { name: 'Tunnel-Type:1', value: 'L2TP' },
  { name: 'Tunnel-Medium-Type:1', value: 'IPv4' },
  { name: 'Tunnel-Server-Endpoint:1', value: '192.0.2.10' },
  { name: 'Tunnel-Password:1', value: 'lns1-tunnel-secret' },
  { name: 'Tunnel-Assignment-Id:1', value: 'asso-b-lns1' },
  { name: 'Tunnel-Preference:1', value: '1' },
  { name: 'Tunnel-Client-Auth-Id:1', value: 'federation-lac' },
  { name: 'Tunnel-Type:2', value: 'L2TP' },
  { name: 'Tunnel-Medium-Type:2', value: 'IPv4' },
  { name: 'Tunnel-Server-Endpoint:2', value: '192.0.2.11' },
  { name: 'Tunnel-Password:2', value: 'lns2-tunnel-secret' },
  { name: 'Tunnel-Preference:2', value: '2' },
  // The tenant says one hour; B's plan says two and wins for its members.
  { name: 'Session-Timeout', value: '3600' },
];

let t: TestDaemon;
let a: TenantRef;
let b: TenantRef;
let ownNas: SimulatedNas;
let sharedNas: SimulatedNas;

beforeAll(async () => {
  const { db, url } = await freshDb();
  a = await addTenant(db, 'asso-a', { realms: ['a.example'], settings: { replyMessages: { 'bad-password': A_BAD_PASSWORD }, lockoutThreshold: 2 } });
  b = await addTenant(db, 'asso-b', { realms: ['b.example'], attributes: TUNNELS });
  const c = await addTenant(db, 'asso-c', { realms: ['c.example'] });
  // The same plan name in both, with different attributes.
  await addPlanIn(db, a, 'fibre', [{ name: 'Session-Timeout', value: '1800' }, { name: 'Filter-Id', value: 'a-fibre' }]);
  await addPlanIn(db, b, 'fibre', [{ name: 'Session-Timeout', value: '7200' }, { name: 'Filter-Id', value: 'b-fibre' }]);
  await addMemberIn(db, a, 'alice', 'alice-of-a', { plan: 'fibre' });
  await addMemberIn(db, b, 'alice', 'alice-of-b', { plan: 'fibre' });
  await addMemberIn(db, b, 'bob', 'bob-of-b', { plan: 'fibre' });
  await addMemberIn(db, c, 'carol', 'carol-of-c');
  await addMemberIn(db, a, 'dave', 'dave-of-a');
  await addMemberIn(db, b, 'dave', 'dave-of-b');
  // Access lines (RFC 4679): erin's in A; the same circuit text bound in both A and B; one of B only.
  await addMemberIn(db, a, 'erin', 'erin-of-a', { plan: 'fibre', line: 'olt1 eth 1/1/1:5' });
  await addMemberIn(db, a, 'frank', 'frank-of-a', { line: 'lac-port-9' });
  await addMemberIn(db, b, 'frank', 'frank-of-b', { line: 'lac-port-9' });
  await addMemberIn(db, b, 'gina', 'gina-of-b', { line: 'olt7 eth 1/1/7:1' });
  await insertNas(db, { name: 'bras-a', address: '127.0.0.1/32', secret: A_SECRET, tenancy: { owner: a.id } });
  await insertNas(db, { name: 'lac', address: '127.0.0.2/32', secret: SHARED_SECRET, tenancy: { carries: [a.id, b.id] } });
  await db.close();
  t = await startTestDaemon(url, { lockout: { userThreshold: 10, nasThreshold: 1000, windowSeconds: 60 } });
  ownNas = await SimulatedNas.open(A_SECRET, '127.0.0.1');
  sharedNas = await SimulatedNas.open(SHARED_SECRET, '127.0.0.2', '127.0.0.1');
});

afterAll(async () => {
  ownNas?.close();
  sharedNas?.close();
  await t?.stop();
});

async function pap(nas: SimulatedNas, user: string, password: string, extra: ReturnType<typeof attr>[] = []): Promise<{ response: RadiusPacket; authenticator: Buffer }> {
  const { response, sent } = await nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password), ...extra] }, t.auth);
  if (!response) throw new Error(`no answer for ${user}`);
  return { response, authenticator: sent.subarray(4, 20) };
}

const seconds = (p: RadiusPacket): number[] => getAttributes(p, Attr.SessionTimeout).map((v) => v.readUInt32BE(0));
const message = (p: RadiusPacket): string | undefined => getString(p, Attr.ReplyMessage);
const tunnelNames = (p: RadiusPacket): string[] => describeAttributes(p.attributes).map((d) => d.name).filter((n) => n.startsWith('Tunnel-'));

describe("a NAS owned by one association", () => {
  it("serves a bare name as its own tenant's member, with its own plan", async () => {
    const { response } = await pap(ownNas, 'alice', 'alice-of-a');
    expect(response.code).toBe(PacketCode.AccessAccept);
    expect(seconds(response)).toEqual([1800]);
    expect(getString(response, Attr.FilterId)).toBe('a-fibre');
    expect(tunnelNames(response)).toEqual([]);
  });

  it("refuses the other association's password for the same name, with its own tenant's words", async () => {
    const { response } = await pap(ownNas, 'alice', 'alice-of-b');
    expect(response.code).toBe(PacketCode.AccessReject);
    expect(message(response)).toBe(A_BAD_PASSWORD);
  });

  it("answers a name only the other association has exactly as a wrong password", async () => {
    const { response } = await pap(ownNas, 'bob', 'bob-of-b');
    expect(response.code).toBe(PacketCode.AccessReject);
    expect(message(response)).toBe(A_BAD_PASSWORD);
  });

  it("refuses a member of the other association asked by realm, in any case, with its own reason", async () => {
    for (const user of ['bob@b.example', 'bob@B.Example', 'alice@B.EXAMPLE']) {
      const { response } = await pap(ownNas, user, user.startsWith('bob') ? 'bob-of-b' : 'alice-of-b');
      expect(response.code, user).toBe(PacketCode.AccessReject);
      expect(message(response)).toBe(DEFAULT_REPLY_MESSAGES['realm-not-served']);
    }
  });

  it('accepts its own realm typed in another case, stripped before the lookup', async () => {
    const { response } = await pap(ownNas, 'alice@A.Example', 'alice-of-a');
    expect(response.code).toBe(PacketCode.AccessAccept);
    expect(getString(response, Attr.FilterId)).toBe('a-fibre');
  });
});

describe('a NAS shared by the deployment', () => {
  it('routes alice@a and alice@b to two members with two plans, and only B gets its tunnels', async () => {
    const ofA = await pap(sharedNas, 'alice@a.example', 'alice-of-a');
    expect(ofA.response.code).toBe(PacketCode.AccessAccept);
    expect(getString(ofA.response, Attr.FilterId)).toBe('a-fibre');
    expect(tunnelNames(ofA.response)).toEqual([]);

    const ofB = await pap(sharedNas, 'alice@b.example', 'alice-of-b');
    expect(ofB.response.code).toBe(PacketCode.AccessAccept);
    expect(getString(ofB.response, Attr.FilterId)).toBe('b-fibre');
    // The tenant's Session-Timeout gave way to the plan's: one value, the plan's.
    expect(seconds(ofB.response)).toEqual([7200]);
    expect(tunnelNames(ofB.response)).toEqual([
      'Tunnel-Type:1', 'Tunnel-Medium-Type:1', 'Tunnel-Server-Endpoint:1', 'Tunnel-Password:1', 'Tunnel-Assignment-Id:1',
      'Tunnel-Preference:1', 'Tunnel-Client-Auth-Id:1', 'Tunnel-Type:2', 'Tunnel-Medium-Type:2', 'Tunnel-Server-Endpoint:2',
      'Tunnel-Password:2', 'Tunnel-Preference:2',
    ]);
    const passwords = getAttributes(ofB.response, Attr.TunnelPassword);
    expect(passwords.map((v) => v[0])).toEqual([1, 2]);
    // RFC 2868 §3.5: Tag, Salt with its high bit set, then the encrypted length and password.
    for (const v of passwords) expect(v[1]! & 0x80).toBe(0x80);
    expect(passwords.map((v) => saltDecrypt(v.subarray(1), SHARED_SECRET, ofB.authenticator)?.toString())).toEqual(['lns1-tunnel-secret', 'lns2-tunnel-secret']);
    expect(ofB.response.attributes.some((x) => x.value.includes(Buffer.from('lns1-tunnel-secret')))).toBe(false);
  });

  it("refuses one association's password for the other's member of the same name", async () => {
    const { response } = await pap(sharedNas, 'alice@b.example', 'alice-of-a');
    expect(response.code).toBe(PacketCode.AccessReject);
    expect(message(response)).toBe(DEFAULT_REPLY_MESSAGES['bad-password']);
  });

  it('refuses a name without realm, and a realm it does not carry or nobody has, each with its reason', async () => {
    const bare = await pap(sharedNas, 'alice', 'alice-of-a');
    expect(bare.response.code).toBe(PacketCode.AccessReject);
    expect(message(bare.response)).toBe(DEFAULT_REPLY_MESSAGES['realm-missing']);
    for (const user of ['carol@c.example', 'carol@C.EXAMPLE', 'alice@nowhere.example']) {
      const { response } = await pap(sharedNas, user, 'carol-of-c');
      expect(response.code, user).toBe(PacketCode.AccessReject);
      expect(message(response)).toBe(DEFAULT_REPLY_MESSAGES['realm-not-served']);
    }
  });
});

describe('access lines (RFC 4679)', () => {
  const circuit = (id: string) => vendorAttribute(VendorId.DslForum, 1, Buffer.from(id));

  it("routes by Agent-Circuit-Id to the line's member whatever the User-Name, and still checks its password", async () => {
    const ok = await pap(ownNas, 'anything-the-cpe-sends', 'erin-of-a', [circuit('olt1 eth 1/1/1:5')]);
    expect(ok.response.code).toBe(PacketCode.AccessAccept);
    expect(getString(ok.response, Attr.FilterId)).toBe('a-fibre');
    const wrong = await pap(ownNas, 'erin', 'not-erins', [circuit('olt1 eth 1/1/1:5')]);
    expect(wrong.response.code).toBe(PacketCode.AccessReject);
    expect(message(wrong.response)).toBe(A_BAD_PASSWORD);
  });

  it('routes by NAS-Port-Id too', async () => {
    const { response } = await pap(ownNas, 'cpe', 'erin-of-a', [attr(Attr.NasPortId, 'olt1 eth 1/1/1:5')]);
    expect(response.code).toBe(PacketCode.AccessAccept);
  });

  it("ignores a line of the other association sent to this association's NAS", async () => {
    const { response } = await pap(ownNas, 'gina', 'gina-of-b', [circuit('olt7 eth 1/1/7:1')]);
    expect(response.code).toBe(PacketCode.AccessReject);
    expect(message(response)).toBe(A_BAD_PASSWORD);
  });

  it('on a shared NAS, a line bound in two associations needs the realm to say which', async () => {
    const port = attr(Attr.NasPortId, 'lac-port-9');
    const none = await pap(sharedNas, 'frank', 'frank-of-b', [port]);
    expect(none.response.code).toBe(PacketCode.AccessReject);
    expect(message(none.response)).toBe(DEFAULT_REPLY_MESSAGES['line-ambiguous']);
    const ofB = await pap(sharedNas, 'frank@b.example', 'frank-of-b', [port]);
    expect(ofB.response.code).toBe(PacketCode.AccessAccept);
    expect(tunnelNames(ofB.response)).toContain('Tunnel-Type:1');
    const gina = await pap(sharedNas, 'whoever', 'gina-of-b', [circuit('olt7 eth 1/1/7:1')]);
    expect(gina.response.code).toBe(PacketCode.AccessAccept);
  });
});

describe('what one association does cannot lock out or log into the other', () => {
  it("locks dave out in A after A's own threshold, while dave of B still logs in", async () => {
    for (let i = 0; i < 2; i++) expect((await pap(ownNas, 'dave', 'guess')).response.code).toBe(PacketCode.AccessReject);
    await waitFor(async () => message((await pap(ownNas, 'dave', 'dave-of-a')).response) === DEFAULT_REPLY_MESSAGES['locked-out'], 2000, 'dave of A locked out');
    const ofB = await pap(sharedNas, 'dave@b.example', 'dave-of-b');
    expect(ofB.response.code).toBe(PacketCode.AccessAccept);
  });

  it('writes each decision with the tenant it was routed to, and none where routing refused it', async () => {
    await t.daemon.stop();
    const alice = await authLogOf(t.db, 'alice');
    expect(alice.filter((r) => r.result === 'accept').map((r) => r.tenant_id).sort()).toEqual([a.id, a.id, a.id, b.id].sort());
    expect(alice.filter((r) => r.reason === 'bad-password').map((r) => r.tenant_id).sort()).toEqual([a.id, b.id].sort());
    expect(alice.filter((r) => r.reason === 'realm-missing').map((r) => r.tenant_id)).toEqual([null]);
    expect((await authLogOf(t.db, 'bob@b.example')).map((r) => [r.tenant_id, r.reason])).toEqual([[null, 'realm-not-served']]);
    const dave = await authLogOf(t.db, 'dave');
    expect(dave.filter((r) => r.reason === 'bad-password').map((r) => r.tenant_id)).toEqual([a.id, a.id]);
    expect(dave.filter((r) => r.result === 'accept' && r.tenant_id === b.id)).toHaveLength(1);
    const erin = await authLogOf(t.db, 'erin');
    expect(erin.map((r) => [r.tenant_id, r.result])).toEqual([[a.id, 'accept'], [a.id, 'reject'], [a.id, 'accept']]);
  });
});
