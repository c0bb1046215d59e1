/**
 * Scheduled close of stale sessions (design.md: "Stale sessions after a NAS
 * reboot or power cut block logins through simultaneous-use: close ... on a
 * deadline of about 2-3x the interim interval, with a recorded cause").
 * Closed sessions get terminate cause 'Stale-Session' and stay in history;
 * the next flush writes them to Postgres.
 */
import type { MinimalLogger } from '../accounting/logger.js';
import { scheduleJob, type JobHandle } from '../accounting/scheduled-job.js';
import type { SessionStore } from '../accounting/store.js';
import type { LiveSession } from '../domain/session.js';

export interface ReapJobOptions {
  store: SessionStore;
  logger: MinimalLogger;
  /** Cron expression (config accounting.reapCron). */
  schedule: string;
  /** Injected clock, epoch ms. */
  clock?: () => number;
  /** Intervals without an update before a session is stale (config accounting.staleMultiple). */
  multiple: number;
  /** Interim interval assumed when the NAS never sent one (config accounting.defaultInterimInterval), seconds. */
  defaultIntervalS: number;
  /** Told of the sessions each run closed (their session.stopped webhooks). */
  onClosed?: (closed: LiveSession[]) => Promise<void>;
}

export function reapStale(store: SessionStore, now: number, multiple: number, defaultIntervalS: number): Promise<LiveSession[]> {
  return store.closeStale(now, multiple, defaultIntervalS);
}

export function startReapStaleJob(opts: ReapJobOptions): JobHandle<LiveSession[]> {
  const clock = opts.clock ?? Date.now;
  return scheduleJob({
    name: 'reap-stale',
    schedule: opts.schedule,
    logger: opts.logger,
    run: async () => {
      const closed = await reapStale(opts.store, clock(), opts.multiple, opts.defaultIntervalS);
      if (closed.length > 0) await opts.onClosed?.(closed);
      return closed;
    },
    describe: (closed) =>
      closed.length === 0 ? null : { closed: closed.length, sessions: closed.map((s) => ({ username: s.username, nas: s.nas, uniqueId: s.uniqueId })) },
  });
}
