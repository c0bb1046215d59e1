/**
 * `radassoc member ...`: the commands volunteers use most. Input is checked
 * before the database is opened; every change is one transaction with its
 * audit entry; a password is never printed, logged or audited.
 */
import type { Argv } from 'yargs';
import { deriveCredential } from '../auth/credentials.js';
import { insertAudit } from '../db/audit.js';
import { check } from '../db/member-rows.js';
import { deleteMember, getMember, insertMember, listMembers, type MemberFilter } from '../db/members.js';
import { parseDays } from '../lifecycle/dues.js';
import { listLapsing, resume, suspend } from '../services/lifecycle.js';
import { allAcknowledged, printLapsing, printResumeReport, printSuspendReport } from './lifecycle-output.js';
import { readDeps, withServices } from './services-context.js';
import type { MemberStatus } from '../domain/member.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { checkPassword, parseAuthMethods, readSecretFlag } from './input.js';
import { registerMemberChanges } from './member-change.js';
import {
  assertPlanExists, duplicateMember, FIELD_OPTIONS, fieldPatch, PASSWORD_OPTIONS, rewordDuplicate, unknownMember,
} from './member-common.js';
import { registerMemberImport } from './member-csv.js';
import { auditView, memberView } from '../lifecycle/member-view.js';
import { printRecord, printRows, say } from './output.js';


const STATUSES: readonly MemberStatus[] = ['active', 'suspended'];
const LIST_COLUMNS = ['username', 'status', 'plan', 'ipv4', 'ipv6_prefix', 'max_sessions', 'paid_until', 'auth'] as const;

function registerAdd(member: Argv<GlobalArgs>): void {
  member.command(
    'add <username>',
    'add a member',
    (y) => y.positional('username', { type: 'string', demandOption: true }).options(PASSWORD_OPTIONS).options(FIELD_OPTIONS),
    async (argv) => {
      const username = check.username(argv.username);
      const methods = parseAuthMethods(argv.auth ?? 'all');
      const fields = fieldPatch(argv, false);
      const password = checkPassword(await readSecretFlag({ value: argv.password, stdin: argv.passwordStdin, name: 'password' }));
      await withContext(argv, async (ctx) => {
        const added = await ctx.db.transaction(async (tx) => {
          if (await getMember(tx, username)) throw duplicateMember(username);
          await assertPlanExists(tx, fields.plan);
          const m = await insertMember(tx, { username, credential: deriveCredential(password, methods), authMethods: methods, ...fields });
          await insertAudit(tx, { actor: ctx.actor, action: 'member.add', target: `member:${username}`, after: auditView(m) });
          return m;
        }).catch((e: unknown) => Promise.reject(rewordDuplicate(e, username)));
        const view = memberView(added);
        if (ctx.json) printRecord({ ...view }, true);
        else say(`added member ${username} (auth: ${view.auth.join(',')}; credential: ${view.credential})`, false);
      });
    },
  );
}

/** The filter `member list` passes to the repository. */
function listFilter(argv: { status?: string | undefined }): MemberFilter {
  const filter: MemberFilter = {};
  if (argv.status !== undefined) filter.status = argv.status as MemberStatus;
  return filter;
}

function registerReadCommands(member: Argv<GlobalArgs>): void {
  member.command(
    'show <username>',
    'show a member (everything but the password) and which methods its credential can serve',
    (y) => y.positional('username', { type: 'string', demandOption: true }),
    async (argv) => {
      await withContext(argv, async (ctx) => {
        const m = await getMember(ctx.db, argv.username);
        if (!m) throw unknownMember(argv.username);
        printRecord({ ...memberView(m) }, ctx.json);
      });
    },
  );
  member.command(
    'list',
    'list members',
    (y) =>
      y
        .option('status', { type: 'string', choices: STATUSES, describe: 'only active or only suspended members' })
        .option('lapsing-within', { type: 'string', describe: 'only members whose dues lapse within this time, e.g. 30d or 2w' }),
    async (argv) => {
      if (argv.lapsingWithin !== undefined) {
        const days = parseDays(argv.lapsingWithin);
        await withContext(argv, async (ctx) => printLapsing(await listLapsing(readDeps(ctx), { withinDays: days }), ctx.json));
        return;
      }
      const filter = listFilter(argv);
      await withContext(argv, async (ctx) => {
        const rows = (await listMembers(ctx.db, filter)).map((m) => ({ ...memberView(m) }));
        printRows(rows, LIST_COLUMNS, ctx.json);
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
        withServices(ctx, async (deps, actor) => {
          const r = await suspend(deps, actor, { username: argv.username, reason: argv.reason ?? '' });
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
        withServices(ctx, async (deps, actor) => printResumeReport(await resume(deps, actor, { username: argv.username }), ctx.json)),
      );
    },
  );
  member.command(
    'remove <username>',
    'delete a member (accounting history is kept)',
    (y) => y.positional('username', { type: 'string', demandOption: true }),
    async (argv) => {
      await withContext(argv, async (ctx) => {
        await ctx.db.transaction(async (tx) => {
          const before = await getMember(tx, argv.username);
          if (!before) throw unknownMember(argv.username);
          await deleteMember(tx, argv.username);
          await insertAudit(tx, { actor: ctx.actor, action: 'member.remove', target: `member:${argv.username}`, before: auditView(before) });
        });
        if (ctx.json) printRecord({ removed: argv.username }, true);
        else say(`removed member ${argv.username}`, false);
      });
    },
  );
}

export function registerMember(cli: Argv<GlobalArgs>): void {
  cli.command('member', 'members: add, show, list, passwd, set, suspend, resume, remove, import', (member) => {
    registerAdd(member);
    registerReadCommands(member);
    registerMemberChanges(member);
    registerStatusCommands(member);
    registerMemberImport(member);
    return member.demandCommand(1, 'Name a member command; `radassoc member --help` lists them.');
  });
}
