/**
 * `radassoc admin add|list|passwd|remove`: the people who log in to the HTTP
 * API and the console, each with a role per tenant (admin, treasurer,
 * support) or the deployment-wide operator. Passwords come from
 * --password-stdin (or --password) and are stored as scrypt hashes only.
 */
import type { Argv } from 'yargs';
import { addAdmin, adminExists, checkAdminPassword, checkLogin, grantAdminRole, listAdminAccounts, parseRole, passwdAdmin, removeAdmin, API_ROLES } from '../api/accounts.js';
import { fail } from '../errors.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { readSecretFlag } from './input.js';
import { printRecord, printRows, say } from './output.js';

const PASSWORD_OPTIONS = {
  password: { type: 'string', describe: 'the password (visible to other local users while the command runs: prefer --password-stdin)' },
  'password-stdin': { type: 'boolean', default: false, describe: 'read the password from the first line of stdin (prompted, not echoed, on a terminal)' },
} as const;

const rolesText = (a: { operator: boolean; roles: Array<{ tenant: string; role: string }> }): string =>
  [...(a.operator ? ['operator'] : []), ...a.roles.map((r) => `${r.role}@${r.tenant}`)].join(', ') || '-';

export function registerApiAdmin(cli: Argv<GlobalArgs>): void {
  cli.command('admin', 'accounts of the HTTP API and the console: add, list, passwd, remove', (admin) => {
    admin.command(
      'add <login>',
      'add an admin account, or give an existing one a role in another tenant',
      (y) =>
        y
          .positional('login', { type: 'string', demandOption: true })
          .option('role', { type: 'string', choices: API_ROLES, demandOption: true, describe: 'admin, treasurer, support, requisition (in --tenant) or operator (every tenant)' })
          .options(PASSWORD_OPTIONS),
      async (argv) => {
        const login = checkLogin(argv.login);
        const role = parseRole(argv.role);
        if (role === 'operator' && (argv.tenant ?? process.env.RADASSOC_TENANT)) throw fail('INVALID_ACCOUNT', { problem: 'operator-tenant' });
        await withContext(argv, async (ctx) => {
          const tenant = role === 'operator' ? null : (await ctx.scope()).tenant;
          const actor = { name: ctx.actor };
          const passwordGiven = argv.password !== undefined || argv.passwordStdin;
          if (await adminExists({ db: ctx.db }, login)) {
            // An existing account gets one more role; its password is `admin passwd`'s business.
            if (passwordGiven) throw fail('DUPLICATE_ADMIN', { username: login });
            const view = await grantAdminRole({ db: ctx.db, now: Date.now }, actor, { username: login, role, tenant });
            if (ctx.json) printRecord({ ...view }, true);
            else say(`admin ${view.username}: ${rolesText(view)}`, false);
            return;
          }
          const password = checkAdminPassword(await readSecretFlag({ value: argv.password, stdin: argv.passwordStdin, name: 'password' }));
          const view = await addAdmin({ db: ctx.db, now: Date.now }, actor, { username: login, role, tenant, password });
          if (ctx.json) printRecord({ ...view }, true);
          else say(`added admin ${view.username}: ${rolesText(view)}`, false);
        });
      },
    );
    admin.command(
      'list',
      'list admin accounts and their roles',
      (y) => y,
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const admins = await listAdminAccounts({ db: ctx.db });
          if (ctx.json) printRows(admins.map((a) => ({ ...a })), [], true);
          else printRows(admins.map((a) => ({ login: a.username, roles: rolesText(a), created: a.created_at })), ['login', 'roles', 'created'], false);
        });
      },
    );
    admin.command(
      'passwd <login>',
      "set an admin's password (its open logins end)",
      (y) => y.positional('login', { type: 'string', demandOption: true }).options(PASSWORD_OPTIONS),
      async (argv) => {
        const password = checkAdminPassword(await readSecretFlag({ value: argv.password, stdin: argv.passwordStdin, name: 'password' }));
        await withContext(argv, async (ctx) => {
          const view = await passwdAdmin({ db: ctx.db, now: Date.now }, { name: ctx.actor }, { username: argv.login, password });
          if (ctx.json) printRecord({ ...view }, true);
          else say(`password of admin ${view.username} changed; its open logins have ended`, false);
        });
      },
    );
    admin.command(
      'remove <login>',
      'delete an admin account (its logins end at once)',
      (y) => y.positional('login', { type: 'string', demandOption: true }),
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const { removed } = await removeAdmin({ db: ctx.db }, { name: ctx.actor }, argv.login);
          if (ctx.json) printRecord({ removed }, true);
          else say(`removed admin ${removed}`, false);
        });
      },
    );
    return admin.demandCommand(1, 'Name an admin command: add, list, passwd or remove.');
  });
}
