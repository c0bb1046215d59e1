/**
 * Secrets never reach a log line (design.md "Passwords", style.md 13): a
 * daemon at log level debug, through the production logger with its
 * redaction, is taken through every flow a NAS can drive — accepts and
 * rejects by each method, lockout, drops, accounting, Status-Server, Redis
 * going away and coming back, shutdown — and no captured line holds a shared
 * secret, a member's password (right or guessed), an NT hash, or the
 * password of a database or Redis URL, in clear, hex or base64.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { deriveCredential } from '../../src/auth/credentials.js';
import { generateNtResponse, ntPasswordHash } from '../../src/auth/mschap.js';
import { insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { Attr, MsAttr, PacketCode, VendorId } from '../../src/protocol/codes.js';
import { encodeRequest } from '../../src/protocol/encode.js';
import { freshDb } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { startRedis, type RedisServer } from '../support/services.js';
import { vsa } from './support/packets.js';
import { startHardenedDaemon, waitFor, type HardenedDaemon } from './support/daemon.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const NAS_SECRET = 'Nas-Secret-Xq7Lm2Vp9Rt4Wz8Ks3Hd';
const LEGACY_SECRET = 'Legacy-Jf6Bn1Cy5';
const MEMBER_PW = 'Member-Pw-Tg3Ux8';
const PAP_ONLY_PW = 'PapOnly-Pw-Ze5Qa1';
const GUESSES = ['Guess-Pw-Mo4Ir7', 'Guess-Pw-Ka2Wy6', 'Guess-Pw-Lu8Fe3'];
const PG_PW = 'Pg-Url-Pw-Bx9Nc4';
const REDIS_PW = 'Redis-Url-Pw-Hv2Sj5';

let redis: RedisServer;
let t: HardenedDaemon;
let nas: SimulatedNas;
let legacy: SimulatedNas;

beforeAll(async () => {
  redis = await startRedis();
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras', address: '127.0.0.1/32', secret: NAS_SECRET });
  await insertNas(db, { name: 'modems', address: '127.0.0.2/32', secret: LEGACY_SECRET, requireMessageAuthenticator: false });
  await insertMember(db, DEFAULT_TENANT_ID, { username: 'alice', credential: deriveCredential(MEMBER_PW, ['pap', 'chap', 'mschapv1', 'mschapv2']), authMethods: ['pap', 'chap', 'mschapv1', 'mschapv2'], maxSessions: 5 });
  await insertMember(db, DEFAULT_TENANT_ID, { username: 'bob', credential: deriveCredential(PAP_ONLY_PW, ['pap']), authMethods: ['pap'] });
  await db.close();
  // Trust authentication and a Redis without requirepass ignore these passwords, but the URLs carry them all along.
  t = await startHardenedDaemon({
    databaseUrl: url.replace('postgres@', `postgres:${PG_PW}@`),
    redisUrl: redis.url.replace('redis://', `redis://:${REDIS_PW}@`),
    logLevel: 'debug',
    overrides: { lockout: { userThreshold: 3, nasThreshold: 1000, windowSeconds: 60 } },
  });
  nas = await SimulatedNas.open(NAS_SECRET, '127.0.0.1');
  legacy = await SimulatedNas.open(LEGACY_SECRET, '127.0.0.2');
});

afterAll(async () => {
  nas?.close();
  legacy?.close();
  await t?.stop();
  await redis?.destroy();
});

const pap = (user: string, password: string) => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] });
const acct = (status: number, extra: ReturnType<typeof attr>[] = []) => ({ code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, status), attr(Attr.AcctSessionId, 'sess-1'), attr(Attr.UserName, 'alice'), ...extra] });

function chap(password: string) {
  const challenge = randomBytes(16);
  const hash = createHash('md5').update(Buffer.from([1])).update(password).update(challenge).digest();
  return { code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'alice'), attr(Attr.ChapPassword, Buffer.concat([Buffer.from([1]), hash])), attr(Attr.ChapChallenge, challenge)] };
}

function mschapv2(password: string) {
  const challenge = randomBytes(16);
  const peer = randomBytes(16);
  const nt = generateNtResponse(challenge, peer, 'alice', ntPasswordHash(password));
  return { code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'alice'), vsa(VendorId.Microsoft, MsAttr.ChapChallenge, challenge), vsa(VendorId.Microsoft, MsAttr.Chap2Response, Buffer.concat([Buffer.from([1, 0]), peer, Buffer.alloc(8), nt]))] };
}

/** Every form a secret could take in a log line. */
function forms(secret: string): string[] {
  const b = Buffer.from(secret);
  return [secret, b.toString('hex'), b.toString('base64').replace(/=+$/, ''), JSON.stringify(secret).slice(1, -1)];
}

