import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable, QueryResult } from '../../src/db/db.js';
import { AuthLogWriter } from '../../src/db/auth-log-writer.js';
import type { AuthLogEntry } from '../../src/domain/auth-result.js';
import { migratedPostgres, waitFor } from './helpers.js';

let db: Db;
beforeAll(async () => {
  ({ db } = await migratedPostgres());
});
afterAll(async () => {
  await db.close();
});

/** The real database behind a switch: while `down`, every query fails as if the server were gone. Counts INSERTs. */
class FaultInjector implements Queryable {
  down = false;
  inserts = 0;
  constructor(private readonly inner: Queryable) {}
  async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    if (/^\s*INSERT INTO auth_log/.test(sql)) this.inserts++;
    return this.inner.query<R>(sql, params);
  }
}

const entry = (username: string): AuthLogEntry => ({
  time: new Date(), username, nas: 'edge1', method: 'pap', result: 'accept', reason: null, callingStationId: null, classId: null,
});

async function rowsFor(prefix: string): Promise<number> {
  const r = await db.query<{ n: string }>('SELECT count(*) AS n FROM auth_log WHERE username LIKE $1', [`${prefix}%`]);
  return Number(r.rows[0]?.n);
}

describe('authentication log writer', () => {
  it('writes in batches on a timer, not per record', async () => {
    const q = new FaultInjector(db);
    const w = new AuthLogWriter(q, { flushIntervalMs: 50, batchSize: 1000 });
    for (let i = 0; i < 300; i++) w.record(entry(`timer${i}`));
    expect(q.inserts).toBe(0); // record() never touches the database
    await waitFor(() => (w.stats().written === 300 ? true : undefined));
    expect(q.inserts).toBe(1);
    expect(await rowsFor('timer')).toBe(300);
    await w.close();
  });

  it('writes as soon as a full batch is waiting, one INSERT per batch', async () => {
    const q = new FaultInjector(db);
    const w = new AuthLogWriter(q, { flushIntervalMs: 60_000, batchSize: 100 });
    for (let i = 0; i < 250; i++) w.record(entry(`full${i}`));
    await waitFor(() => (w.stats().written >= 200 ? true : undefined));
    expect(w.stats()).toMatchObject({ written: 200, buffered: 50 });
    await w.flush();
    expect(w.stats()).toMatchObject({ written: 250, buffered: 0 });
    expect(q.inserts).toBe(3);
    await w.close();
  });

  it('keeps entries through a database outage and writes them when it is back', async () => {
    const q = new FaultInjector(db);
    const w = new AuthLogWriter(q, { flushIntervalMs: 20, retryDelayMs: 20, maxRetryDelayMs: 100 });
    q.down = true;
    for (let i = 0; i < 500; i++) w.record(entry(`outage${i}`));
    await waitFor(() => (w.stats().failures >= 3 ? true : undefined));
    expect(w.stats()).toMatchObject({ buffered: 500, written: 0, dropped: 0 });
    q.down = false;
    await waitFor(() => (w.stats().written === 500 ? true : undefined));
    expect(await rowsFor('outage')).toBe(500);
    await w.close();
  });

  it('drops the oldest entries beyond its bound and counts them', async () => {
    const q = new FaultInjector(db);
    q.down = true;
    const w = new AuthLogWriter(q, { maxBuffered: 100, flushIntervalMs: 20, retryDelayMs: 10_000 });
    for (let i = 0; i < 250; i++) w.record(entry(`bound${i}`));
    expect(w.stats()).toMatchObject({ buffered: 100, dropped: 150 });
    q.down = false;
    await w.flush();
    const kept = await db.query<{ username: string }>("SELECT username FROM auth_log WHERE username LIKE 'bound%' ORDER BY id");
    expect(kept.rows.map((r) => r.username)).toEqual(Array.from({ length: 100 }, (_, i) => `bound${150 + i}`));
    await w.close();
  });

  it('writes what is left on close, as SIGTERM needs', async () => {
    const w = new AuthLogWriter(db, { flushIntervalMs: 60_000 });
    for (let i = 0; i < 42; i++) w.record(entry(`close${i}`));
    await w.close();
    expect(await rowsFor('close')).toBe(42);
    w.record(entry('close-late'));
    expect(w.stats().dropped).toBe(1);
  });

  it('gives up on close after its timeout when the database stays away', async () => {
    const q = new FaultInjector(db);
    q.down = true;
    const warnings: string[] = [];
    const w = new AuthLogWriter(q, { flushIntervalMs: 60_000, closeTimeoutMs: 200, retryDelayMs: 20, log: { warn: (_o, m) => warnings.push(m) } });
    w.record(entry('never'));
    const started = Date.now();
    await w.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(w.stats().buffered).toBe(1);
    expect(warnings).toContain('authentication log entries not written before shutdown');
  });
});
