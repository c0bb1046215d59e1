import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinimalLogger } from '../../src/accounting/logger.js';
import { MemoryStore } from '../../src/accounting/memory-store.js';
import { scheduleJob } from '../../src/accounting/scheduled-job.js';
import type { Db } from '../../src/db/db.js';
import { startFlushUsageJob } from '../../src/jobs/flush-usage.js';
import { startReapStaleJob } from '../../src/jobs/reap-stale.js';
import { usageDb } from './fixtures.js';
import { interim, start, T0 } from './records.js';

interface Logged {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function memoryLogger(): MinimalLogger & { lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: Logged['level']) => (obj: Record<string, unknown>, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('scheduled jobs', () => {
  it('run on their cron schedule and never overlap a slow run', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const job = scheduleJob({
      name: 'slow',
      schedule: '* * * * * *',
      logger: memoryLogger(),
      run: async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(1500);
        running--;
        runs++;
      },
    });
    await sleep(3600);
    await job.stop();
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(maxRunning).toBe(1);
    expect(job.isRunning()).toBe(false);
  });

  it('skip a manual run while one is in progress', async () => {
    const log = memoryLogger();
    const job = scheduleJob({ name: 'manual', schedule: '0 0 1 1 *', logger: log, run: async () => (await sleep(100), 42) });
    const [a, b] = await Promise.all([job.runOnce(), job.runOnce()]);
    expect([a, b]).toEqual([42, null]);
    expect(log.lines.some((l) => l.level === 'warn' && l.obj.job === 'manual')).toBe(true);
    await job.stop();
  });

  it('log a failure and retry at the next run', async () => {
    const log = memoryLogger();
    let n = 0;
    const job = scheduleJob({
      name: 'flaky',
      schedule: '0 0 1 1 *',
      logger: log,
      run: async () => {
        if (n++ === 0) throw new Error('database unreachable');
        return 'ok';
      },
    });
    expect(await job.runOnce()).toBeNull();
    expect(log.lines[0]).toMatchObject({ level: 'error', obj: { job: 'flaky', err: 'database unreachable' } });
    expect(await job.runOnce()).toBe('ok');
    await job.stop();
  });

  it('refuse an invalid cron expression', () => {
    expect(() => scheduleJob({ name: 'bad', schedule: 'every minute', logger: memoryLogger(), run: async () => 1 })).toThrow(/not a valid cron/);
  });
});

describe('flush-usage and reap-stale jobs', () => {
  let db: Db;
  beforeAll(async () => {
    db = await usageDb();
  });
  afterAll(async () => {
    await db.close();
  });

  it('flush with the injected clock and log what they wrote', async () => {
    const store = new MemoryStore();
    await store.applyRecord(start());
    await store.applyRecord(interim(300, 10, 20));
    const log = memoryLogger();
    let flushed = 0;
    const job = startFlushUsageJob({ store, db, logger: log, schedule: '* * * * *', clock: () => T0 + 999_000, onFlushed: () => flushed++ });
    expect(await job.runOnce()).toEqual({ batches: 1, sessions: 1, finished: 0, snapshots: 1 });
    expect(flushed).toBe(1);
    const r = await db.query<{ updated_at: Date }>('SELECT updated_at FROM usage_sessions');
    expect(r.rows[0]?.updated_at.getTime()).toBe(T0 + 999_000);
    expect(log.lines).toEqual([expect.objectContaining({ level: 'info', obj: expect.objectContaining({ job: 'flush-usage', sessions: 1 }) })]);
    expect(await job.runOnce()).toMatchObject({ sessions: 0 });
    expect(log.lines).toHaveLength(1); // an idle run logs nothing
    await job.stop();
  });

  it('reap stale sessions by the injected clock, with a pino logger', async () => {
    const store = new MemoryStore();
    await store.applyRecord(start({ interimInterval: 300 }));
    await store.applyRecord(start({ acctSessionId: 'fresh', startAt: T0 + 3_000_000 }));
    const logger = pino({ level: 'silent' });
    const told: string[][] = [];
    const onClosed = async (sessions: Array<{ acctSessionId: string }>): Promise<void> => void told.push(sessions.map((s) => s.acctSessionId));
    const job = startReapStaleJob({ store, logger, schedule: '*/5 * * * *', clock: () => T0 + 3_100_000, multiple: 3, defaultIntervalS: 600, onClosed });
    const closed = await job.runOnce();
    expect(closed?.map((s) => [s.acctSessionId, s.terminateCause])).toEqual([['sess-1', 'Stale-Session']]);
    // Told once, of what it closed (their session.stopped webhooks); a run that closes nothing tells nothing.
    expect(told).toEqual([['sess-1']]);
    await job.runOnce();
    expect(told).toEqual([['sess-1']]);
    expect(await store.countOpenForUser('alice', DEFAULT_TENANT_ID)).toBe(1);
    await job.stop();
  });
});
