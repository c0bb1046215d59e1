/**
 * `radassoc member ...`: the commands volunteers use most. Each turns its
 * flags into one call of the member services (services/members.ts), which
 * check, change, audit and follow up, and prints what came back; a password
 * is never printed, logged or audited.
 */
import type { Argv } from 'yargs';
import { parseDays } from '../lifecycle/dues.js';
import { listLapsing, resume, suspend } from '../services/lifecycle.js';
import { allAcknowledged, printLapsing, printResumeReport, printSuspendReport } from './lifecycle-output.js';
import { readDeps, withServices } from './services-context.js';
import type { MemberStatus } from '../domain/member.js';
import { addMember, checkAddMember, listMembers, MEMBER_STATUSES, removeMember, showMember } from '../services/members.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { parseAuthMethods } from '../services/field-text.js';
import { readSecretFlag } from './input.js';
import { registerMemberChanges } from './member-change.js';
import { FIELD_OPTIONS, fieldInput, PASSWORD_OPTIONS } from './member-common.js';
import { registerMemberImport } from './member-csv.js';
import { registerMemberData } from './member-data.js';
import { printRecord, printRows, say } from './output.js';

const LIST_COLUMNS = ['username', 'status', 'plan', 'ipv4', 'ipv6_prefix', 'max_sessions', 'paid_until', 'auth'] as const;

function registerAdd(member: Argv<GlobalArgs>): void {
  member.command(
    'add <username>',
    'add a member',
    (y) => y.positional('username', { type: 'string', demandOption: true }).options(PASSWORD_OPTIONS).options(FIELD_OPTIONS),
    async (argv) => {
      const authMethods = parseAuthMethods(argv.auth ?? 'all');
      const fields = fieldInput(argv, false);
      const password = await readSecretFlag({ value: argv.password, stdin: argv.passwordStdin, name: 'password' });
      const input = { username: argv.username, password, authMethods, ...fields };
      checkAddMember(input);
      await withContext(argv, async (ctx) => {
        const view = await addMember({ db: ctx.db }, await ctx.scope(), input);
        if (ctx.json) printRecord({ ...view }, true);
        else say(`added member ${view.username} (auth: ${view.auth.join(',')}; credential: ${view.credential})`, false);
      });
    },
  );
}

function registerReadCommands(member: Argv<GlobalArgs>): void {
  member.command(
    'show <username>',
    'show a member (everything but the password) and which methods its credential can serve',
    (y) => y.positional('username', { type: 'string', demandOption: true }),
    async (argv) => {
      await withContext(argv, async (ctx) => printRecord({ ...(await showMember({ db: ctx.db }, await ctx.scope(), argv.username)) }, ctx.json));
    },
  );
  member.command(
    'list',
    'list members (--all-tenants: every tenant, each row marked with its own)',
    (y) =>
      y
        .option('status', { type: 'string', choices: MEMBER_STATUSES, describe: 'only active or only suspended members' })
        .option('lapsing-within', { type: 'string', describe: 'only members whose dues lapse within this time, e.g. 30d or 2w' }),
    async (argv) => {
      if (argv.lapsingWithin !== undefined) {
        const days = parseDays(argv.lapsingWithin);
        await withContext(argv, async (ctx) => printLapsing(await listLapsing(readDeps(ctx), await ctx.scope(), { withinDays: days }), ctx.json));
        return;
      }
      const status = argv.status as MemberStatus | undefined;
      await withContext(argv, async (ctx) => {
        const scope = await ctx.readScope();
        const rows = await listMembers({ db: ctx.db }, scope, status === undefined ? {} : { status });
        printRows(rows.map((m) => ({ ...m })), scope.tenant === 'all' ? ['tenant', ...LIST_COLUMNS] : LIST_COLUMNS, ctx.json);
      });
    },
  );
}

function registerStatusCommands(member: Argv<GlobalArgs>): void {
  member.command(
    'suspend <username>',
    "refuse the member's logins at once and disconnect its live sessions (RFC 5176 Disconnect-Request)",
    (y) =>
      y
        .positional('username', { type: 'string', demandOption: true })
        .option('reason', { type: 'string', describe: 'why, for whoever looks at the member later (required)' }),
    async (argv) => {
      await withContext(argv, (ctx) =>
        withServices(ctx, async (deps, scope) => {
          const r = await suspend(deps, scope, { username: argv.username, reason: argv.reason ?? '' });
          printSuspendReport(r, ctx.json);
          if (!allAcknowledged(r.disconnects)) process.exitCode = 1;
        }),
      );
    },
  );
  member.command(
    'resume <username>',
    'allow a suspended member to log in again',
    (y) => y.positional('username', { type: 'string', demandOption: true }),
    async (argv) => {
      await withContext(argv, (ctx) =>
        withServices(ctx, async (deps, scope) => printResumeReport(await resume(deps, scope, { username: argv.username }), ctx.json)),
      );
    },
  );
  member.command(
    'remove <username>',
    'delete a member with its authentication and disconnect logs (usage is kept for billing)',
    (y) => y.positional('username', { type: 'string', demandOption: true }),
    async (argv) => {
      await withContext(argv, async (ctx) => {
        const { removed, erased } = await removeMember({ db: ctx.db }, await ctx.scope(), argv.username);
        if (ctx.json) printRecord({ removed, erased }, true);
        else say(`removed member ${removed}`, false);
      });
    },
  );
}

export function registerMember(cli: Argv<GlobalArgs>): void {
  cli.command('member', 'members: add, show, list, passwd, set, suspend, resume, remove, import, data', (member) => {
    registerAdd(member);
    registerReadCommands(member);
    registerMemberChanges(member);
    registerStatusCommands(member);
    registerMemberImport(member);
    registerMemberData(member);
    return member.demandCommand(1, 'Name a member command; `radassoc member --help` lists them.');
  });
}
