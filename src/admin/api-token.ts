/**
 * `radassoc token add|list|revoke`: API tokens for machines (a
 * member-management tool), each for one tenant and role, or the operator.
 * `add` prints the token once; only its SHA-256 is kept.
 */
import type { Argv } from 'yargs';
import { addToken, API_ROLES, listApiTokens, parseExpiry, parseRole, revokeApiToken } from '../api/accounts.js';
import { fail } from '../errors.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { printRecord, printRows, say } from './output.js';

export function registerApiToken(cli: Argv<GlobalArgs>): void {
  cli.command('token', 'API tokens for machines: add, list, revoke', (token) => {
    token.command(
      'add',
      'create an API token and print it (shown once)',
      (y) =>
        y
          .option('role', { type: 'string', choices: API_ROLES, demandOption: true, describe: 'admin, treasurer, support, requisition (in --tenant) or operator (every tenant)' })
          .option('expires', { type: 'string', describe: 'when it stops working: a period such as 90d or 12w, or a date YYYY-MM-DD [never]' })
          .option('name', { type: 'string', describe: 'a label, recorded as the actor in the audit log (default: the token prefix)' }),
      async (argv) => {
        const role = parseRole(argv.role);
        if (role === 'operator' && (argv.tenant ?? process.env.RADASSOC_TENANT)) throw fail('INVALID_ACCOUNT', { problem: 'operator-tenant' });
        const expiresAt = argv.expires === undefined ? null : parseExpiry(argv.expires, Date.now());
        await withContext(argv, async (ctx) => {
          const tenant = role === 'operator' ? null : (await ctx.scope()).tenant;
          const { token: secret, info } = await addToken({ db: ctx.db }, { name: ctx.actor }, { role, tenant, name: argv.name ?? null, expiresAt });
          if (ctx.json) printRecord({ ...info, token: secret }, true);
          else {
            process.stdout.write(`${secret}\n`);
            process.stderr.write(`token ${info.id} (${info.role}${info.tenant ? ` in ${info.tenant}` : ''}${info.expires_at ? `, until ${info.expires_at}` : ''}): shown this once, keep it now\n`);
          }
        });
      },
    );
    token.command(
      'list',
      'list API tokens (never the tokens themselves)',
      (y) => y,
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const tokens = await listApiTokens({ db: ctx.db });
          if (ctx.json) printRows(tokens.map((t) => ({ ...t })), [], true);
          else
            printRows(
              tokens.map((t) => ({ ...t, tenant: t.tenant ?? '(all)', state: t.revoked_at ? 'revoked' : t.expires_at && Date.parse(t.expires_at) <= Date.now() ? 'expired' : 'active' })),
              ['id', 'name', 'prefix', 'tenant', 'role', 'state', 'expires_at', 'last_used_at'],
              false,
            );
        });
      },
    );
    token.command(
      'revoke <id>',
      'stop a token working, at once',
      (y) => y.positional('id', { type: 'string', demandOption: true }),
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const { revoked } = await revokeApiToken({ db: ctx.db, now: Date.now }, { name: ctx.actor }, argv.id);
          if (ctx.json) printRecord({ revoked }, true);
          else say(`revoked token ${revoked}`, false);
        });
      },
    );
    return token.demandCommand(1, 'Name a token command: add, list or revoke.');
  });
}
