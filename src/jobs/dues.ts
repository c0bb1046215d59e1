/**
 * The daily dues job (config dues.cron, dues.graceDays): suspends members
 * past paid-until plus grace with the reason "dues lapsed" and disconnects
 * their live sessions: the same call as `radassoc dues run`
 * (services/lifecycle.ts runDues), with the job as the actor. Safe on every
 * daemon copy at once: each member is re-checked under a per-member lock, so
 * the second copy finds it suspended and does nothing. Runs on UTC dates,
 * like every job here.
 */
import type { MinimalLogger } from '../accounting/logger.js';
import { scheduleJob, type JobHandle } from '../accounting/scheduled-job.js';
import type { CoaSender } from '../coa/client.js';
import type { Db } from '../db/db.js';
import type { Actor, LiveSessionSource } from '../services/deps.js';
import { runDues, type DuesRunReport } from '../services/lifecycle.js';

/** The audit log's and disconnect_log's actor for what the job does. */
export const DUES_JOB_ACTOR = 'dues-job';
const actor: Actor = { name: DUES_JOB_ACTOR };

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
  const deps = {
    db: opts.db,
    sessions: opts.store,
    coa: opts.coa,
    log: opts.log,
    config: { dues: { graceDays: opts.graceDays } },
    now: opts.now ?? (() => Date.now()),
  };
  return scheduleJob({
    name: 'dues',
    schedule: opts.schedule,
    logger: opts.log,
    run: () => runDues(deps, actor),
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
