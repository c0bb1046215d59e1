/**
 * `radassoc sessions` (who is online) and `radassoc flush` (usage to
 * PostgreSQL now). With Redis the CLI reads and flushes the shared store
 * itself; on the embedded default the running daemon holds the sessions and
 * does it on the CLI's behalf through its loopback control route.
 */
import type { Argv } from 'yargs';
import { flushUsage, type FlushReport } from '../accounting/flusher.js';
import type { LiveSession } from '../domain/session.js';
import { withContext, type AdminContext, type GlobalArgs } from './context.js';
import { openControlSource, openRedisStore, withLifecycle } from './services-context.js';
import { printRows, say } from './output.js';

const COLUMNS = ['username', 'nas', 'acct_session_id', 'framed_ip', 'start', 'duration_s', 'input_octets', 'output_octets', 'calling_station_id', 'unique_id'] as const;

function sessionRow(s: LiveSession, now: number): Record<(typeof COLUMNS)[number], unknown> {
  return {
    username: s.username,
    nas: s.nas,
    acct_session_id: s.acctSessionId,
    framed_ip: s.framedIp,
    start: new Date(s.startTime).toISOString(),
    duration_s: Math.max(0, Math.round((now - s.startTime) / 1000)),
    input_octets: s.inputOctets,
    output_octets: s.outputOctets,
    calling_station_id: s.callingStationId,
    unique_id: s.uniqueId,
  };
}

async function flushNow(ctx: AdminContext): Promise<FlushReport> {
  const { redisUrl, dataDir, redisKeyPrefix } = ctx.config;
  if (!redisUrl) return (await openControlSource(ctx.config)).flush();
  const store = await openRedisStore({ redisUrl, dataDir, prefix: redisKeyPrefix });
  try {
    return await flushUsage(store, ctx.db);
  } finally {
    await store.close();
  }
}

export function registerSessions(cli: Argv<GlobalArgs>): void {
  cli.command(
    'sessions',
    'list live sessions (who is online, since when, how much)',
    (y) => y.option('user', { type: 'string', describe: 'only this member' }),
    async (argv) => {
      await withContext(argv, (ctx) =>
        withLifecycle(ctx, async (deps) => {
          const sessions = await deps.store.listOpen(argv.user === undefined ? {} : { username: argv.user });
          const now = Date.now();
          sessions.sort((a, b) => a.username.localeCompare(b.username) || a.startTime - b.startTime);
          printRows(sessions.map((s) => sessionRow(s, now)), COLUMNS, ctx.json);
        }),
      );
    },
  );
  cli.command(
    'flush',
    'write finished sessions and open sessions\' progress to PostgreSQL now (the daemon also does it every minute)',
    (y) => y,
    async (argv) => {
      await withContext(argv, async (ctx) => {
        const r = await flushNow(ctx);
        if (ctx.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else say(`flushed ${r.sessions} sessions (${r.finished} finished, ${r.snapshots} interim snapshots)`, false);
      });
    },
  );
}
