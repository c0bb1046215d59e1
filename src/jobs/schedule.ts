/** The daemon's scheduled jobs, started together and stopped together. */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/db.js';
import type { SessionStore } from '../accounting/store.js';
import { startFlushUsageJob } from './flush-usage.js';
import { startReapStaleJob } from './reap-stale.js';

export interface Jobs {
  stop(): Promise<void>;
  /** Epoch ms of the last successful usage flush, 0 before the first. */
  lastFlushAt(): number;
}

export interface JobDeps {
  config: Config;
  db: Db;
  store: SessionStore;
  log: Logger;
  /** Injected clock, epoch ms. */
  now?: () => number;
}

export function startJobs({ config, db, store, log, now }: JobDeps): Jobs {
  const clock = now ? { clock: now } : {};
  let lastFlush = 0;
  const flush = startFlushUsageJob({ store, db, logger: log, schedule: config.accounting.flushCron, ...clock, onFlushed: () => (lastFlush = Date.now()) });
  const handles = [
    flush,
    startReapStaleJob({
      store,
      logger: log,
      schedule: config.accounting.reapCron,
      multiple: config.accounting.staleMultiple,
      defaultIntervalS: config.accounting.defaultInterimInterval,
      ...clock,
    }),
  ];
  return { stop: async () => void (await Promise.all(handles.map((h) => h.stop()))), lastFlushAt: () => lastFlush };
}
