import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commitFlush, flushUsage, prepareFlush } from '../../src/accounting/flusher.js';
import { forceClose, STALE_SESSION, uniqueIdFor } from '../../src/accounting/session-machine.js';
import type { SessionStore } from '../../src/accounting/store.js';
import type { Db, Queryable } from '../../src/db/db.js';
import { upsertSessions } from '../../src/db/usage.js';
import type { LiveSession } from '../../src/domain/session.js';
import { startPostgres, type PostgresServer } from '../support/services.js';
import { makeStore, STORE_KINDS, USAGE_SQL, usageDb, usageRows } from './fixtures.js';
import { tinyPostgresDb } from './pg-db.js';
import { interim, start, stop, T0 } from './records.js';

const NOW = T0 + 3_600_000;
const now = (): number => NOW;

async function traffic(store: SessionStore): Promise<void> {
  await store.applyRecord(start());
  await store.applyRecord(interim(300, 1_000, 2_000));
  await store.applyRecord(interim(600, 5_000, 9_000, { inputGigawords: 3 }));
  await store.applyRecord(start({ acctSessionId: 'bob-1', username: 'bob' }));
  await store.applyRecord(interim(300, 700, 800, { acctSessionId: 'bob-1', username: 'bob' }));
  await store.applyRecord(stop(400, 900, 1000, { acctSessionId: 'bob-1', username: 'bob', terminateCause: 'Lost-Carrier' }));
}

describe.each(STORE_KINDS)('flushUsage with the %s store against PostgreSQL', (kind) => {
  let store: SessionStore;
  let db: Db;
  beforeEach(async () => {
    [store, db] = await Promise.all([makeStore(kind), usageDb()]);
  });
  afterEach(async () => {
    await Promise.all([store.close(), db.close()]);
  });

  it('writes finished sessions, open sessions’ progress and snapshots; a second flush writes nothing more', async () => {
    await traffic(store);
    expect(await flushUsage(store, db, { now })).toEqual({ batches: 1, sessions: 2, finished: 1, snapshots: 3 });
    const rows = await usageRows(db);
    expect(rows.sessions).toEqual([
      expect.objectContaining({ unique_id: uniqueIdFor('nas1', 'sess-1', T0), username: 'alice', stop_time: null, seconds: '600', input_octets: String(3 * 2 ** 32 + 5000), output_octets: '9000', framed_ip: '198.51.100.7' }),
      expect.objectContaining({ unique_id: uniqueIdFor('nas1', 'bob-1', T0), username: 'bob', stop_time: '2025-01-31T22:06:40.000', seconds: '400', input_octets: '900', terminate_cause: 'Lost-Carrier' }),
    ].sort((a, b) => (a.unique_id < b.unique_id ? -1 : 1)));
    expect(rows.snapshots).toHaveLength(3);
    expect(await flushUsage(store, db, { now })).toEqual({ batches: 0, sessions: 0, finished: 0, snapshots: 0 });
    expect(await usageRows(db)).toEqual(rows);
    expect(await store.pendingFlush(10)).toEqual([]);
  });

  it('a flush replayed after a crash between commit and ack changes nothing (exactly once in effect)', async () => {
    await traffic(store);
    const batch = await prepareFlush(store, 100);
    await commitFlush(db, batch, NOW); // ... and the daemon dies before acking
    const afterFirst = await usageRows(db);
    expect((await store.pendingFlush(100)).length).toBe(2); // nothing was removed
    await flushUsage(store, db, { now }); // the next run re-sends everything
    await commitFlush(db, batch, NOW); // even a third copy of the old batch
    expect(await usageRows(db)).toEqual(afterFirst);
    expect(await store.pendingFlush(100)).toEqual([]);
  });

  it('keeps flushing progress: a session flushed open is updated when it stops', async () => {
    await traffic(store);
    await flushUsage(store, db, { now });
    await store.applyRecord(stop(900, 20_000, 30_000));
    expect(await flushUsage(store, db, { now })).toMatchObject({ sessions: 1, finished: 1, snapshots: 0 });
    const row = (await usageRows(db)).sessions.find((r) => r.username === 'alice');
    expect(row).toMatchObject({ stop_time: '2025-01-31T22:15:00.000', seconds: '900', input_octets: String(3 * 2 ** 32 + 5000), output_octets: '30000', terminate_cause: 'User-Request' });
  });

  it('two daemons flushing at once write each session once', async () => {
    for (let i = 0; i < 120; i++) {
      await store.applyRecord(start({ acctSessionId: `c${i}`, username: `u${i % 7}` }));
      await store.applyRecord(interim(60, i, 2 * i, { acctSessionId: `c${i}`, username: `u${i % 7}` }));
      if (i % 3 === 0) await store.applyRecord(stop(120, 10 * i, 20 * i, { acctSessionId: `c${i}`, username: `u${i % 7}` }));
    }
    await Promise.all([flushUsage(store, db, { now, batchSize: 17 }), flushUsage(store, db, { now, batchSize: 23 })]);
    await flushUsage(store, db, { now });
    const r = await db.query<{ n: string; input: string; snaps: string }>(
      'SELECT count(*)::text AS n, sum(input_octets)::text AS input, (SELECT count(*) FROM usage_snapshots)::text AS snaps FROM usage_sessions',
    );
    let expected = 0;
    for (let i = 0; i < 120; i++) expected += i % 3 === 0 ? 10 * i : i;
    expect(r.rows[0]).toEqual({ n: '120', input: String(expected), snaps: '120' });
    expect(await store.pendingFlush(1000)).toEqual([]);
  });
});

