/**
 * The composition root: where a radassoc process is put together.
 *
 * `runServe` is the process (`radassoc serve` calls it): under `--workers N`
 * it becomes the supervisor (ops/cluster.ts) and runs no daemon; otherwise it
 * starts one daemon, serves until SIGTERM/SIGINT (or the supervisor's stop
 * message), and stops it cleanly.
 *
 * `startDaemon` is the wiring of one daemon: it opens the database and the
 * session store, builds the caches (auth/), the receive path (server/), the
 * jobs (jobs/), the operator's HTTP (ops/) and the service dependencies
 * (services/deps.ts) for the HTTP front ends, and hands each what it needs.
 * Construction only: policy lives in auth/ and accounting/, the receive path
 * in server/dispatcher.ts. `stop()` is what SIGTERM runs: stop reading,
 * answer what is in flight, flush the authentication log, close the stores.
 */
import { setFlagsFromString } from 'node:v8';
import type { Logger } from 'pino';
import type { Gauge as PromGauge } from 'prom-client';
import type { SessionStore } from './accounting/store.js';
import type { DirectoryCache } from './auth/directory-cache.js';
import type { Config } from './config/schema.js';
import type { OpenedDb } from './db/open.js';
import type { Jobs } from './jobs/schedule.js';
import { configuredIdentityKey } from './privacy/identity-key.js';
import {
  assertClusterable,
  isStopMessage,
  isWorkerProcess,
  notifyReady,
  releaseSupervisorChannel,
  resolveWorkerCount,
  runsJobs,
  runSupervisor,
} from './ops/cluster.js';
import type { NasActivity } from './server/nas-activity.js';
import type { ServerMetrics } from './server/metrics.js';
import type { ServiceDeps } from './services/deps.js';

export interface Daemon {
  readonly config: Config;
  readonly directory: DirectoryCache;
  readonly store: SessionStore;
  readonly metrics: ServerMetrics;
  readonly db: OpenedDb;
  /** Per-NAS counts behind `nas diagnose`; tests flush it by hand. */
  readonly activity: NasActivity;
  /** What a service call needs, from this daemon's own database, store and config: for the HTTP API. */
  readonly services: ServiceDeps;
  /** Where the HTTP API listens (src/api/), or null when api.port is 0. */
  readonly api: { port: number; url: string } | null;
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
  /** Longest wait of the webhook worker between looks at its queue (default 5 s). */
  hookPollMs?: number;
}

/**
 * `radassoc serve` once its configuration is resolved: the supervisor under
 * `--workers N` (N > 1), else one daemon until a signal stops it. The
 * supervisor sets the exit code; a daemon that cannot start throws.
 */
export async function runServe(config: Config): Promise<void> {
  const count = resolveWorkerCount(config.workers);
  const worker = isWorkerProcess();
  if (count > 1 && !worker) {
    assertClusterable(config, count);
    const { createConsoleLogger } = await import('./log.js');
    // The supervisor writes a few lines only: synchronously, so none is lost at exit.
    const log = await createConsoleLogger(config.logLevel, { format: config.logFormat, fd: 1, sync: true });
    process.exitCode = await runSupervisor({ workers: count, log });
    setTimeout(() => process.exit(), 2000).unref();
    return;
  }
  tuneHeapForDaemon();
  const { createDaemonLogger } = await import('./log.js');
  const log = await createDaemonLogger(config.logLevel, config.logFormat);
  const daemon = await startDaemon(config, log, { jobs: runsJobs() }).catch((e: unknown) => {
    if (worker) releaseSupervisorChannel(); // let the failed worker exit with the CLI's error code
    throw e;
  });
  const ports = daemon.ports();
  log.info({ auth: ports.auth, acct: ports.acct, database: daemon.db.embedded ? 'embedded' : 'postgres', dataDir: config.dataDir }, 'radassoc serving');
  if (worker) notifyReady(ports);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      log.info({ signal }, 'stopping: finishing requests in flight');
      void daemon.stop().then(resolve);
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    if (worker) process.on('message', (m: unknown) => isStopMessage(m) && shutdown('supervisor'));
  });
  log.info('stopped');
  log.flush();
  if (worker) releaseSupervisorChannel();
  // Everything is closed; should a library still hold a handle, do not hang the service manager.
  setTimeout(() => process.exit(0), 2000).unref();
}

