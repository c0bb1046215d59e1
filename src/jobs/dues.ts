/**
 * The daily dues job (config dues.cron, dues.graceDays): suspends members
 * past paid-until plus grace with the reason "dues lapsed" and disconnects
 * their live sessions (lifecycle/dues.ts). Safe on every daemon copy at
 * once: each member is re-checked under a per-member lock, so the second
 * copy finds it suspended and does nothing. Runs on UTC dates, like every
 * job here.
 */
import type { MinimalLogger } from '../accounting/logger.js';
import { scheduleJob, type JobHandle } from '../accounting/scheduled-job.js';
import type { CoaSender } from '../coa/client.js';
import type { Db } from '../db/db.js';
import type { LiveSessionSource } from '../lifecycle/deps.js';
import { runDues, type DuesRunReport } from '../lifecycle/dues.js';

/** The audit log's and disconnect_log's actor for what the job does. */
export const DUES_JOB_ACTOR = 'dues-job';

export interface DuesJobOptions {
  db: Db;
  store: LiveSessionSource;
  coa: CoaSender;
  log: MinimalLogger;
  /** Cron expression (config dues.cron). */
  schedule: string;
  /** config dues.graceDays */
  graceDays: number;
  /** Injected clock, epoch ms. */
  now?: () => number;
}

export function startDuesJob(opts: DuesJobOptions): JobHandle<DuesRunReport> {
  const deps = { db: opts.db, store: opts.store, coa: opts.coa, log: opts.log, actor: DUES_JOB_ACTOR, ...(opts.now ? { now: opts.now } : {}) };
  return scheduleJob({
    name: 'dues',
    schedule: opts.schedule,
    logger: opts.log,
    run: () => runDues(deps, { graceDays: opts.graceDays, dryRun: false }),
    describe: (r) =>
      r.suspended.length === 0
        ? null
        : {
            today: r.today,
            suspended: r.suspended.map((s) => s.username),
            disconnects: r.suspended.flatMap((s) => s.disconnects.map((a) => ({ user: a.username, nas: a.nas, outcome: a.outcome }))),
          },
  });
}