describe('usage upserts are order-independent', () => {
  let db: Db;
  beforeAll(async () => {
    db = await usageDb();
  });
  afterAll(async () => {
    await db.close();
  });

  const base: LiveSession = {
    uniqueId: 'u-order', nas: 'nas1', acctSessionId: 'x', username: '', nasPort: null, nasPortId: null, nasIpAddress: null,
    framedIp: null, callingStationId: null, classHex: null, startTime: T0, lastUpdate: T0 + 300_000, interimInterval: null,
    sessionTime: 300, inputOctets: 100, outputOctets: 100, inputPackets: 1, outputPackets: 1, stopTime: null, terminateCause: null,
  };

  it('an older state written after a newer one lowers nothing and does not reopen; a real stop beats Stale-Session', async () => {
    const stale = forceClose({ ...base, username: 'alice', framedIp: '10.0.0.9' }, STALE_SESSION, T0 + 300_000);
    const real = { ...stale, stopTime: T0 + 900_000, terminateCause: 'User-Request', sessionTime: 900, inputOctets: 500, lastUpdate: T0 + 900_000 };
    const orders: LiveSession[][] = [[base, stale, real], [real, stale, base], [stale, real, base], [base, real, stale]];
    const results = [];
    for (const order of orders) {
      await db.query('DELETE FROM usage_sessions');
      for (const s of order) await upsertSessions(db as Queryable, [s], NOW);
      results.push((await usageRows(db)).sessions);
    }
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]?.[0]).toMatchObject({ username: 'alice', terminate_cause: 'User-Request', seconds: '900', input_octets: '500', framed_ip: '10.0.0.9', stop_time: '2025-01-31T22:15:00.000' });
  });
});

describe('flush while PostgreSQL goes down (private server)', () => {
  let pg: PostgresServer;
  let db: Db;
  let store: SessionStore;
  beforeAll(async () => {
    pg = await startPostgres();
    db = tinyPostgresDb(pg.url);
    await db.query(USAGE_SQL);
    // The test server runs with fsync and synchronous_commit off: make the schema survive `-m immediate`.
    await db.query('CHECKPOINT');
  });
  afterAll(async () => {
    await db.close().catch(() => undefined);
    await pg.destroy();
  });
  beforeEach(async () => {
    store = await makeStore('memory');
  });

  it('a flush cut by the server stopping mid-transaction commits nothing and removes nothing; after restart, exactly once', async () => {
    await traffic(store);
    // Stop the server between the two statements of the flush transaction.
    const cut: Db = {
      ...db,
      query: db.query.bind(db),
      transaction: (fn) =>
        db.transaction(async (tx) => {
          let calls = 0;
          return fn({
            query: async (sql, params) => {
              if (++calls === 2) await pg.stop();
              return tx.query(sql, params);
            },
          });
        }),
    };
    await expect(flushUsage(store, cut, { now })).rejects.toThrow();
    expect(await store.pendingFlush(100)).toHaveLength(2);
    await pg.start();
    let report = null;
    for (let i = 0; i < 50 && !report; i++) {
      report = await flushUsage(store, db, { now }).catch(async () => {
        await new Promise((r) => setTimeout(r, 100)); // the pool notices the restart
        return null;
      });
    }
    expect(report).toEqual({ batches: 1, sessions: 2, finished: 1, snapshots: 3 });
    const rows = await usageRows(db);
    expect(rows.sessions).toHaveLength(2);
    expect(rows.snapshots).toHaveLength(3);
    expect(await flushUsage(store, db, { now })).toMatchObject({ sessions: 0 });
    expect(await usageRows(db)).toEqual(rows);
  });

  it('with the server down, the flush throws and the store keeps everything for the next run', async () => {
    await traffic(store);
    await pg.stop();
    await expect(flushUsage(store, db, { now })).rejects.toThrow();
    expect(await store.pendingFlush(100)).toHaveLength(2);
    await pg.start();
    let report = null;
    for (let i = 0; i < 50 && !report; i++) report = await flushUsage(store, db, { now }).catch(() => new Promise<null>((r) => setTimeout(() => r(null), 100)));
    expect(report).toMatchObject({ sessions: 2 });
    expect((await usageRows(db)).sessions.map((s) => s.username).sort()).toEqual(['alice', 'bob']);
  });
});
