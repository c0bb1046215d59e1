/**
 * Redis goes away under a running daemon, then comes back (a private Redis
 * the test kills with SIGKILL and restarts on the same port and AOF):
 * - authentication goes on from the member cache, simultaneous-use decided
 *   by `sessionLimitWhenStoreDown` (allow) and logged;
 * - accounting is not answered (nothing is acknowledged that was not
 *   stored, RFC 2866 §4.1), counted, and /healthz says why;
 * - once Redis is back, the NAS's retransmission is answered and stored,
 *   with no restart.
 */
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNas } from '../../src/db/nas.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { freshDb } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { startRedis, type RedisServer } from '../support/services.js';
import { startHardenedDaemon, waitFor, type HardenedDaemon } from './support/daemon.js';

const SECRET = 'redis-fault-nas-secret-32-octets';
let redis: RedisServer;
let t: HardenedDaemon;
let nas: SimulatedNas;

const pap = (user: string, password: string) => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] });
const start = (user: string, session: string) => ({ code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 1), attr(Attr.AcctSessionId, session), attr(Attr.UserName, user)] });

beforeAll(async () => {
  redis = await startRedis();
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras', address: '127.0.0.1/32', secret: SECRET });
  await db.close();
  t = await startHardenedDaemon({ databaseUrl: url, redisUrl: redis.url, http: true });
  await t.addMember('frank', 'frank-pass', { maxSessions: 1 });
  nas = await SimulatedNas.open(SECRET, '127.0.0.1');
});

afterAll(async () => {
  nas?.close();
  await t?.stop();
  await redis?.destroy();
});

async function health(): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${t.http}/healthz`);
  return { status: r.status, body: await r.text() };
}

describe('Redis down, then back', () => {
  it('authenticates from the cache, withholds accounting answers, and resumes both without a restart', async () => {
    expect((await nas.request(start('frank', 'before-outage'), t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    // frank is at his limit of one session: with Redis up, a second login is refused.
    expect((await nas.request(pap('frank', 'frank-pass'), t.auth)).response?.code).toBe(PacketCode.AccessReject);

    await redis.stop();
    const login = await nas.request(pap('frank', 'frank-pass'), t.auth);
    expect(login.response?.code).toBe(PacketCode.AccessAccept); // sessionLimitWhenStoreDown: allow
    expect(t.log.find('simultaneous-use policy applied').length).toBeGreaterThan(0);
    expect((await nas.request(pap('frank', 'wrong'), t.auth)).response?.code).toBe(PacketCode.AccessReject);

    const unanswered = t.daemon.metrics.unanswered['storage-unavailable'];
    const during = await nas.request(start('frank', 'during-outage'), t.acct, { timeoutMs: 2500 });
    expect(during.response).toBeNull();
    expect(t.daemon.metrics.unanswered['storage-unavailable']).toBe(unanswered + 1);
    const sick = await health();
    expect(sick.status).toBe(503);
    expect(sick.body).toContain('sessionStore');

    await redis.start();
    // The NAS retransmits the very same datagram until it is answered.
    await waitFor(async () => (await nas.sendRaw(during.sent, t.acct, 500)) !== null, 15_000, 'accounting answered again');
    expect(await t.daemon.store.countOpenForUser('frank', DEFAULT_TENANT_ID)).toBe(2);
    expect((await health()).status).toBe(200);
  });
});
