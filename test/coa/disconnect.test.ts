/**
 * Disconnect and CoA for live sessions against simulated NAS on loopback,
 * with every attempt recorded in disconnect_log (real PostgreSQL).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CoaClient } from '../../src/coa/client.js';
import { describeAttempt, disconnectSessions, pushChange, type CoaDeps } from '../../src/coa/disconnect.js';
import type { Db } from '../../src/db/db.js';
import { recentDisconnects } from '../../src/db/disconnect-log.js';
import { getMember, insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { insertPlan } from '../../src/db/plans.js';
import { Attr, PacketCode, VendorId } from '../../src/protocol/codes.js';
import { getAttribute, getVendorAttribute } from '../../src/protocol/packet.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { liveSession, silentLog } from '../lifecycle/fixtures.js';
import { SimulatedDas } from './simulated-das.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const MT_SECRET = 'mikrotik-secret-of-32-octets-xyz';
const CISCO_SECRET = 'cisco-secret-of-32-octets-abcdef';
let db: Db;
let mikrotik: SimulatedDas;
let cisco: SimulatedDas;
let deps: CoaDeps;

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  mikrotik = await SimulatedDas.open(MT_SECRET, '127.0.0.1');
  cisco = await SimulatedDas.open(CISCO_SECRET, '127.0.0.2');
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: MT_SECRET, coaPort: mikrotik.port, disconnectProfile: 'mikrotik' });
  await insertNas(db, { name: 'lns1', address: '127.0.0.2/32', secret: CISCO_SECRET, coaPort: cisco.port, disconnectProfile: 'cisco', supportsCoa: true });
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'fibre-100', attributes: [{ name: 'Session-Timeout', value: '86400' }, { name: 'Mikrotik-Rate-Limit', value: '100M/100M' }] });
  await insertMember(db, DEFAULT_TENANT_ID, newMember('alice', { plan: 'fibre-100' }));
  deps = { db, coa: new CoaClient({ timeoutsMs: [40, 80, 160] }), log: silentLog, actor: 'tester' };
});

afterAll(async () => {
  await deps?.coa.close();
  mikrotik?.close();
  cisco?.close();
  await db?.close();
});

beforeEach(() => {
  mikrotik.reset();
  cisco.reset();
});

const alice = async () => (await getMember(db, DEFAULT_TENANT_ID, 'alice'))!;

describe('disconnectSessions', () => {
  it('sends each NAS a correctly signed Disconnect-Request naming the session its way, and records the ACK', async () => {
    const sessions = [liveSession({ uniqueId: 'a1' }), liveSession({ uniqueId: 'a2', nas: 'lns1', acctSessionId: 'cisco-9', framedIp: '198.51.100.7' })];
    const attempts = await disconnectSessions(deps, sessions, 'test reason');
    expect(attempts.map((a) => [a.nas, a.outcome, a.attempts])).toEqual([['bras1', 'ack', 1], ['lns1', 'ack', 1]]);

    const [mt] = mikrotik.requests(PacketCode.DisconnectRequest);
    expect(mt).toMatchObject({ authenticatorValid: true, messageAuthenticator: 'valid', userName: 'alice', acctSessionId: '81000001', framedIp: '192.0.2.10' });
    const [ci] = cisco.requests(PacketCode.DisconnectRequest);
    expect(ci).toMatchObject({ authenticatorValid: true, messageAuthenticator: 'valid', userName: 'alice', acctSessionId: 'cisco-9', framedIp: undefined, nasIp: undefined });

    const log = await recentDisconnects(db, 'alice', 10);
    expect(log.slice(0, 2).map((e) => [e.nas, e.kind, e.outcome, e.actor, e.reason]).sort()).toEqual([
      ['bras1', 'disconnect', 'ack', 'tester', 'test reason'],
      ['lns1', 'disconnect', 'ack', 'tester', 'test reason'],
    ]);
  });

  it('records a NAK with its Error-Cause and a timeout with its attempts', async () => {
    mikrotik.reset({ answer: 'nak', errorCause: 503 });
    cisco.reset({ answer: 'silent' });
    const attempts = await disconnectSessions(deps, [liveSession({ uniqueId: 'b1' }), liveSession({ uniqueId: 'b2', nas: 'lns1' })], 'nak and silence');
    expect(attempts.map((a) => [a.outcome, a.errorCause, a.attempts])).toEqual([['nak', 503, 1], ['timeout', null, 3]]);
    expect(describeAttempt(attempts[0]!)).toMatch(/does not know this session .*503 Session-Context-Not-Found/);
    expect(describeAttempt(attempts[1]!)).toMatch(/no answer from the NAS after 3 attempts/);
    const log = await recentDisconnects(db, 'alice', 2);
    expect(log.map((e) => e.outcome).sort()).toEqual(['nak', 'timeout']);
    expect(log.find((e) => e.outcome === 'nak')?.errorCause).toBe(503);
    expect(log.find((e) => e.outcome === 'timeout')?.attempts).toBe(3);
  });

  it('records, without sending, a session of a NAS that no longer exists', async () => {
    const [a] = await disconnectSessions(deps, [liveSession({ uniqueId: 'c1', nas: 'gone' })], 'x');
    expect(a).toMatchObject({ outcome: 'error', attempts: 0 });
    expect(a!.detail).toMatch(/NAS gone is not configured/);
    expect(mikrotik.received).toHaveLength(0);
  });

  it('warns when a MikroTik session never reported its Framed-IP-Address', async () => {
    const [a] = await disconnectSessions(deps, [liveSession({ uniqueId: 'd1', framedIp: null })], 'x');
    expect(a!.outcome).toBe('ack');
    expect(a!.detail).toMatch(/never carried Framed-IP-Address/);
  });
});

describe('pushChange', () => {
  it('sends the plan as a CoA-Request where the NAS supports it, else disconnects', async () => {
    const sessions = [liveSession({ uniqueId: 'e1' }), liveSession({ uniqueId: 'e2', nas: 'lns1' })];
    const attempts = await pushChange(deps, await alice(), sessions, 'plan changed');
    expect(attempts.map((a) => [a.nas, a.kind, a.outcome]).sort()).toEqual([['bras1', 'disconnect', 'ack'], ['lns1', 'coa', 'ack']]);
    const [coa] = cisco.requests(PacketCode.CoaRequest);
    expect(coa!.authenticatorValid).toBe(true);
    expect(getAttribute(coa!.packet, Attr.SessionTimeout)?.readUInt32BE()).toBe(86400);
    expect(getVendorAttribute(coa!.packet, VendorId.Mikrotik, 8)?.toString()).toBe('100M/100M');
    expect(mikrotik.requests(PacketCode.DisconnectRequest)).toHaveLength(1);
  });

  it('falls back to a Disconnect-Request when the NAS refuses the CoA', async () => {
    cisco.reset({ answer: 'nak', errorCause: 401 });
    const attempts = await pushChange(deps, await alice(), [liveSession({ uniqueId: 'f1', nas: 'lns1' })], 'plan changed');
    expect(attempts.map((a) => [a.kind, a.outcome])).toEqual([['coa', 'nak'], ['disconnect', 'nak']]);
    expect(cisco.received.map((r) => r.packet.code)).toEqual([PacketCode.CoaRequest, PacketCode.DisconnectRequest]);
  });

  it('disconnects for an address change even where CoA is supported (RFC 5176 §3: Framed-IP-Address identifies the session)', async () => {
    const attempts = await pushChange(deps, await alice(), [liveSession({ uniqueId: 'g1', nas: 'lns1' })], 'address changed', { addressChanged: true });
    expect(attempts.map((a) => a.kind)).toEqual(['disconnect']);
  });
});
