/**
 * `radassoc disconnect <username> | --session <id>`, `--nas` narrowing either:
 * cut live sessions at their NAS without suspending anyone
 * (services/sessions.ts disconnect).
 */
import type { Argv } from 'yargs';
import { DEFAULT_DISCONNECT_REASON, disconnect } from '../services/sessions.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { withServices } from './services-context.js';
import { attemptLines, attemptView, reportUnconfirmed } from './lifecycle-output.js';
import { printRecord } from './output.js';

export function registerDisconnect(cli: Argv<GlobalArgs>): void {
  cli.command(
    'disconnect [username]',
    "cut a member's live sessions at the NAS (without suspending)",
    (y) =>
      y
        .positional('username', { type: 'string', describe: 'every open session of this member' })
        .option('session', { type: 'string', describe: 'one session: its Acct-Session-Id (as the NAS names it) or unique id' })
        .option('nas', { type: 'string', describe: "only sessions on this NAS: the member's there, or with --session the one there when several NAS use the same Acct-Session-Id" })
        .option('reason', { type: 'string', default: DEFAULT_DISCONNECT_REASON, describe: 'recorded with each request' }),
    async (argv) => {
      await withContext(argv, async (ctx) =>
        withServices(ctx, async (deps, scope) => {
          const r = await disconnect(deps, scope, {
            ...(argv.username !== undefined ? { username: argv.username } : {}),
            ...(argv.session !== undefined ? { session: argv.session } : {}),
            ...(argv.nas !== undefined ? { nas: argv.nas } : {}),
            reason: argv.reason,
          });
          if (ctx.json) printRecord({ username: r.username, disconnects: r.disconnects.map(attemptView) }, true);
          else process.stdout.write(`${[`${r.username}:`, ...attemptLines(r.disconnects, null, '  no open session; nothing to disconnect')].join('\n')}\n`);
          reportUnconfirmed(r.disconnects);
        }),
      );
    },
  );
}
