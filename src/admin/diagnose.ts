/**
 * `radassoc diagnose <username>`: why a member can or cannot get online, in
 * plain words (lifecycle/diagnose.ts); --json prints the same Diagnosis. A
 * name that is no member is refused (exit 1), saying whether a NAS tried it.
 */
import type { Argv } from 'yargs';
import { RadassocError } from '../errors.js';
import { diagnose, formatDiagnosis } from '../lifecycle/diagnose.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { withLifecycle } from './services-context.js';
import { unknownMember } from './member-common.js';
import { jsonReplacer } from './output.js';

/** The refusal with more sentences, each on its own line. */
function withSentences(e: RadassocError, more: readonly string[]): RadassocError {
  return more.length === 0 ? e : new RadassocError(e.code, [e.message, ...more].join('\n'), { ...e.details });
}

export function registerDiagnose(cli: Argv<GlobalArgs>): void {
  cli.command(
    'diagnose <username>',
    "explain a member's status, recent logins, sessions and disconnects in plain words",
    (y) =>
      y
        .positional('username', { type: 'string', demandOption: true })
        .option('logins', { type: 'number', default: 10, describe: 'how many recent login attempts to show' }),
    async (argv) => {
      await withContext(argv, async (ctx) =>
        withLifecycle(ctx, async (deps) => {
          const d = await diagnose(
            {
              db: deps.db,
              store: deps.store,
              replyMessages: ctx.config.replyMessages,
              restrictedPlan: ctx.config.restrictedPlan,
              graceDays: ctx.config.dues.graceDays,
            },
            argv.username,
            { logins: Math.max(1, Math.floor(argv.logins)) },
          );
          // No such member: a refusal, with whether a NAS tried the name (a typo in the member's router).
          if (!d.found) throw withSentences(unknownMember(argv.username), d.logins.length > 0 ? d.summary.slice(1) : []);
          process.stdout.write(ctx.json ? `${JSON.stringify(d, jsonReplacer, 2)}\n` : formatDiagnosis(d));
        }),
      );
    },
  );
}
