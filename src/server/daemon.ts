/**
 * Wiring of one daemon process: database, caches, stores, listeners, jobs.
 * Construction only; policy lives in auth/ and accounting/, the receive path
 * in dispatcher.ts. `stop()` is what SIGTERM runs: stop reading, answer what
 * is in flight, flush the authentication log, close the stores.
 */
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import type { Config } from '../config/schema.js';
import { openDatabase, type OpenedDb } from '../db/open.js';
import { migrate } from '../db/migrate.js';
import { AuthLogWriter } from '../db/auth-log-writer.js';
import { AccessPolicy } from '../auth/access-policy.js';
import { openLoginGuard } from '../auth/login-guard-redis.js';
import { openSessionStore } from '../accounting/open-store.js';
import { flushUsage } from '../accounting/flusher.js';
import type { SessionStore } from '../accounting/store.js';
import { startJobs, type Jobs } from '../jobs/schedule.js';
import { DirectoryCache } from '../auth/directory-cache.js';
import { Dispatcher } from './dispatcher.js';
import { ServerMetrics } from './metrics.js';
import { UdpServer } from './udp-server.js';
import { ensureFirstNas, inContainer } from './first-nas.js';
import { listenScope, warnOfUnreachableNas } from './listen-addresses.js';
import { DropLog } from './drop-log.js';
import { NasActivity } from './nas-activity.js';
import { startHttpServer } from '../ops/http.js';
import { createRegistry } from '../ops/prometheus.js';
import { createControlHandler, ensureControlToken, writeControlUrl } from '../ops/control.js';

export interface Daemon {
  readonly config: Config;
  readonly directory: DirectoryCache;
  readonly store: SessionStore;
  readonly metrics: ServerMetrics;
  readonly db: OpenedDb;
  /** Per-NAS counts behind `nas diagnose`; tests flush it by hand. */
  readonly activity: NasActivity;
  ports(): { auth: number; acct: number };
  stop(): Promise<void>;
}

export interface DaemonOptions {
  /** Injected clock for tests (epoch ms). */
  now?: () => number;
  /** Run the cron jobs (flush, reap, dues); tests drive them by hand. */
  jobs?: boolean;
  /** How long stop() waits for requests in flight (UdpServer drainMs). */
  drainMs?: number;
  /** How often per-NAS activity is written (default 10 s), and drop counts logged (default 60 s). */
  activityFlushMs?: number;
  dropLogEveryMs?: number;
}