export async function startDaemon(config: Config, log: Logger, opts: DaemonOptions = {}): Promise<Daemon> {
  // The daemon's modules (pg, PGlite, ioredis, prom-client, node-cron behind
  // them) load here, not at the top: `serve` loads this file in every process,
  // and the --workers supervisor runs no daemon, so it should not pay for them
  // (see docs/performance.md).
  const [
    { Gauge },
    { openDatabase },
    { migrate },
    { AuthLogWriter },
    { AccessPolicy },
    { openLoginGuard },
    { DirectoryCache },
    { openSessionStore },
    { flushUsage },
    { startJobs },
    { CoaClient },
    { Dispatcher },
    { ServerMetrics },
    { UdpServer },
    { ensureFirstNas, inContainer },
    { listenScope, warnOfUnreachableNas },
    { DropLog },
    { NasActivity },
    { startHttpServer },
    { createRegistry },
    { createControlHandler, ensureControlToken, writeControlUrl },
    { HookSubscriptions },
    { SessionEvents },
    { HookWorker },
  ] = await Promise.all([
    import('prom-client'),
    import('./db/open.js'),
    import('./db/migrate.js'),
    import('./db/auth-log-writer.js'),
    import('./auth/access-policy.js'),
    import('./auth/login-guard-redis.js'),
    import('./auth/directory-cache.js'),
    import('./accounting/open-store.js'),
    import('./accounting/flusher.js'),
    import('./jobs/schedule.js'),
    import('./coa/client.js'),
    import('./server/dispatcher.js'),
    import('./server/metrics.js'),
    import('./server/udp-server.js'),
    import('./server/first-nas.js'),
    import('./server/listen-addresses.js'),
    import('./server/drop-log.js'),
    import('./server/nas-activity.js'),
    import('./ops/http.js'),
    import('./ops/prometheus.js'),
    import('./ops/control.js'),
    import('./webhooks/subscriptions.js'),
    import('./webhooks/session-events.js'),
    import('./webhooks/worker.js'),
  ]);
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
    // Read before anything listens: a wrong key file stops the start with its reason, not the first flush.
    const identityKey = configuredIdentityKey(config);
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
        realmSyntax: config.realms.syntax,
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
    const subscriptions = new HookSubscriptions(db.db, log);
    await subscriptions.start();
    cleanup.unshift(() => subscriptions.stop());
    const sessionEvents = new SessionEvents({ db: db.db, store, subscriptions, log });
    const dispatcher = new Dispatcher({
      activity,
      dropLog,
      nas: cache.nas,
      policy,
      // Once the store has kept a Start or Stop, its webhook event is queued (webhooks/session-events.ts says why here).
      accounting: { record: async (rec) => void (await sessionEvents.stored(rec, await store.applyRecord(rec))) },
      accountingRouting: { index: cache, syntax: config.realms.syntax },
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
    // Every daemon delivers webhooks; leases keep two from sending one delivery at once (webhooks/worker.ts).
    // Started before the listeners, so that stopping closes them first: no answer once stop() began.
    const hookWorker = new HookWorker({ db: db.db, log, ...config.webhooks, ...(opts.hookPollMs ? { pollMs: opts.hookPollMs } : {}) });
    await hookWorker.start();
    cleanup.unshift(() => hookWorker.stop());
    await udp.start();
    cleanup.unshift(async () => {
      await udp.stop();
      dispatcher.close();
    });
    const jobs: Jobs | null = opts.jobs === false ? null : startJobs({ config, db: db.db, store, log, identityKey, onReaped: (closed) => sessionEvents.closed(closed) });
    if (jobs) cleanup.unshift(() => jobs.stop());
    // The service layer's dependencies, for the HTTP front ends: the daemon's
    // own database and store; Disconnect/CoA from the configured source address.
    const coa = new CoaClient({ localAddress: config.bind });
    cleanup.unshift(() => coa.close());
    let flushedByHand = 0;
    const services: ServiceDeps = {
      db: db.db,
      config,
      sessions: store,
      coa,
      log,
      flush: async () => {
        const report = await flushUsage(store, db.db, { identityKey });
        flushedByHand = Date.now();
        return report;
      },
      now: opts.now ?? (() => Date.now()),
      // The store's figures or null, never a wait: they are read by a dashboard every few seconds.
      flushState: async () => {
        const [oldest, counts] = await Promise.all([store.oldestUnflushedAt().catch(() => null), store.counts().catch(() => null)]);
        const last = Math.max(jobs?.lastFlushAt() ?? 0, flushedByHand);
        return { lastFlushAt: last === 0 ? null : last, oldestUnflushedAt: oldest, backlogSessions: counts?.flushBacklog ?? null };
      },
    };
    if (config.httpPort > 0) {
      const registry = createRegistry({
        metrics,
        cache,
        tenantLabel: (id) => cache.tenantLabel(id),
        authLog,
        lastFlushAt: () => jobs?.lastFlushAt() ?? 0,
        sessionCounts: () => store.counts(),
      });
      for (const [name, help, pick] of [
        ['radassoc_locked_out_users', 'User names locked out after repeated failed logins (this daemon\'s view)', 'lockedUsers'],
        ['radassoc_throttled_nas', 'NAS clients rate-limited for too many failed logins (this daemon\'s view)', 'throttledNas'],
      ] as const) {
        const g: PromGauge = new Gauge({ name, help, registers: [registry], collect: () => g.set(lockout.guard.counts()[pick]) });
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
        routes: [createControlHandler({ store, token: await ensureControlToken(config.dataDir), flush: services.flush })],
      });
      cleanup.unshift(() => http.close());
      await writeControlUrl(config.dataDir, `http://${config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost}:${http.port}`);
    }
    let api: { port: number; url: string } | null = null;
    if (config.api.port > 0) {
      const { startApiServer } = await import('./api/server.js');
      const server = await startApiServer(config.api, { services, log });
      cleanup.unshift(() => server.close());
      api = { port: server.port, url: server.url };
    }
    let stopping: Promise<void> | null = null;
    return {
      config,
      directory: cache,
      store,
      metrics,
      db,
      activity,
      services,
      api,
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

/**
 * Old-space growth: V8 lets the old generation grow to up to four times what
 * survived the last full collection before collecting again. Under load the
 * request path promotes short-lived garbage (objects alive across a few
 * scavenges while Redis or the auth log holds them), so a daemon with 100,000
 * members (about 40 MB live) reached 300 MB of RSS without a single full GC.
 * 1.4x keeps it near what is live (165 MB peak in the same bench) for a few
 * incremental, mostly concurrent, full collections a second. Read by V8 at
 * each collection, so setting it at run time works; an operator's own
 * --heap-growing-percent (NODE_OPTIONS or node flags) wins.
 */
function tuneHeapForDaemon(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((a) => /^--heap[-_]growing[-_]percent/.test(a))) return;
  setFlagsFromString('--heap-growing-percent=40');
}
