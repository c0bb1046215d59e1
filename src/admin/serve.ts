/**
 * `radassoc serve`: the daemon. SIGTERM/SIGINT stop it cleanly (exit 0).
 * With --workers N (or auto), a supervisor runs N daemon processes on the same ports.
 */
import { setFlagsFromString } from 'node:v8';
import type { Argv } from 'yargs';
import { loadConfigWithSources } from '../config/load.js';
import { ensureWritableDataDir, locateDataDir } from '../config/data-dir.js';
import type { Config } from '../config/schema.js';
import {
  assertClusterable,
  isStopMessage,
  isWorkerProcess,
  notifyReady,
  releaseSupervisorChannel,
  resolveWorkerCount,
  runsJobs,
  runSupervisor,
} from '../server/cluster.js';
// log.js (pino) and daemon.js (pg, PGlite, ioredis, prom-client, node-cron)
// load in the handler: every CLI command registers `serve`, and the --workers
// supervisor runs no daemon, so neither should pay for them (see docs/performance.md).
import type { GlobalArgs } from './context.js';
import { RadassocError } from '../errors.js';

export function registerServe(cli: Argv<GlobalArgs>): void {
  cli.command(
    'serve',
    'run the RADIUS daemon (embedded database unless DATABASE_URL is set)',
    (y) =>
      y
        .option('auth-port', { type: 'number', describe: 'UDP port for authentication [1812]' })
        .option('acct-port', { type: 'number', describe: 'UDP port for accounting [1813]' })
        .option('bind', { type: 'string', describe: 'address to listen on [all IPv4 and IPv6]' })
        .option('http-port', { type: 'number', describe: 'loopback HTTP port for /metrics and /healthz, 0 disables [9812]' })
        .option('workers', { type: 'string', describe: 'processes answering on the same ports: N or auto [1]' }),
    async (argv) => {
      if (argv.workers !== undefined && argv.workers !== 'auto' && !/^[1-9][0-9]*$/.test(argv.workers)) {
        throw new RadassocError('INVALID_ARGUMENT', `--workers ${argv.workers}: give a number of processes (e.g. --workers 2) or --workers auto for one per core`);
      }
      const workers = argv.workers === undefined ? undefined : argv.workers === 'auto' ? ('auto' as const) : Number(argv.workers);
      const loaded = loadConfigWithSources({
        config: argv.config,
        dataDir: argv.dataDir,
        authPort: argv.authPort,
        acctPort: argv.acctPort,
        bind: argv.bind,
        httpPort: argv.httpPort,
        workers,
      });
      // The same data directory the CLI finds from anywhere below this one (config/data-dir.ts).
      const config = { ...loaded.config, dataDir: locateDataDir(loaded.config.dataDir, loaded.sourceOf('dataDir')).path };
      if (usesDataDir(config)) ensureWritableDataDir(config.dataDir);
      // --workers N: this process supervises N daemon processes (src/server/cluster.ts).
      const count = resolveWorkerCount(config.workers);
      const worker = isWorkerProcess();
      if (count > 1 && !worker) {
        assertClusterable(config, count);
        const { createConsoleLogger } = await import('../log.js');
        // The supervisor writes a few lines only: synchronously, so none is lost at exit.
        const log = await createConsoleLogger(config.logLevel, { format: config.logFormat, fd: 1, sync: true });
        process.exitCode = await runSupervisor({ workers: count, log });
        setTimeout(() => process.exit(), 2000).unref();
        return;
      }
      tuneHeapForDaemon();
      const [{ createDaemonLogger }, { startDaemon }] = await Promise.all([import('../log.js'), import('../server/daemon.js')]);
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
    },
  );
}

/** The embedded database, the session journal and the control token live in the data directory. */
function usesDataDir(config: Config): boolean {
  return config.databaseUrl === null || config.redisUrl === null || config.httpPort > 0;
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