export async function startDaemon(config: Config, log: Logger, opts: DaemonOptions = {}): Promise<Daemon> {
  let directory: DirectoryCache | null = null;
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedDbPort,
    role: 'daemon',
    postgres: {
      onError: (e) => log.warn({ err: e.message }, 'PostgreSQL connection error'),
      // NOTIFYs sent while the LISTEN connection was down are lost: reload everything.
      onListenerEvent: (e) => {
        if (e.type === 'reconnected') void directory?.reloadAll().catch((err: Error) => log.error({ err: err.message }, 'directory reload failed'));
        else log.warn({ event: e.type }, 'PostgreSQL LISTEN connection');
      },
    },
  });
  const cleanup: Array<() => Promise<void>> = [() => db.close()];
  try {
    await migrate(db.db);
    const container = inContainer();
    await ensureFirstNas(db.db, config, { embedded: db.embedded, inContainer: container, log });
    const cache = new DirectoryCache(db.db, log);
    directory = cache;
    await cache.start();
    cleanup.unshift(() => cache.stop());
    const store = await openSessionStore({ redisUrl: config.redisUrl, dataDir: config.dataDir, prefix: config.redisKeyPrefix, log });
    cleanup.unshift(() => store.close());
    const authLog = new AuthLogWriter(db.db, { log });
    cleanup.unshift(() => authLog.close());
    const metrics = new ServerMetrics();
    // Its own Redis connections (prefix + 'lockout:'): the store's client is tuned for accounting.
    const lockout = await openLoginGuard(config, log);
    cleanup.unshift(() => lockout.close());
    const policy = new AccessPolicy(
      cache,
      store,
      {
        replyMessages: config.replyMessages,
        restrictedPlan: config.restrictedPlan,
        sessionLimitWhenStoreDown: config.sessionLimitWhenStoreDown,
      },
      lockout.guard,
    );
    const activity = new NasActivity(db.db, log, { flushMs: opts.activityFlushMs, ...(opts.now ? { now: opts.now } : {}) });
    const dropLog = new DropLog(log, { everyMs: opts.dropLogEveryMs, ...(opts.now ? { now: opts.now } : {}) });
    // Runs after the listeners stop (cleanup runs first-added last): the final counts are written.
    cleanup.unshift(async () => {
      dropLog.close();
      await activity.close();
    });
    const dispatcher = new Dispatcher({
      activity,
      dropLog,
      nas: cache.nas,
      policy,
      accounting: { record: async (rec) => void (await store.applyRecord(rec)) },
      authLog,
      metrics,
      log,
      duplicateWindowMs: config.duplicateWindowMs,
      ...(opts.now ? { now: opts.now } : {}),
    });
    const scope = listenScope(config.bind, cache.nas.all().map((n) => n.address), container);
    if (scope === 'loopback') {
      log.info('every NAS is on loopback: listening on 127.0.0.1 and ::1 only; after adding a NAS elsewhere, restart radassoc to listen on every address (or give serve --bind ADDR)');
      const unwatch = await warnOfUnreachableNas(db.db, log);
      cleanup.unshift(unwatch);
    }
    const udp = new UdpServer(
      dispatcher,
      {
        authPort: config.authPort,
        acctPort: config.acctPort,
        bind: config.bind,
        loopbackOnly: scope === 'loopback',
        receiveBufferBytes: config.udpReceiveBufferBytes,
        isThrottled: (nas) => lockout.guard.isThrottled(nas),
        ...(opts.drainMs === undefined ? {} : { drainMs: opts.drainMs }),
      },
      log,
    );
    await udp.start();
    cleanup.unshift(async () => {
      await udp.stop();
      dispatcher.close();
    });
    const jobs: Jobs | null = opts.jobs === false ? null : startJobs({ config, db: db.db, store, log });
    if (jobs) cleanup.unshift(() => jobs.stop());
    if (config.httpPort > 0) {
      const registry = createRegistry({
        metrics,
        cache,
        authLog,
        lastFlushAt: () => jobs?.lastFlushAt() ?? 0,
        sessionCounts: () => store.counts(),
      });
      for (const [name, help, pick] of [
        ['radassoc_locked_out_users', 'User names locked out after repeated failed logins (this daemon\'s view)', 'lockedUsers'],
        ['radassoc_throttled_nas', 'NAS clients rate-limited for too many failed logins (this daemon\'s view)', 'throttledNas'],
      ] as const) {
        const g: Gauge = new Gauge({ name, help, registers: [registry], collect: () => g.set(lockout.guard.counts()[pick]) });
      }
      const http = await startHttpServer(config.httpHost, config.httpPort, {
        registry,
        log,
        checks: [
          { name: 'listeners', check: async () => void (udp.ports().auth || Promise.reject(new Error('not listening'))) },
          { name: 'database', check: async () => void (await db.db.query('SELECT 1')) },
          { name: 'sessionStore', check: () => store.ping() },
        ],
        // The CLI reads live sessions through this route when they live in this process (embedded).
        routes: [createControlHandler({ store, token: await ensureControlToken(config.dataDir), flush: () => flushUsage(store, db.db) })],
      });
      cleanup.unshift(() => http.close());
      await writeControlUrl(config.dataDir, `http://${config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost}:${http.port}`);
    }
    let stopping: Promise<void> | null = null;
    return {
      config,
      directory: cache,
      store,
      metrics,
      db,
      activity,
      ports: () => udp.ports(),
      stop: () => (stopping ??= runAll(cleanup, log)),
    };
  } catch (e) {
    await runAll(cleanup, log);
    throw e;
  }
}

async function runAll(steps: Array<() => Promise<void>>, log: Logger): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      log.error({ err: (e as Error).message }, 'shutdown step failed');
    }
  }
}
