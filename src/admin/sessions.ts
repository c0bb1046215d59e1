/**
 * `radassoc sessions` (who is online) and `radassoc flush` (usage to
 * PostgreSQL now). With Redis the CLI reads and flushes the shared store
 * itself; on the embedded default the running daemon holds the sessions and
 * does it on the CLI's behalf through its loopback control route
 * (services-context.ts). The scope's tenant's sessions, or with
 * --all-tenants every tenant's, each row marked.
 */
import type { Argv } from 'yargs';
import { listSessions, type ListedSession } from '../services/sessions.js';
import { flush } from '../services/usage.js';
import { withContext, type GlobalArgs } from './context.js';
import { withReadServices, withServices } from './services-context.js';
import { printRows, say } from './output.js';

const COLUMNS = ['username', 'nas', 'acct_session_id', 'framed_ip', 'start', 'duration_s', 'input_octets', 'output_octets', 'calling_station_id', 'unique_id'] as const;
/** --all-tenants: each row's tenant first (null for a session held unattributed: no record of it named a realm its shared NAS carries). */
const ALL_TENANTS_COLUMNS = ['tenant', ...COLUMNS] as const;

function sessionRow(s: ListedSession): Partial<Record<(typeof ALL_TENANTS_COLUMNS)[number], unknown>> {
  return {
    ...(s.tenant !== undefined ? { tenant: s.tenant } : {}),
    username: s.username,
    nas: s.nas,
    acct_session_id: s.acctSessionId,
    framed_ip: s.framedIp,
    start: new Date(s.startTime).toISOString(),
    duration_s: s.seconds,
    input_octets: s.inputOctets,
    output_octets: s.outputOctets,
    calling_station_id: s.callingStationId,
    unique_id: s.uniqueId,
  };
}

export function registerSessions(cli: Argv<GlobalArgs>): void {
  cli.command(
    'sessions',
    'list live sessions (who is online, since when, how much)',
    (y) => y.option('user', { type: 'string', describe: 'only this member' }),
    async (argv) => {
      await withContext(argv, (ctx) =>
        withReadServices(ctx, async (deps, scope) => {
          const sessions = await listSessions(deps, scope, argv.user === undefined ? {} : { username: argv.user });
          printRows(sessions.map(sessionRow), scope.tenant === 'all' ? ALL_TENANTS_COLUMNS : COLUMNS, ctx.json);
        }),
      );
    },
  );
  cli.command(
    'flush',
    'write finished sessions and open sessions\' progress to PostgreSQL now (the daemon also does it every minute)',
    (y) => y,
    async (argv) => {
      await withContext(argv, (ctx) =>
        withServices(ctx, async (deps) => {
          const r = await flush(deps);
          if (ctx.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          else say(`flushed ${r.sessions} sessions (${r.finished} finished, ${r.snapshots} interim snapshots)`, false);
        }),
      );
    },
  );
}
