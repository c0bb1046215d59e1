/** The daemon's scheduled jobs, started together and stopped together. */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/db.js';
import type { SessionStore } from '../accounting/store.js';
import type { LiveSession } from '../domain/session.js';
import { startFlushUsageJob } from './flush-usage.js';
import type { IdentityKey } from '../privacy/identity-key.js';
import { startReapStaleJob } from './reap-stale.js';
import { startDuesJob } from './dues.js';
import { startRetentionJob } from './retention.js';
import { startLapsingHooksJob } from './lapsing-hooks.js';
import { CoaClient } from '../coa/client.js';

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
  /** Seals the connection register's identities (retention.keyFile). */
  identityKey?: IdentityKey | null;
  /** Told of the sessions the stale-session reaper closed. */
  onReaped?: (closed: LiveSession[]) => Promise<void>;
}

export function startJobs({ config, db, store, log, now, identityKey = null, onReaped }: JobDeps): Jobs {
  const clock = now ? { clock: now } : {};
  let lastFlush = 0;
  const flush = startFlushUsageJob({ store, db, logger: log, schedule: config.accounting.flushCron, identityKey, ...clock, onFlushed: () => (lastFlush = Date.now()) });
  const handles: Array<{ stop(): Promise<void> }> = [
    flush,
    startReapStaleJob({
      store,
      logger: log,
      schedule: config.accounting.reapCron,
      multiple: config.accounting.staleMultiple,
      defaultIntervalS: config.accounting.defaultInterimInterval,
      ...clock,
      ...(onReaped ? { onClosed: onReaped } : {}),
    }),
  ];
  // Every kind of data past its period, the authentication log included (docs/privacy.md).
  handles.push(startRetentionJob({ db, logger: log, config, ...clock }));
  handles.push(
    startLapsingHooksJob({
      db,
      log,
      schedule: config.webhooks.lapsingCron,
      withinDays: config.webhooks.lapsingWithinDays,
      graceDays: config.dues.graceDays,
      retentionDays: config.webhooks.retentionDays,
      ...(now ? { now } : {}),
    }),
  );
  // The dues job suspends lapsed members and disconnects them: it needs its own CoA client.
  const coa = new CoaClient({ localAddress: config.bind });
  const dues = startDuesJob({ db, store, coa, log, schedule: config.dues.cron, graceDays: config.dues.graceDays, ...(now ? { now } : {}) });
  return {
    stop: async () => {
      await Promise.all([...handles, dues].map((h) => h.stop()));
      await coa.close();
    },
    lastFlushAt: () => lastFlush,
  };
}
