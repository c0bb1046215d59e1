/**
 * `radassoc member data <username>`: everything held about a member, as one
 * JSON document on stdout (docs/privacy.md names its sections), to answer a
 * member's request for their data. Never a password, hash or secret.
 */
import type { Argv } from 'yargs';
import { memberDataOf } from '../services/member-data.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { readDeps } from './services-context.js';
import { printRecord } from './output.js';

export function registerMemberData(member: Argv<GlobalArgs>): void {
  member.command(
    'data <username>',
    'everything held about a member, as JSON (account, plan, sessions, monthly totals, logins, audit, disconnects)',
    (y) => y.positional('username', { type: 'string', demandOption: true }),
    async (argv) => {
      await withContext(argv, async (ctx) => {
        // JSON whatever --json says: the document is what is asked for.
        printRecord({ ...(await memberDataOf(readDeps(ctx), await ctx.scope(), argv.username)) }, true);
      });
    },
  );
}
