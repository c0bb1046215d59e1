import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { mkdtempSync, readFileSync, appendFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, MemoryStore } from '../../src/accounting/memory-store.js';
import { uniqueIdFor } from '../../src/accounting/session-machine.js';
import { accountingOn, interim, start, stop, T0 } from './records.js';
import { storeContract } from './store-contract.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'radassoc-journal-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

storeContract('MemoryStore (in memory)', async () => new MemoryStore({ snapshotLimit: 3 }));
storeContract('MemoryStore (journaled)', async () => MemoryStore.openJournaled(tempDir(), { snapshotLimit: 3 }));

describe('MemoryStore journal: acknowledged means fsynced', () => {
  const uid = uniqueIdFor('nas1', 'sess-1', T0);

  it('every acknowledged record survives a crash (a new store replaying the journal)', async () => {
    const dir = tempDir();
    const a = await MemoryStore.openJournaled(dir);
    await a.applyRecord(start());
    await a.applyRecord(interim(300, 1000, 2000));
    await a.applyRecord(start({ acctSessionId: 'sess-2', username: 'bob' }));
    await a.applyRecord(stop(900, 8000, 12000));
    await a.closeStale(T0 + 100 * 3_600_000, 3, 600);
    // "Crash": a is never closed; b opens the same directory.
    const b = await MemoryStore.openJournaled(dir);
    expect(await b.getSession(uid)).toEqual(await a.getSession(uid));
    expect(await b.listOpen()).toEqual(await a.listOpen());
    expect(await b.pendingFlush(100)).toEqual(await a.pendingFlush(100));
    expect(await b.getSession(uniqueIdFor('nas1', 'sess-2', T0))).toMatchObject({ terminateCause: 'Stale-Session' });
    expect(await b.counts()).toEqual({ live: 0, flushBacklog: 2, held: 0 });
    await b.close();
    // b compacted the journal into one state entry: the flush backlog comes back from it too.
    const c = await MemoryStore.openJournaled(dir);
    expect(await c.counts()).toEqual({ live: 0, flushBacklog: 2, held: 0 });
    await c.close();
  });

  it('a torn last line (crash mid-write, never acknowledged) is dropped', async () => {
    const dir = tempDir();
    const a = await MemoryStore.openJournaled(dir);
    await a.applyRecord(start());
    appendFileSync(join(dir, JOURNAL_FILE), '{"t":"rec","rec":{"nas":"nas1","statusT');
    const b = await MemoryStore.openJournaled(dir);
    expect(await b.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(1);
    await b.applyRecord(interim(300, 5, 5));
    const c = await MemoryStore.openJournaled(dir);
    expect(await c.getSession(uid)).toMatchObject({ inputOctets: 5 });
    await Promise.all([b.close(), c.close()]);
  });

  it('group-commits concurrent appends into far fewer write+fsync calls', async () => {
    const store = await MemoryStore.openJournaled(tempDir());
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.applyRecord(start({ acctSessionId: `s${i}` }))));
    const stats = store.journalStats();
    expect(stats?.entries).toBe(200);
    expect(stats?.writes).toBeLessThan(50);
    expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(200);
    await store.close();
  });

  it('compacts the journal after a flush is acknowledged, keeping what is still live', async () => {
    const dir = tempDir();
    const store = await MemoryStore.openJournaled(dir);
    for (let i = 0; i < 50; i++) {
      await store.applyRecord(start({ acctSessionId: `s${i}` }));
      await store.applyRecord(stop(60, 10, 10, { acctSessionId: `s${i}` }));
    }
    await store.applyRecord(start({ acctSessionId: 'live' }));
    const before = statSync(join(dir, JOURNAL_FILE)).size;
    const items = await store.pendingFlush(1000);
    await store.ackFlushed(items.map((i) => ({ uniqueId: i.session.uniqueId, version: i.version, snapshotAts: [] })));
    expect(statSync(join(dir, JOURNAL_FILE)).size).toBeLessThan(before);
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8').trim().split('\n')).toHaveLength(1);
    const again = await MemoryStore.openJournaled(dir);
    expect(await again.pendingFlush(1000)).toEqual([]);
    expect(await again.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(1);
    expect(await again.counts()).toEqual({ live: 1, flushBacklog: 0, held: 0 });
    // Tombstones came through the compaction: a late Stop is still a duplicate.
    expect(await again.applyRecord(stop(60, 10, 10, { acctSessionId: 's7' }))).toMatchObject({ action: 'duplicate' });
    await Promise.all([store.close(), again.close()]);
  });

  it('replays Accounting-On in order', async () => {
    const dir = tempDir();
    const a = await MemoryStore.openJournaled(dir);
    await a.applyRecord(start());
    await a.applyRecord(accountingOn(T0 + 60_000));
    await a.applyRecord(start({ startAt: T0 + 70_000 }));
    const b = await MemoryStore.openJournaled(dir);
    expect(await b.listOpen()).toEqual(await a.listOpen());
    expect(await b.getSession(uid)).toMatchObject({ terminateCause: 'NAS-Reboot' });
    await Promise.all([a.close(), b.close()]);
  });

  it('a closed journal refuses records instead of acknowledging them', async () => {
    const store = await MemoryStore.openJournaled(tempDir());
    await store.close();
    await expect(store.applyRecord(start())).rejects.toThrow(/closed/);
  });
});

describe('MemoryStore tombstones', () => {
  it('forgets a flushed finished session after the tombstone TTL', async () => {
    let now = T0;
    const store = new MemoryStore({ tombstoneTtlS: 60, now: () => now });
    await store.applyRecord(start());
    await store.applyRecord(stop(900, 1, 1));
    const uid = uniqueIdFor('nas1', 'sess-1', T0);
    const items = await store.pendingFlush(10);
    await store.ackFlushed(items.map((i) => ({ uniqueId: i.session.uniqueId, version: i.version, snapshotAts: [] })));
    expect(await store.getSession(uid)).not.toBeNull();
    now += 61_000;
    expect(await store.getSession(uid)).toBeNull();
  });
});
