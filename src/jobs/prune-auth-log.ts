/**
 * Scheduled retention of the authentication log (config authLog): one row
 * per Access-Request adds up to millions a month on a busy BRAS, and every
 * insert pays for the index on username, more once that index no longer
 * fits in PostgreSQL's cache. Rows past the retention are deleted daily,
 * each tenant's after its own authLogRetentionDays (else the deployment's),
 * the rows of no tenant after the deployment's; several daemons may run it
 * at once (a row is deleted once). With the deployment's retention at 0 no
 * job runs: the operator keeps the whole log.
 */
import type { MinimalLogger } from '../accounting/logger.js';
import { scheduleJob, type JobHandle } from '../accounting/scheduled-job.js';
import type { Queryable } from '../db/db.js';
import { pruneAuthLog } from '../db/auth-log.js';
import { listTenantRefs, tenantSettings } from '../db/tenants.js';

const DAY_MS = 86_400_000;

/** One pass over every tenant, then the rows no tenant was found for; 0 days keeps a tenant's whole log. */
export async function pruneEveryTenant(db: Queryable, now: number, deploymentDays: number): Promise<number> {
  let deleted = 0;
  for (const tenant of await listTenantRefs(db)) {
    const days = (await tenantSettings(db, tenant.id)).authLogRetentionDays ?? deploymentDays;
    if (days > 0) deleted += await pruneAuthLog(db, new Date(now - days * DAY_MS), undefined, tenant.id);
  }
  if (deploymentDays > 0) deleted += await pruneAuthLog(db, new Date(now - deploymentDays * DAY_MS), undefined, null);
  return deleted;
}

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
    run: () => pruneEveryTenant(opts.db, clock(), opts.retentionDays),
    describe: (deleted) => (deleted === 0 ? null : { deleted, retentionDays: opts.retentionDays }),
  });
}
