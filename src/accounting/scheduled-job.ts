/**
 * A node-cron job that never overlaps itself: a run still going when the next
 * tick fires is not doubled (node-cron's noOverlap, plus our own guard, which
 * also covers runOnce() called by hand, e.g. `radassoc flush` in-process).
 * Failures are logged and the schedule continues: the jobs are idempotent
 * and simply retry at the next tick.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { RadassocError } from '../errors.js';
import type { MinimalLogger } from './logger.js';

export interface JobOptions<T> {
  name: string;
  /** Cron expression (5 fields, or 6 with seconds), evaluated in UTC. */
  schedule: string;
  run: () => Promise<T>;
  logger: MinimalLogger;
  /** What to log after a run; return null to log nothing (an idle run). */
  describe?: (result: T) => Record<string, unknown> | null;
}

export interface JobHandle<T> {
  /** Runs now unless a run is in progress; resolves with its result, or null when skipped or failed. */
  runOnce(): Promise<T | null>;
  isRunning(): boolean;
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>;
}

export function scheduleJob<T>(opts: JobOptions<T>): JobHandle<T> {
  if (!cron.validate(opts.schedule)) {
    throw new RadassocError('CONFIG_INVALID', `${opts.name}: "${opts.schedule}" is not a valid cron expression`, { job: opts.name });
  }
  let inFlight: Promise<T | null> | null = null;

  const runOnce = (): Promise<T | null> => {
    if (inFlight) {
      opts.logger.warn({ job: opts.name }, 'previous run still in progress; skipping this one');
      return Promise.resolve(null);
    }
    const started = Date.now();
    inFlight = (async () => {
      try {
        const result = await opts.run();
        const info = opts.describe ? opts.describe(result) : {};
        if (info) opts.logger.info({ job: opts.name, ms: Date.now() - started, ...info }, `${opts.name} done`);
        return result;
      } catch (e) {
        opts.logger.error({ job: opts.name, err: e instanceof Error ? e.message : String(e) }, `${opts.name} failed; will retry at the next run`);
        return null;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  const job = { job: opts.name };
  const text = (m: string | Error): string => (m instanceof Error ? m.message : m);
  const task: ScheduledTask = cron.schedule(opts.schedule, () => runOnce(), {
    name: opts.name,
    noOverlap: true,
    timezone: 'UTC',
    // node-cron's own messages (e.g. an overlap it blocked) go to our logger, not stderr.
    logger: {
      info: (m) => opts.logger.info(job, m),
      warn: (m) => opts.logger.warn(job, m),
      error: (m, e) => opts.logger.error({ ...job, err: e?.message }, text(m)),
      debug: () => undefined,
    },
  });

  return {
    runOnce,
    isRunning: () => inFlight !== null,
    async stop() {
      await task.destroy();
      if (inFlight) await inFlight;
    },
  };
}
