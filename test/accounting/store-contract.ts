/**
 * The SessionStore contract, run against every implementation
 * (memory-store.test.ts, redis-store.test.ts). The pure session machine is the
 * reference: stores must take the same decisions for the same records.
 */
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountingRecord } from '../../src/accounting/record.js';
import { apply, NAS_REBOOT, STALE_SESSION, uniqueIdFor } from '../../src/accounting/session-machine.js';
import type { LiveSession } from '../../src/domain/session.js';
import type { SessionStore } from '../../src/accounting/store.js';
import { accountingOn, interim, permutations, start, stop, T0 } from './records.js';
import { differentialContract } from './store-differential.js';

export function storeContract(name: string, make: () => Promise<SessionStore>): void {
  describe(`${name} — SessionStore contract`, () => {
    let store: SessionStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    const S = start();
    const I1 = interim(300, 1_000, 2_000);
    const I2 = interim(600, 5_000, 9_000);
    const P = stop(900, 8_000, 12_000);
    const uid = uniqueIdFor('nas1', 'sess-1', T0);

    it('takes the same decisions as the session machine for every order of Start, Interims, Stop and duplicates', async () => {
      const orders = permutations([S, I1, I2, P]);
      for (const [i, order] of orders.entries()) {
        const recs = order.flatMap((r) => [r, r]).map((r) => ({ ...r, acctSessionId: `perm-${i}` }));
        let ref: LiveSession | null = null;
        for (const r of recs) {
          const expected = apply(ref, r);
          ref = expected.session;
          const got = await store.applyRecord(r);
          expect(got).toEqual({ action: expected.action, changed: expected.changed, uniqueId: expected.session?.uniqueId ?? null, closed: [] });
        }
        expect(await store.getSession(uniqueIdFor('nas1', `perm-${i}`, T0))).toEqual(ref);
      }
    });

    it('counts and lists open sessions per user, and forgets them at Stop', async () => {
      await store.applyRecord(S);
      await store.applyRecord(start({ acctSessionId: 'sess-2', startAt: T0 + 5000 }));
      await store.applyRecord(start({ acctSessionId: 'sess-3', username: 'bob' }));
      expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(2);
      expect(await store.countOpenForUser('bob', DEFAULT_TENANT_ID)).toBe(1);
      expect(await store.countOpenForUser('carol', DEFAULT_TENANT_ID)).toBe(0);
      expect((await store.listOpen({ username: 'alice' })).map((s) => s.acctSessionId)).toEqual(['sess-1', 'sess-2']);
      expect(await store.listOpen()).toHaveLength(3);
      await store.applyRecord(P);
      expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(1);
      expect((await store.listOpen()).map((s) => s.acctSessionId).sort()).toEqual(['sess-2', 'sess-3']);
      expect(await store.getSession(uid)).toMatchObject({ stopTime: T0 + 900_000, inputOctets: 8000 });
    });

    it('a Stop without counters keeps the interims’ usage; an Interim after Stop never reopens', async () => {
      await store.applyRecord(S);
      await store.applyRecord(I2);
      await store.applyRecord(stop(900, null, null, { sessionTime: null }));
      expect(await store.applyRecord(interim(1200, 99_999, 99_999))).toMatchObject({ action: 'ignored-after-stop', changed: false });
      expect(await store.getSession(uid)).toMatchObject({ inputOctets: 5000, outputOctets: 9000, sessionTime: 600 });
      expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(0);
    });

    it('keeps 64-bit counters exact (Gigawords), beyond 15 significant digits', async () => {
      await store.applyRecord(interim(60, 4_294_967_295, 123, { inputGigawords: 1_000_000, outputGigawords: 2_097_151 }));
      const s = await store.getSession(uid);
      expect(s?.inputOctets).toBe(1_000_000 * 2 ** 32 + 4_294_967_295);
      expect(s?.outputOctets).toBe(2_097_151 * 2 ** 32 + 123);
      const [item] = await store.pendingFlush(10);
      expect(item?.snapshots[0]?.inputOctets).toBe(1_000_000 * 2 ** 32 + 4_294_967_295);
    });

    it('Accounting-On closes every open session of that NAS started before it, as NAS-Reboot, keeping history', async () => {
      await store.applyRecord(S);
      await store.applyRecord(I1);
      await store.applyRecord(start({ acctSessionId: 'sess-2', username: 'bob' }));
      await store.applyRecord(start({ nas: 'nas2', acctSessionId: 'other' }));
      await store.applyRecord(start({ acctSessionId: 'after-reboot', startAt: T0 + 400_000 }));
      const r = await store.applyRecord(accountingOn(T0 + 350_000));
      expect(r).toEqual({ action: 'nas-reset', changed: true, uniqueId: null, closed: [uid, uniqueIdFor('nas1', 'sess-2', T0)].sort() });
      expect(await store.getSession(uid)).toMatchObject({ stopTime: T0 + 350_000, terminateCause: NAS_REBOOT, inputOctets: 1000 });
      expect((await store.listOpen()).map((s) => s.acctSessionId).sort()).toEqual(['after-reboot', 'other']);
      expect(await store.countOpenForUser('bob', DEFAULT_TENANT_ID)).toBe(0);
      // The NAS restarts its ids: the same id right after the reboot is a new session.
      const again = await store.applyRecord(start({ startAt: T0 + 360_000 }));
      expect(again).toMatchObject({ action: 'created', uniqueId: uniqueIdFor('nas1', 'sess-1', T0 + 360_000) });
      expect(await store.closeAllForNas('nas2', NAS_REBOOT, T0 + 370_000)).toEqual([uniqueIdFor('nas2', 'other', T0)]);
    });

    it('a reused Acct-Session-Id while the old session looks open closes the old one', async () => {
      await store.applyRecord(S);
      const later = T0 + 7_200_000;
      const r = await store.applyRecord(start({ startAt: later }));
      expect(r).toEqual({ action: 'created', changed: true, uniqueId: uniqueIdFor('nas1', 'sess-1', later), closed: [uid] });
      expect(await store.getSession(uid)).toMatchObject({ terminateCause: NAS_REBOOT, stopTime: T0 });
      expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(1);
    });

    it('closes stale sessions with Stale-Session; a late Stop then brings the real end', async () => {
      await store.applyRecord(start({ interimInterval: 300 }));
      await store.applyRecord(start({ acctSessionId: 'fresh', startAt: T0 + 2_000_000 }));
      await store.applyRecord(start({ acctSessionId: 'default-interval' }));
      const closed = await store.closeStale(T0 + 3 * 300_000 + 1, 3, 600);
      expect(closed.map((s) => [s.acctSessionId, s.terminateCause, s.stopTime])).toEqual([['sess-1', STALE_SESSION, T0]]);
      expect((await store.closeStale(T0 + 3 * 600_000 + 1, 3, 600)).map((s) => s.acctSessionId)).toEqual(['default-interval']);
      expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(1);
      expect(await store.applyRecord(P)).toMatchObject({ action: 'updated', changed: true });
      expect(await store.getSession(uid)).toMatchObject({ terminateCause: 'User-Request', stopTime: T0 + 900_000, inputOctets: 8000 });
    });

    it('two-phase flush: pending until acked, a change in between stays pending, snapshots go with their ack', async () => {
      await store.applyRecord(S);
      await store.applyRecord(I1);
      await store.applyRecord(start({ acctSessionId: 'sess-2', username: 'bob' }));
      const first = await store.pendingFlush(10);
      expect(first.map((i) => i.session.acctSessionId).sort()).toEqual(['sess-1', 'sess-2']);
      const s1 = first.find((i) => i.session.uniqueId === uid);
      expect(s1?.snapshots).toEqual([{ at: T0 + 300_000, sessionTime: 300, inputOctets: 1000, outputOctets: 2000 }]);
      await store.applyRecord(I2); // arrives while the flusher writes
      const acks = first.map((i) => ({ uniqueId: i.session.uniqueId, version: i.version, snapshotAts: i.snapshots.map((p) => p.at) }));
      expect(await store.ackFlushed(acks)).toBe(1);
      const second = await store.pendingFlush(10);
      expect(second).toHaveLength(1);
      expect(second[0]?.session.inputOctets).toBe(5000);
      expect(second[0]?.snapshots.map((p) => p.at)).toEqual([T0 + 600_000]);
      await store.ackFlushed(second.map((i) => ({ uniqueId: i.session.uniqueId, version: i.version, snapshotAts: i.snapshots.map((p) => p.at) })));
      expect(await store.pendingFlush(10)).toEqual([]);
      expect(await store.ackFlushed([])).toBe(0);
    });

    it('a finished session stays a tombstone after its flush: a late retransmitted Stop is not new usage', async () => {
      await store.applyRecord(S);
      await store.applyRecord(P);
      const items = await store.pendingFlush(10);
      await store.ackFlushed(items.map((i) => ({ uniqueId: i.session.uniqueId, version: i.version, snapshotAts: [] })));
      expect(await store.applyRecord(P)).toMatchObject({ action: 'duplicate', changed: false, uniqueId: uid });
      expect(await store.applyRecord(stop(900, 8_000, 12_000, { receivedAt: T0 + 930_000 }))).toMatchObject({ action: 'duplicate' });
      expect(await store.pendingFlush(10)).toEqual([]);
      expect(await store.getSession(uid)).toMatchObject({ stopTime: T0 + 900_000 });
    });

    it('counts open sessions and finished ones not yet flushed, as listOpen and the flush see them', async () => {
      const finishedPending = async (): Promise<number> => (await store.pendingFlush(100)).filter((i) => i.session.stopTime !== null).length;
      const ackAll = async (): Promise<void> => {
        const items = await store.pendingFlush(100);
        await store.ackFlushed(items.map((i) => ({ uniqueId: i.session.uniqueId, version: i.version, snapshotAts: i.snapshots.map((p) => p.at) })));
      };
      expect(await store.counts()).toEqual({ live: 0, flushBacklog: 0, held: 0 });
      await store.applyRecord(S);
      await store.applyRecord(start({ acctSessionId: 'sess-2', username: 'bob' }));
      await store.applyRecord(start({ acctSessionId: 'sess-3', username: 'bob', startAt: T0 + 5000 }));
      expect(await store.counts()).toEqual({ live: 3, flushBacklog: 0, held: 0 });
      await store.applyRecord(P);
      await store.applyRecord(P); // a retransmission is not a second finished session
      expect(await store.counts()).toEqual({ live: 2, flushBacklog: 1, held: 0 });
      expect(await finishedPending()).toBe(1);
      await ackAll();
      expect(await store.counts()).toEqual({ live: 2, flushBacklog: 0, held: 0 });
      // Accounting-On closes the NAS's open sessions: finished, not yet flushed.
      await store.applyRecord(accountingOn(T0 + 600_000));
      expect(await store.counts()).toEqual({ live: 0, flushBacklog: 2, held: 0 });
      expect(await finishedPending()).toBe(2);
      // A late Stop with more usage than the reboot left: back in the backlog, once.
      await ackAll();
      await store.applyRecord(stop(500, 9_000, 13_000, { acctSessionId: 'sess-2', username: 'bob' }));
      expect(await store.counts()).toEqual({ live: 0, flushBacklog: 1, held: 0 });
      await ackAll();
      expect(await store.counts()).toEqual({ live: 0, flushBacklog: 0, held: 0 });
      expect(await store.listOpen()).toEqual([]);
      // A session no record could route to a tenant is open and held, and never in the flush's backlog.
      await store.applyRecord(start({ acctSessionId: 'unrouted', username: 'who', tenantId: null }));
      expect(await store.counts()).toEqual({ live: 1, flushBacklog: 0, held: 1 });
      await store.applyRecord(stop(60, 1, 1, { acctSessionId: 'unrouted', username: 'who', tenantId: null }));
      expect(await store.counts()).toEqual({ live: 0, flushBacklog: 0, held: 0 });
    });

    it('tells when the oldest change waiting for the flush happened, and nothing once it is flushed', async () => {
      expect(await store.oldestUnflushedAt()).toBeNull();
      await store.applyRecord(start({ acctSessionId: 'old', startAt: T0 }));
      await store.applyRecord(start({ acctSessionId: 'new', startAt: T0 + 60_000 }));
      const [first, second] = await store.pendingFlush(10);
      expect(await store.oldestUnflushedAt()).toBe(first!.session.lastUpdate);
      await store.ackFlushed([{ uniqueId: first!.session.uniqueId, version: first!.version, snapshotAts: [] }]);
      expect(await store.oldestUnflushedAt()).toBe(second!.session.lastUpdate);
      expect(second!.session.lastUpdate).toBeGreaterThan(first!.session.lastUpdate);
      await store.ackFlushed([{ uniqueId: second!.session.uniqueId, version: second!.version, snapshotAts: [] }]);
      expect(await store.oldestUnflushedAt()).toBeNull();
    });

    it('returns pending sessions oldest change first, within the limit', async () => {
      for (let i = 0; i < 5; i++) await store.applyRecord(start({ acctSessionId: `s${i}`, startAt: T0 + i * 1000 }));
      const page = await store.pendingFlush(3);
      expect(page.map((i) => i.session.acctSessionId)).toEqual(['s0', 's1', 's2']);
      expect(await store.pendingFlush(0)).toEqual([]);
    });

    it('keeps at most the configured number of snapshots per session, dropping the oldest', async () => {
      for (let k = 1; k <= 5; k++) await store.applyRecord(interim(60 * k, 100 * k, 100 * k));
      const [item] = await store.pendingFlush(1);
      expect(item?.snapshots.map((p) => p.sessionTime)).toEqual([180, 240, 300]);
    });

    it('applies concurrent records for one session atomically', async () => {
      const recs: AccountingRecord[] = [S];
      for (let k = 1; k <= 40; k++) recs.push(interim(30 * k, 1000 * k, 2000 * k));
      await Promise.all(recs.map((r) => store.applyRecord(r)));
      expect(await store.listOpen()).toHaveLength(1);
      expect(await store.getSession(uid)).toMatchObject({ sessionTime: 1200, inputOctets: 40_000, outputOctets: 80_000 });
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    differentialContract(() => store);
  });
}
