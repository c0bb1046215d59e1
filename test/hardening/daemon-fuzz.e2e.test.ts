/**
 * Hostile input against the running daemon over real UDP, with real
 * PostgreSQL and Redis behind it: 24,000 malformed and mutated datagrams
 * (most signed again with the NAS secret, so they reach the policy and the
 * session store), from the NAS and from an unknown address. Afterwards: no
 * crash (a valid request is still answered), no unhandled rejection, every
 * datagram accounted for by an answer or a counted reason, no authentication
 * log entry lost, and memory back where it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { insertNas } from '../../src/db/nas.js';
import { flushUsage } from '../../src/accounting/flusher.js';
import { PacketCode, Attr } from '../../src/protocol/codes.js';
import { freshDb } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { mutate, Rng, seedDrafts } from './support/packets.js';
import { accounted, SECRET, USERS } from './support/receive-path.js';
import { startHardenedDaemon, waitFor, type HardenedDaemon } from './support/daemon.js';

// --expose-gc without touching the shared vitest configuration.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TOTAL = 24_000;
/** Datagrams sent and not yet accounted for: small enough that the kernel buffer never overflows. */
const WINDOW = 64;

let t: HardenedDaemon;
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => void rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'fuzz-nas', address: '127.0.0.1/32', secret: SECRET });
  await db.close();
  t = await startHardenedDaemon({ databaseUrl: url, http: true, overrides: { duplicateWindowMs: 1000 } });
  for (const u of USERS.slice(0, 2)) await t.addMember(u.name, u.password, { maxSessions: 3 });
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await t?.stop();
});

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function openSockets(host: string, n: number): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const s = createSocket('udp4');
      await new Promise<void>((resolve) => s.bind(0, host, resolve));
      s.on('message', () => undefined);
      return s;
    }),
  );
}

/** Sends `count` mutants, keeping at most WINDOW unaccounted; returns how many went out. */
async function blast(count: number, rng: Rng, nas: Socket[], stranger: Socket): Promise<number> {
  const seeds = seedDrafts(SECRET, USERS, rng);
  const base = accounted(t.daemon.metrics);
  for (let sent = 0; sent < count; ) {
    while (sent - (accounted(t.daemon.metrics) - base) >= WINDOW) await new Promise((r) => setImmediate(r));
    const { bytes } = mutate(seeds[sent % seeds.length]!, SECRET, rng);
    const toAcct = bytes[0] === PacketCode.AccountingRequest ? rng.int(10) !== 0 : rng.int(10) === 0;
    const from = rng.int(50) === 0 ? stranger : nas[rng.int(nas.length)]!;
    from.send(bytes, toAcct ? t.acct : t.auth, '127.0.0.1');
    sent++;
  }
  await waitFor(() => accounted(t.daemon.metrics) - base === count, 10_000, `all ${count} datagrams accounted for`);
  return count;
}

describe('the daemon under hostile datagrams over UDP', () => {
  it('accounts for every one of 24,000 datagrams, keeps answering, loses no log entry and keeps memory flat', async () => {
    const nas = await openSockets('127.0.0.1', 8);
    const stranger = (await openSockets('127.0.0.9', 1))[0]!;
    const rng = new Rng(0xfa11);
    await blast(2000, rng, nas, stranger); // warm-up: caches, pools and JIT reach their working size
    await new Promise((r) => setTimeout(r, 2200)); // two duplicate-cache windows
    const heapBefore = heapAfterGc();
    const started = Date.now();
    const sent = await blast(TOTAL, rng, nas, stranger);
    const seconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 2200));
    const growthMb = (heapAfterGc() - heapBefore) / 2 ** 20;
    for (const s of [...nas, stranger]) s.close();

    const m = t.daemon.metrics;
    const answered = [...m.answered.values()].reduce((a, b) => a + b, 0);
    console.log(`${sent} datagrams in ${seconds.toFixed(1)} s; answered ${answered}, dropped ${m.totalDrops()}, heap growth ${growthMb.toFixed(1)} MB`);
    expect(m.answered.get('access')).toBeGreaterThan(1000);
    expect(m.answered.get('accounting')).toBeGreaterThan(1000);
    expect(m.drops['unknown-nas']).toBeGreaterThan(100);
    expect(m.unanswered['internal-error']).toBe(0);
    expect(m.unanswered['storage-unavailable']).toBe(0);
    expect(rejections).toEqual([]);
    expect(growthMb).toBeLessThan(8);

    // Still serving: a member the fuzz never touched (the fuzzed ones are locked out or at their session limit by now).
    await t.addMember('carol', 'carol-pass');
    const nasAfter = await SimulatedNas.open(SECRET, '127.0.0.1');
    const ok = await nasAfter.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'carol'), attr(Attr.UserPassword, 'carol-pass')] }, t.auth);
    nasAfter.close();
    expect(ok.response?.code).toBe(PacketCode.AccessAccept);

    // Every decision reached the authentication log: hostile names did not poison a batch.
    await waitFor(async () => (await t.scrape()).get('radassoc_auth_log_buffered') === 0, 5000, 'authentication log written');
    const metrics = await t.scrape();
    expect(metrics.get('radassoc_auth_log_dropped')).toBe(0);
    expect(metrics.get('radassoc_packets_dropped_total{reason="unexpected-code"}')).toBeGreaterThan(0);
    // And the usage flush to PostgreSQL goes through whatever the hostile accounting records held.
    expect((await flushUsage(t.daemon.store, t.db)).sessions).toBeGreaterThan(0);
  });
});
