/**
 * Brute force against the running daemons over UDP: a user name locked out
 * after repeated failures (on every daemon sharing Redis), unknown names
 * locked the same way, and a NAS over its failure threshold rate-limited
 * while the other NAS is served as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { insertNas } from '../../src/db/nas.js';
import { recentAuthLog } from '../../src/db/auth-log.js';
import { DEFAULT_REPLY_MESSAGES } from '../../src/config/schema.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { encodeRequest } from '../../src/protocol/encode.js';
import { getString } from '../../src/protocol/packet.js';
import { freshDb } from '../support/daemon.js';
import { redisPrefix } from '../support/database.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { startHardenedDaemon, waitFor, type HardenedDaemon } from './support/daemon.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'lockout-nas-secret-of-32-octets!';
const BUSY_SECRET = 'busy-bras-secret-of-32-octets-ok';
const lockout = { userThreshold: 3, nasThreshold: 20, windowSeconds: 30 };
let one: HardenedDaemon;
let two: HardenedDaemon;
let nas: SimulatedNas;

const pap = (user: string, password: string) => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] });

beforeAll(async () => {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras', address: '127.0.0.1/32', secret: SECRET });
  await insertNas(db, { name: 'busy-bras', address: '127.0.0.2/32', secret: BUSY_SECRET });
  await db.close();
  // Two daemons sharing one Redis key space, as two copies behind the NAS's server list.
  const overrides = { lockout, redisKeyPrefix: redisPrefix() };
  [one, two] = await Promise.all([startHardenedDaemon({ databaseUrl: url, overrides }), startHardenedDaemon({ databaseUrl: url, overrides })]);
  await one.addMember('alice', 'alice-pass');
  await one.addMember('bob', 'bob-pass');
  await waitFor(() => two.daemon.directory.member('bob') !== undefined, 3000, 'members on the second daemon');
  nas = await SimulatedNas.open(SECRET, '127.0.0.1');
});

afterAll(async () => {
  nas?.close();
  await Promise.all([one?.stop(), two?.stop()]);
});

async function replyTo(port: number, user: string, password: string): Promise<string | undefined> {
  const { response } = await nas.request(pap(user, password), port);
  expect(response?.code).toBe(PacketCode.AccessReject);
  return getString(response!, Attr.ReplyMessage);
}

describe('brute force', () => {
  it('locks a user name out after repeated wrong passwords, on every daemon, and says why', async () => {
    for (let i = 0; i < lockout.userThreshold; i++) expect(await replyTo(one.auth, 'alice', `guess-${i}`)).toBe(DEFAULT_REPLY_MESSAGES['bad-password']);
    // The count comes back from Redis a round trip after the failure that tips it: probe with a wrong password till then.
    await waitFor(async () => (await replyTo(one.auth, 'alice', 'probe')) === DEFAULT_REPLY_MESSAGES['locked-out'], 2000, 'locked out');
    expect(await replyTo(one.auth, 'alice', 'alice-pass')).toBe(DEFAULT_REPLY_MESSAGES['locked-out']);
    // The second daemon saw none of the failures: the lock reached it through Redis.
    expect(await replyTo(two.auth, 'alice', 'alice-pass')).toBe(DEFAULT_REPLY_MESSAGES['locked-out']);
    await waitFor(async () => (await recentAuthLog(one.db, DEFAULT_TENANT_ID, 'alice', 5)).some((r) => r.reason === 'locked-out'), 3000, 'locked-out in the authentication log');
    expect(one.log.find('locked out').length + two.log.find('locked out').length).toBe(1);
    // Another member is not affected.
    expect((await nas.request(pap('bob', 'bob-pass'), two.auth)).response?.code).toBe(PacketCode.AccessAccept);
  });

  it('locks an unknown name exactly as it locks a member, so the lockout does not reveal which names exist', async () => {
    const replies: Array<string | undefined> = [];
    for (let i = 0; i <= lockout.userThreshold; i++) replies.push(await replyTo(i % 2 ? one.auth : two.auth, 'ghost', `guess-${i}`));
    await waitFor(async () => (await replyTo(one.auth, 'ghost', 'x')) === DEFAULT_REPLY_MESSAGES['locked-out'], 2000, 'ghost locked out');
    expect(replies.slice(0, lockout.userThreshold)).toEqual(Array(lockout.userThreshold).fill(DEFAULT_REPLY_MESSAGES['unknown-user']));
    expect(DEFAULT_REPLY_MESSAGES['unknown-user']).toBe(DEFAULT_REPLY_MESSAGES['bad-password']);
  });

  it('rate-limits a NAS over its failure threshold instead of rejecting it, and leaves the other NAS alone', async () => {
    const busy = await SimulatedNas.open(BUSY_SECRET, '127.0.0.2');
    for (let i = 0; i < lockout.nasThreshold; i++) await busy.request(pap(`sprayed-${i}`, 'x'), one.auth);
    busy.close();
    await waitFor(() => one.log.find('failed-login threshold').length > 0, 2000, 'NAS throttled');
    const before = one.daemon.metrics.drops.overload;
    const burst = await sendBurst('127.0.0.2', BUSY_SECRET, 300, one.auth);
    const overload = one.daemon.metrics.drops.overload - before;
    expect(overload).toBeGreaterThan(100);
    expect(burst.answered).toBeGreaterThan(0); // throttled, still served: its members still get through
    expect(burst.answered + overload).toBe(300);
    const quiet = await sendBurst('127.0.0.1', SECRET, 50, one.auth);
    expect(quiet.answered).toBe(50);
  });
});

/** Sends `n` distinct requests for bob at once from `host`; counts the answers that arrive within a second. */
async function sendBurst(host: string, secret: string, n: number, port: number): Promise<{ answered: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  let answered = 0;
  socket.on('message', () => answered++);
  for (let i = 0; i < n; i++) socket.send(encodeRequest({ ...pap('bob', 'bob-pass'), identifier: i & 0xff }, secret), port, '127.0.0.1');
  await new Promise((r) => setTimeout(r, 1000));
  socket.close();
  return { answered };
}
