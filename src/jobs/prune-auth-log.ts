/**
 * Scheduled retention of the authentication log (config authLog): one row
 * per Access-Request adds up to millions a month on a busy BRAS, and every
 * insert pays for the index on username, more once that index no longer
 * fits in PostgreSQL's cache. Rows past the retention are deleted daily;
 * several daemons may run it at once (a row is deleted once).
 */
import type { MinimalLogger } from '../accounting/logger.js';
import { scheduleJob, type JobHandle } from '../accounting/scheduled-job.js';
import type { Queryable } from '../db/db.js';
import { pruneAuthLog } from '../db/auth-log.js';

const DAY_MS = 86_400_000;

export interface PruneAuthLogJobOptions {
  db: Queryable;
  logger: MinimalLogger;
  /** Days of log kept (config authLog.retentionDays); 0 keeps everything and starts no job. */
  retentionDays: number;
  schedule: string;
  /** Injected clock, epoch ms. */
  clock?: () => number;
}

export function startPruneAuthLogJob(opts: PruneAuthLogJobOptions): JobHandle<number> | null {
  if (opts.retentionDays === 0) return null;
  const clock = opts.clock ?? Date.now;
  return scheduleJob({
    name: 'prune-auth-log',
    schedule: opts.schedule,
    logger: opts.logger,
    run: () => pruneAuthLog(opts.db, new Date(clock() - opts.retentionDays * DAY_MS)),
    describe: (deleted) => (deleted === 0 ? null : { deleted, retentionDays: opts.retentionDays }),
  });
}
