/**
 * The daemon's per-NAS counters against a real PostgreSQL: one row per
 * source, minute and outcome; several flushes (or daemons) add up; counts
 * survive a database outage; rows older than a day are pruned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Db, Queryable } from '../../src/db/db.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import { NasActivity } from '../../src/server/nas-activity.js';
import { freePort } from '../support/services.js';
import { migratedPostgres } from '../db/helpers.js';

const silent = pino({ level: 'silent' });
const T0 = Date.parse('2026-11-10T12:00:30Z');
let db: Db;
let unreachable: Db;

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  unreachable = createPostgresDb(`postgres://radassoc@127.0.0.1:${await freePort()}/none`);
});

afterAll(async () => {
  await unreachable?.close().catch(() => undefined);
  await db?.close();
});

async function rows(): Promise<Array<Record<string, unknown>>> {
  const r = await db.query(`SELECT source_kind, source, to_char(minute AT TIME ZONE 'UTC', 'HH24:MI') AS minute, outcome, count::int AS count FROM nas_activity ORDER BY 1, 2, 3, 4`);
  return r.rows;
}

describe('NAS activity counters', () => {
  it('writes one row per source, minute and outcome, and adds later flushes to them', async () => {
    let now = T0;
    const a = new NasActivity(db, silent, { flushMs: 0, now: () => now });
    for (let i = 0; i < 5; i++) a.answered('bras1', now);
    a.note('bras1', '192.0.2.1', 'bad-message-authenticator', now);
    a.note(null, '198.51.100.7', 'unknown-nas', now);
    now += 60_000;
    a.answered('bras1', now);
    a.note('bras1', '192.0.2.1', 'reject:bad-password', now);
    await a.flush();
    // A second daemon counting the same minute.
    const b = new NasActivity(db, silent, { flushMs: 0, now: () => now });
    b.answered('bras1', now);
    await b.close();
    await a.close();
    expect(await rows()).toEqual([
      { source_kind: 'address', source: '198.51.100.7', minute: '12:00', outcome: 'unknown-nas', count: 1 },
      { source_kind: 'nas', source: 'bras1', minute: '12:00', outcome: 'answered', count: 5 },
      { source_kind: 'nas', source: 'bras1', minute: '12:00', outcome: 'bad-message-authenticator', count: 1 },
      { source_kind: 'nas', source: 'bras1', minute: '12:01', outcome: 'answered', count: 2 },
      { source_kind: 'nas', source: 'bras1', minute: '12:01', outcome: 'reject:bad-password', count: 1 },
    ]);
  });

  it('keeps the counts while the database is unreachable and writes them once it is back', async () => {
    await db.query('DELETE FROM nas_activity');
    let target: Queryable = unreachable;
    const switchable: Queryable = { query: (sql, params) => target.query(sql, params) };
    const a = new NasActivity(switchable, silent, { flushMs: 0, now: () => T0 });
    a.answered('bras2', T0);
    await a.flush();
    a.answered('bras2', T0);
    target = db;
    await a.close();
    expect(await rows()).toEqual([{ source_kind: 'nas', source: 'bras2', minute: '12:00', outcome: 'answered', count: 2 }]);
  });

  it('deletes the minutes older than a day', async () => {
    const dayLater = T0 + 24 * 3_600_000 + 120_000;
    const a = new NasActivity(db, silent, { flushMs: 0, now: () => dayLater });
    a.answered('bras3', dayLater);
    await a.close();
    expect((await rows()).map((r) => r.source)).toEqual(['bras3']);
  });
});
