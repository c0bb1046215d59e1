/**
 * The daily retention run (docs/privacy.md): every tenant's data past its
 * period deleted, the authentication log included (each tenant after its own
 * authLogRetentionDays, else the deployment's authLog.retentionDays), usage
 * detail folded into monthly totals, what went recorded in the retention and
 * audit logs. Several daemons may run it at once: a row is deleted once, a
 * month folded once.
 */
import type { MinimalLogger } from '../accounting/logger.js';
import { scheduleJob, type JobHandle } from '../accounting/scheduled-job.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/db.js';
import { retentionOwners, runRetention, type RetentionRunReport } from '../privacy/retention-run.js';
import { deploymentRetention } from '../services/tenant-settings.js';

export const RETENTION_JOB_ACTOR = 'retention-job';

export interface RetentionJobOptions {
  db: Db;
  logger: MinimalLogger;
  config: Pick<Config, 'authLog' | 'retention'>;
  /** Injected clock, epoch ms. */
  clock?: () => number;
}

/** One deployment-wide run, as the job does it. */
export async function runRetentionEverywhere(db: Db, config: Pick<Config, 'authLog' | 'retention'>, now: number, logger?: MinimalLogger): Promise<RetentionRunReport> {
  const owners = await retentionOwners(db, deploymentRetention(config), 'all');
  return runRetention(db, {
    now,
    batchSize: config.retention.batchSize,
    dryRun: false,
    actor: RETENTION_JOB_ACTOR,
    owners,
    deploymentWide: true,
    ...(logger ? { log: logger } : {}),
  });
}

export function startRetentionJob(opts: RetentionJobOptions): JobHandle<RetentionRunReport> {
  const clock = opts.clock ?? Date.now;
  return scheduleJob({
    name: 'retention',
    schedule: opts.config.retention.cron,
    logger: opts.logger,
    run: () => runRetentionEverywhere(opts.db, opts.config, clock(), opts.logger),
    describe: (r) => {
      const removed = r.results.filter((x) => x.rows > 0);
      return removed.length === 0 ? null : { run: r.run_id, removed: removed.map((x) => ({ tenant: x.tenant, kind: x.kind, rows: x.rows })) };
    },
  });
}
