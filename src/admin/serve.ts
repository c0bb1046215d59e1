/**
 * `radassoc serve`: the daemon. Flags and configuration here; the process
 * itself (signals, the --workers supervisor, the wiring) is main.ts.
 */
import type { Argv } from 'yargs';
import { loadConfigWithSources } from '../config/load.js';
import { ensureWritableDataDir, locateDataDir } from '../config/data-dir.js';
import type { Config } from '../config/schema.js';
// The process is put together in main.ts, loaded in the handler: every CLI
// command registers `serve` and should not pay for the daemon's modules.
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
        .option('workers', { type: 'string', describe: 'processes answering on the same ports: N or auto [1]' })
        .option('web-port', { type: 'number', describe: 'port of the HTTP API (/api/v1, /api/openapi.json), 0 disables [9813]' })
        .option('web-host', { type: 'string', describe: 'address of the HTTP API [127.0.0.1]' }),
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
      const config = { ...loaded.config, dataDir: locateDataDir(loaded.config.dataDir, loaded.sourceOf('dataDir')).path, api: apiFlags(loaded.config.api, argv) };
      if (usesDataDir(config)) ensureWritableDataDir(config.dataDir);
      const { runServe } = await import('../main.js');
      await runServe(config);
    },
  );
}

/** --web-port and --web-host over api.port and api.host (flags beat the file and the environment). */
function apiFlags(api: Config['api'], argv: { webPort?: number | undefined; webHost?: string | undefined }): Config['api'] {
  const port = argv.webPort;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new RadassocError('INVALID_ARGUMENT', `--web-port ${port}: give a port number from 1 to 65535, or 0 to turn the HTTP API off`);
  }
  if (argv.webHost !== undefined && argv.webHost.trim() === '') throw new RadassocError('INVALID_ARGUMENT', '--web-host needs an address, e.g. --web-host 127.0.0.1');
  return { ...api, ...(port !== undefined ? { port } : {}), ...(argv.webHost !== undefined ? { host: argv.webHost } : {}) };
}

/** The embedded database, the session journal and the control token live in the data directory. */
function usesDataDir(config: Config): boolean {
  return config.databaseUrl === null || config.redisUrl === null || config.httpPort > 0;
}
