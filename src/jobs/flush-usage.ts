/**
 * Scheduled flush of live usage to Postgres (accounting/flusher.ts), on
 * config accounting.flushCron. Safe on every daemon at once (the flush is
 * idempotent, see flusher.ts); a failed run (Postgres down) is logged and
 * retried.
 */
import type { Db } from '../db/db.js';
import { flushUsage, type FlushReport } from '../accounting/flusher.js';
import type { MinimalLogger } from '../accounting/logger.js';
import { scheduleJob, type JobHandle } from '../accounting/scheduled-job.js';
import type { SessionStore } from '../accounting/store.js';
import type { IdentityKey } from '../privacy/identity-key.js';

export interface FlushJobOptions {
  store: SessionStore;
  db: Db;
  logger: MinimalLogger;
  /** Cron expression (config accounting.flushCron). */
  schedule: string;
  /** Injected clock, epoch ms. */
  clock?: () => number;
  batchSize?: number;
  /** Seals the connection register's identities (retention.keyFile). */
  identityKey?: IdentityKey | null;
  /** Told after each successful run (for the flush-lag metric). */
  onFlushed?: (report: FlushReport) => void;
}

export function startFlushUsageJob(opts: FlushJobOptions): JobHandle<FlushReport> {
  return scheduleJob({
    name: 'flush-usage',
    schedule: opts.schedule,
    logger: opts.logger,
    run: async () => {
      const report = await flushUsage(opts.store, opts.db, { ...(opts.clock ? { now: opts.clock } : {}), ...(opts.batchSize ? { batchSize: opts.batchSize } : {}), identityKey: opts.identityKey ?? null });
      opts.onFlushed?.(report);
      return report;
    },
    describe: (r) => (r.sessions === 0 ? null : { ...r }),
  });
}
