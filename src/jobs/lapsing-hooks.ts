/**
 * The daily member.lapsing job (config webhooks.lapsingCron): for every
 * tenant with a member.lapsing hook, one event per active member whose
 * paid-until falls within webhooks.lapsingWithinDays (or is already past, in
 * the grace before the dues job suspends: the tenant's own grace where it
 * set one, as the dues job counts it). One event per member and
 * paid-until date, however many days or daemons run the job: a member who
 * pays (a new paid-until) and lapses again gets a new one. The same run
 * prunes deliveries older than webhooks.retentionDays.
 */
import type { MinimalLogger } from '../accounting/logger.js';
import { scheduleJob, type JobHandle } from '../accounting/scheduled-job.js';
import type { Db } from '../db/db.js';
import { enqueueEvent, lapsingHookTenants, lapsingMembers, pruneDeliveries } from '../db/hooks.js';
import { graceDaysOf } from '../services/tenant-settings.js';
import { addDays, daysBetween, utcDate } from '../lifecycle/days.js';
import { suspendsOn } from '../lifecycle/dues.js';
import type { LapsingData } from '../webhooks/events.js';

export interface LapsingRunReport {
  today: string;
  queued: number;
  pruned: number;
}

export interface LapsingHooksOptions {
  db: Db;
  log: MinimalLogger;
  withinDays: number;
  /** config dues.graceDays, for a tenant without its own. */
  graceDays: number;
  retentionDays: number;
  now?: () => number;
}

export async function runLapsingHooks(opts: LapsingHooksOptions): Promise<LapsingRunReport> {
  const today = utcDate((opts.now ?? Date.now)());
  let queued = 0;
  for (const tenantId of await lapsingHookTenants(opts.db)) {
    const grace = await graceDaysOf(opts.db, tenantId, opts.graceDays);
    for (const m of await lapsingMembers(opts.db, tenantId, addDays(today, -grace), addDays(today, opts.withinDays))) {
      const data: LapsingData = {
        username: m.username,
        paid_until: m.paidUntil,
        days_left: daysBetween(today, m.paidUntil),
        suspends_on: suspendsOn(m.paidUntil, grace),
        plan: m.plan,
      };
      queued += await enqueueEvent(opts.db, { tenantId, event: 'member.lapsing', data, dedupeKey: `member.lapsing:${m.username}:${m.paidUntil}` });
    }
  }
  const pruned = await pruneDeliveries(opts.db, opts.retentionDays);
  return { today, queued, pruned };
}

export function startLapsingHooksJob(opts: LapsingHooksOptions & { schedule: string }): JobHandle<LapsingRunReport> {
  return scheduleJob({
    name: 'webhooks-lapsing',
    schedule: opts.schedule,
    logger: opts.log,
    run: () => runLapsingHooks(opts),
    describe: (r) => (r.queued === 0 && r.pruned === 0 ? null : { ...r }),
  });
}
