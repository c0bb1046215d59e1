/** `member passwd` and `member set`: changing an existing member. */
import type { Argv } from 'yargs';
import { checkPasswd, checkSetMember, passwdMember, setMember } from '../services/members.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { memberChangeLines, memberChangeView } from './lifecycle-output.js';
import { withServices } from './services-context.js';
import { parseAuthMethods } from '../services/field-text.js';
import { readSecretFlag } from './input.js';
import { FIELD_OPTIONS, fieldInput, PASSWORD_OPTIONS } from './member-common.js';
import { printRecord, say } from './output.js';
import { checkPlanAttributes, splitAttribute } from '../services/plan-attributes.js';
import type { PlanAttribute } from '../domain/plan.js';

const SET_OPTIONS = {
  ...FIELD_OPTIONS,
  auth: { type: 'string', describe: 'methods allowed: all or a comma list (the stored credential must serve them)' },
  attr: {
    type: 'string',
    array: true,
    describe: "the member's own reply attributes, sent after its plan's, replacing those it has; repeatable: --attr 'Framed-Route=192.0.2.64/29' (--attr none clears them)",
  },
} as const;

/** --attr: the member's own reply attributes, whole (none: no attributes of its own), checked before the database is opened. */
function replyAttributesOf(attr: ReadonlyArray<string | number> | undefined): PlanAttribute[] | undefined {
  if (attr === undefined) return undefined;
  const texts = attr.map(String);
  if (texts.length === 1 && texts[0]!.trim().toLowerCase() === 'none') return [];
  return checkPlanAttributes(texts.map(splitAttribute));
}

function registerPasswd(member: Argv<GlobalArgs>): void {
  member.command(
    'passwd <username>',
    "set a member's password (and optionally the methods it must serve)",
    (y) => y.positional('username', { type: 'string', demandOption: true }).options(PASSWORD_OPTIONS),
    async (argv) => {
      const authMethods = argv.auth === undefined ? undefined : parseAuthMethods(argv.auth);
      const password = await readSecretFlag({ value: argv.password, stdin: argv.passwordStdin, name: 'password' });
      const input = { username: argv.username, password, ...(authMethods === undefined ? {} : { authMethods }) };
      checkPasswd(input);
      await withContext(argv, async (ctx) => {
        const view = await passwdMember({ db: ctx.db }, await ctx.scope(), input);
        if (ctx.json) printRecord({ ...view }, true);
        else say(`password of ${view.username} changed (auth: ${view.auth.join(',')}; credential: ${view.credential})`, false);
      });
    },
  );
}

function registerSet(member: Argv<GlobalArgs>): void {
  member.command(
    'set <username>',
    'change a member; "none" clears a field (--plan none, --ipv4 none, ...)',
    (y) => y.positional('username', { type: 'string', demandOption: true }).options(SET_OPTIONS),
    async (argv) => {
      const fields = fieldInput(argv, true);
      const authMethods = argv.auth === undefined ? undefined : parseAuthMethods(argv.auth);
      const replyAttributes = replyAttributesOf(argv.attr);
      const input = {
        username: argv.username,
        ...fields,
        ...(authMethods === undefined ? {} : { authMethods }),
        ...(replyAttributes === undefined ? {} : { replyAttributes }),
      };
      checkSetMember(input);
      await withContext(argv, async (ctx) => {
        const { member: view, follow } = await withServices(ctx, (deps, scope) => setMember(deps, scope, input));
        if (ctx.json) printRecord({ ...view, ...memberChangeView(follow) }, true);
        else for (const line of [`updated member ${view.username}`, ...memberChangeLines(follow)]) say(line, false);
      });
    },
  );
}

export function registerMemberChanges(member: Argv<GlobalArgs>): void {
  registerPasswd(member);
  registerSet(member);
}
