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
import { listTenantRefs } from '../db/tenants.js';
import type { Actor, LiveSessionSource } from '../services/deps.js';
import { runDues, type DuesRunReport } from '../services/lifecycle.js';

/** The audit log's and disconnect_log's actor for what the job does. */
export const DUES_JOB_ACTOR = 'dues-job';
const actor: Actor = { name: DUES_JOB_ACTOR };

/** One run over every tenant, each in its own scope; one report, as the single-tenant run gave. */
async function duesForEveryTenant(deps: Parameters<typeof runDues>[0]): Promise<DuesRunReport> {
  const reports: DuesRunReport[] = [];
  for (const tenant of await listTenantRefs(deps.db)) reports.push(await runDues(deps, { actor, tenant }));
  const first = reports[0];
  if (!first) throw new Error('no tenant: the database has not been migrated');
  return { ...first, lapsed: reports.flatMap((r) => r.lapsed), suspended: reports.flatMap((r) => r.suspended) };
}

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
    run: () => duesForEveryTenant(deps),
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
