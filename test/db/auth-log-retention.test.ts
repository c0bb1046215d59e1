import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { insertAuthLogBatch, pruneAuthLog } from '../../src/db/auth-log.js';
import { startPruneAuthLogJob } from '../../src/jobs/prune-auth-log.js';
import type { AuthLogEntry } from '../../src/domain/auth-result.js';
import { migratedPostgres } from './helpers.js';

let db: Db;
beforeAll(async () => {
  ({ db } = await migratedPostgres());
});
afterAll(async () => {
  await db.close();
});

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 3, 30);
const attempt = (username: string, daysAgo: number): AuthLogEntry => ({
  time: new Date(NOW - daysAgo * DAY), username, nas: 'edge1', method: 'pap', result: 'accept', reason: null, callingStationId: null, classId: null,
});

async function daysKept(prefix: string): Promise<number[]> {
  const r = await db.query<{ d: number }>(
    `SELECT round(extract(epoch FROM ($2::timestamptz - time)) / 86400)::int AS d FROM auth_log WHERE username LIKE $1 ORDER BY time DESC`,
    [`${prefix}%`, new Date(NOW)],
  );
  return r.rows.map((row) => row.d);
}

describe('authentication log retention', () => {
  it('deletes only the rows older than the cut-off, in as many batches as it takes', async () => {
    await insertAuthLogBatch(db, [...Array.from({ length: 25 }, (_, i) => attempt(`prune-old${i}`, 200 + i)), attempt('prune-new', 10), attempt('prune-edge', 179)]);
    const deleted = await pruneAuthLog(db, new Date(NOW - 180 * DAY), 7);
    expect(deleted).toBe(25);
    expect(await daysKept('prune-')).toEqual([10, 179]);
  });

  it('runs daily as a job with the configured retention, and not at all with 0 days', async () => {
    await insertAuthLogBatch(db, [attempt('job-old', 31), attempt('job-new', 29)]);
    const silent = { info: () => {}, warn: () => {}, error: () => {} };
    expect(startPruneAuthLogJob({ db, logger: silent, retentionDays: 0, schedule: '30 3 * * *' })).toBeNull();
    const job = startPruneAuthLogJob({ db, logger: silent, retentionDays: 30, schedule: '30 3 * * *', clock: () => NOW })!;
    try {
      expect(await job.runOnce()).toBeGreaterThanOrEqual(1);
      expect(await daysKept('job-')).toEqual([29]);
    } finally {
      await job.stop();
    }
  });
});