describe('secrets in the log', () => {
  it('never writes a secret or a password, at debug level, through every flow', async () => {
    const expectCode = async (spec: Parameters<SimulatedNas['request']>[0], code: number | null, via = nas, port = t.auth): Promise<void> => {
      expect((await via.request(spec, port, { timeoutMs: code === null ? 600 : 2000 })).response?.code ?? null).toBe(code);
    };
    await expectCode(pap('alice', MEMBER_PW), PacketCode.AccessAccept);
    await expectCode(pap('bob', PAP_ONLY_PW), PacketCode.AccessAccept);
    await expectCode(chap(MEMBER_PW), PacketCode.AccessAccept);
    await expectCode(mschapv2(MEMBER_PW), PacketCode.AccessAccept);
    await expectCode(pap('alice', MEMBER_PW), PacketCode.AccessAccept, legacy);
    for (const guess of GUESSES) await expectCode(pap('bob', guess), PacketCode.AccessReject);
    await expectCode(mschapv2(GUESSES[0]!), PacketCode.AccessReject);
    await expectCode(pap('nobody', GUESSES[1]!), PacketCode.AccessReject);
    await waitFor(async () => (await nas.request(pap('bob', PAP_ONLY_PW), t.auth)).response?.attributes.some((a) => a.value.toString().includes('Too many')) ?? false, 2000, 'bob locked out');

    // Dropped: signed with another secret, from an unknown address, broken framing, a response to the server port.
    const forged = encodeRequest({ ...pap('alice', MEMBER_PW), identifier: 9 }, `${NAS_SECRET}-not`);
    expect(await nas.sendRaw(forged, t.auth, 400)).toBeNull();
    const stranger = await SimulatedNas.open(NAS_SECRET, '127.0.0.3');
    await expectCode(pap('alice', MEMBER_PW), null, stranger);
    stranger.close();
    expect(await nas.sendRaw(forged.subarray(0, 30), t.auth, 300)).toBeNull();
    const response = Buffer.from(forged);
    response[0] = PacketCode.AccessAccept;
    expect(await nas.sendRaw(response, t.auth, 300)).toBeNull();

    await expectCode(acct(1, [attr(Attr.Class, 'radassoc:x')]), PacketCode.AccountingResponse, nas, t.acct);
    await expectCode(acct(3, [attr(Attr.AcctInputOctets, 1000)]), PacketCode.AccountingResponse, nas, t.acct);
    await expectCode({ code: PacketCode.StatusServer, attributes: [] }, PacketCode.AccessAccept);

    // Redis away: the store and the guard log their errors; accounting goes unanswered; then it is back.
    await redis.stop();
    await expectCode(pap('alice', MEMBER_PW), PacketCode.AccessAccept);
    await expectCode(pap('nobody', GUESSES[2]!), PacketCode.AccessReject);
    const stop = await nas.request(acct(2), t.acct, { timeoutMs: 1500 });
    expect(stop.response).toBeNull();
    await redis.start();
    await waitFor(async () => (await nas.sendRaw(stop.sent, t.acct, 500)) !== null, 15_000, 'accounting answered again');
    await t.stop();

    const lines = t.log.lines;
    expect(lines.length).toBeGreaterThan(20);
    for (const msg of ['packet dropped', 'access accepted', 'access rejected', 'accounting not stored', 'simultaneous-use policy applied', 'locked out']) {
      expect(t.log.find(msg).length, msg).toBeGreaterThan(0);
    }
    const secrets = [NAS_SECRET, LEGACY_SECRET, MEMBER_PW, PAP_ONLY_PW, ...GUESSES, PG_PW, REDIS_PW];
    const leaks: string[] = [];
    for (const secret of secrets) for (const form of forms(secret)) for (const line of lines) if (line.includes(form)) leaks.push(`${secret} as ${form}: ${line}`);
    const ntHash = ntPasswordHash(MEMBER_PW).toString('hex');
    for (const line of lines) if (line.toLowerCase().includes(ntHash)) leaks.push(`NT hash: ${line}`);
    expect(leaks).toEqual([]);
  });
});
