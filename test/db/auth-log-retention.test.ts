import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { insertAuthLogBatch, pruneAuthLog } from '../../src/db/auth-log.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { startRetentionJob } from '../../src/jobs/retention.js';
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

  it('runs daily in the retention job with the configured retention, and keeps everything with 0 days', async () => {
    await insertAuthLogBatch(db, [attempt('job-old', 31), attempt('job-new', 29)]);
    const silent = { info: () => {}, warn: () => {}, error: () => {} };
    const config = (days: number) => ({ authLog: { ...DEFAULT_CONFIG.authLog, retentionDays: days }, retention: DEFAULT_CONFIG.retention });
    const keepAll = startRetentionJob({ db, logger: silent, config: config(0), clock: () => NOW });
    try {
      await keepAll.runOnce();
      expect(await daysKept('job-')).toEqual([29, 31]);
    } finally {
      await keepAll.stop();
    }
    const job = startRetentionJob({ db, logger: silent, config: config(30), clock: () => NOW });
    try {
      const report = await job.runOnce();
      expect(report?.results.filter((r) => r.kind === 'auth-log').reduce((n, r) => n + r.rows, 0)).toBeGreaterThanOrEqual(1);
      expect(await daysKept('job-')).toEqual([29]);
    } finally {
      await job.stop();
    }
  });
});
