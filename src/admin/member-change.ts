/** `member passwd` and `member set`: changing an existing member. */
import type { Argv } from 'yargs';
import { deriveCredential } from '../auth/credentials.js';
import { updateMember } from '../db/members.js';
import type { MemberPatch } from '../domain/member.js';
import { RadassocError } from '../errors.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { memberChanged } from '../services/lifecycle.js';
import { memberChangeLines, memberChangeView } from './lifecycle-output.js';
import { withServices } from './services-context.js';
import { checkPassword, parseAuthMethods, readSecretFlag } from './input.js';
import { assertPlanExists, changeMember, credentialForMethods, FIELD_OPTIONS, fieldPatch, PASSWORD_OPTIONS } from './member-common.js';
import { memberView } from '../lifecycle/member-view.js';
import { printRecord, say } from './output.js';

const SET_OPTIONS = {
  ...FIELD_OPTIONS,
  auth: { type: 'string', describe: 'methods allowed: all or a comma list (the stored credential must serve them)' },
} as const;

function registerPasswd(member: Argv<GlobalArgs>): void {
  member.command(
    'passwd <username>',
    "set a member's password (and optionally the methods it must serve)",
    (y) => y.positional('username', { type: 'string', demandOption: true }).options(PASSWORD_OPTIONS),
    async (argv) => {
      const methods = argv.auth === undefined ? undefined : parseAuthMethods(argv.auth);
      const password = checkPassword(await readSecretFlag({ value: argv.password, stdin: argv.passwordStdin, name: 'password' }));
      await withContext(argv, async (ctx) => {
        const { after } = await changeMember(
          ctx,
          argv.username,
          'member.passwd',
          (tx, before) => {
            const authMethods = methods ?? before.authMethods;
            return updateMember(tx, argv.username, { credential: deriveCredential(password, authMethods), authMethods });
          },
          { password: 'changed' },
        );
        const view = memberView(after);
        if (ctx.json) printRecord({ ...view }, true);
        else say(`password of ${after.username} changed (auth: ${view.auth.join(',')}; credential: ${view.credential})`, false);
      });
    },
  );
}

const SET_FLAGS = '--plan, --ipv4, --ipv6-prefix, --max-sessions, --paid-until or --auth';

function registerSet(member: Argv<GlobalArgs>): void {
  member.command(
    'set <username>',
    'change a member; "none" clears a field (--plan none, --ipv4 none, ...)',
    (y) => y.positional('username', { type: 'string', demandOption: true }).options(SET_OPTIONS),
    async (argv) => {
      const fields = fieldPatch(argv, true);
      const methods = argv.auth === undefined ? undefined : parseAuthMethods(argv.auth);
      if (Object.keys(fields).length === 0 && methods === undefined) {
        throw new RadassocError('INVALID_ARGUMENT', `nothing to change: give at least one of ${SET_FLAGS}`);
      }
      await withContext(argv, async (ctx) => {
        const { before, after } = await changeMember(ctx, argv.username, 'member.set', async (tx, before) => {
          await assertPlanExists(tx, fields.plan);
          const patch: MemberPatch = { ...fields };
          if (methods !== undefined) {
            patch.credential = credentialForMethods(before, methods);
            patch.authMethods = methods;
          }
          return updateMember(tx, argv.username, patch);
        });
        // A new paid-until may end a dues suspension; a plan or address change reaches live sessions.
        const follow = await withServices(ctx, (deps, actor) => memberChanged(deps, actor, { before, after }));
        if (ctx.json) printRecord({ ...memberView(after), ...memberChangeView(follow) }, true);
        else for (const line of [`updated member ${after.username}`, ...memberChangeLines(follow)]) say(line, false);
      });
    },
  );
}

export function registerMemberChanges(member: Argv<GlobalArgs>): void {
  registerPasswd(member);
  registerSet(member);
}
