/**
 * Differential check: random but realistic traffic (starts, interims with
 * wraps and resets, stops with and without counters, duplicates, late copies,
 * reused session ids, Accounting-On, stale reaping, flush acks) applied to the
 * store under test and to the reference MemoryStore (the TS machine); every
 * answer and the final state must be identical. This is what keeps the Redis
 * Lua transcription honest.
 */
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { expect, it } from 'vitest';
import { MemoryStore } from '../../src/accounting/memory-store.js';
import type { AccountingRecord } from '../../src/accounting/record.js';
import type { SessionStore } from '../../src/accounting/store.js';
import { prng, rec, T0 } from './records.js';

interface Slot {
  nas: string;
  id: string;
  user: string;
  startAt: number;
  secs: number;
  inO: number;
  outO: number;
  sent: AccountingRecord[];
  stopped: boolean;
}

export function differentialContract(getStore: () => SessionStore): void {
  it.each([1, 2, 3])('matches the reference machine on random traffic (seed %i)', async (seed) => {
    const store = getStore();
    const ref = new MemoryStore({ snapshotLimit: 3 });
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    let now = T0;
    const slots: Slot[] = [];
    for (const nas of ['nasA', 'nasB']) {
      for (let k = 0; k < 4; k++) slots.push({ nas, id: `id${k}`, user: pick(['ann', 'ben', 'cat']), startAt: now, secs: 0, inO: 0, outO: 0, sent: [], stopped: true });
    }
    const send = async (r: AccountingRecord): Promise<void> => {
      const [a, b] = [await store.applyRecord(r), await ref.applyRecord(r)];
      expect(a, JSON.stringify(r)).toEqual(b);
    };
    for (let step = 0; step < 400; step++) {
      now += Math.floor(rnd() * 120_000);
      const slot = pick(slots);
      const base = { nas: slot.nas, acctSessionId: slot.id, username: rnd() < 0.1 ? null : slot.user, receivedAt: now };
      const roll = rnd();
      let r: AccountingRecord;
      if (slot.stopped && roll < 0.7) {
        Object.assign(slot, { startAt: now, secs: 0, inO: 0, outO: 0, stopped: false, sent: [] });
        r = rec({ ...base, statusType: 'start', interimInterval: pick([null, 300, 30]) });
      } else if (roll < 0.55) {
        slot.secs = Math.floor((now - slot.startAt) / 1000);
        slot.inO += Math.floor(rnd() * 3e9);
        slot.outO += Math.floor(rnd() * 9e9);
        const reset = rnd() < 0.05;
        r = rec({
          ...base, statusType: 'interim', sessionTime: rnd() < 0.05 ? null : slot.secs,
          inputOctets: reset ? 10 : slot.inO % 2 ** 32, inputGigawords: reset ? 0 : Math.floor(slot.inO / 2 ** 32),
          outputOctets: slot.outO % 2 ** 32, outputGigawords: Math.floor(slot.outO / 2 ** 32), inputPackets: slot.secs, outputPackets: slot.secs * 2,
        });
      } else if (roll < 0.7) {
        slot.secs = Math.floor((now - slot.startAt) / 1000);
        slot.stopped = true;
        const bare = rnd() < 0.3;
        r = rec({
          ...base, statusType: 'stop', sessionTime: slot.secs, terminateCause: pick(['User-Request', 'Lost-Carrier', null]),
          inputOctets: bare ? null : slot.inO % 2 ** 32, inputGigawords: bare ? null : Math.floor(slot.inO / 2 ** 32),
          outputOctets: bare ? null : slot.outO % 2 ** 32, outputGigawords: bare ? null : Math.floor(slot.outO / 2 ** 32),
        });
      } else if (roll < 0.82 && slot.sent.length > 0) {
        // A duplicate or a late copy, sometimes with its delay updated the way RFC 2866 §5.2 asks.
        const old = pick(slot.sent);
        const delay = Math.floor((now - old.receivedAt) / 1000);
        r = rnd() < 0.5 ? old : { ...old, receivedAt: now, delayTime: rnd() < 0.5 ? delay : old.delayTime };
      } else if (roll < 0.86) {
        r = rec({ ...base, statusType: pick(['accounting-on', 'accounting-off']), acctSessionId: '', username: null, delayTime: pick([null, 2]) });
        for (const s of slots) if (s.nas === slot.nas) s.stopped = true;
      } else if (roll < 0.92) {
        const [a, b] = [await store.closeStale(now, 3, 600), await ref.closeStale(now, 3, 600)];
        expect(a).toEqual(b);
        continue;
      } else {
        const [a, b] = [await store.pendingFlush(4), await ref.pendingFlush(4)];
        expect(a).toEqual(b);
        const acks = a.map((i) => ({ uniqueId: i.session.uniqueId, version: i.version, snapshotAts: i.snapshots.map((p) => p.at) }));
        expect(await store.ackFlushed(acks)).toBe(await ref.ackFlushed(acks));
        continue;
      }
      slot.sent.push(r);
      await send(r);
    }
    expect(await store.listOpen()).toEqual(await ref.listOpen());
    for (const u of ['ann', 'ben', 'cat']) {
      expect(await store.countOpenForUser(u, DEFAULT_TENANT_ID)).toBe(await ref.countOpenForUser(u, DEFAULT_TENANT_ID));
      expect(await store.listOpen({ username: u })).toEqual(await ref.listOpen({ username: u }));
    }
    expect(await store.listOpen({ nas: 'nasB' })).toEqual(await ref.listOpen({ nas: 'nasB' }));
    expect(await store.pendingFlush(10_000)).toEqual(await ref.pendingFlush(10_000));
    // The counters /metrics reads agree with what listing and flushing find, in both stores.
    const finished = (await ref.pendingFlush(10_000)).filter((i) => i.session.stopTime !== null).length;
    const open = await ref.listOpen();
    expect(await ref.counts()).toEqual({ live: open.length, flushBacklog: finished, held: open.filter((x) => x.tenantId === null).length });
    expect(await store.counts()).toEqual(await ref.counts());
  });
}
