/**
 * `radassoc diagnose <username>`: why a member can or cannot get online, in
 * plain words (services/diagnose.ts; diagnose-format.ts prints it); --json
 * prints the same Diagnosis. A name that is no member is refused (exit 1),
 * saying whether a NAS tried it.
 */
import type { Argv } from 'yargs';
import { isRadassocError, RadassocError } from '../errors.js';
import { diagnoseMember } from '../services/diagnose.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { formatDiagnosis } from './diagnose-format.js';
import { withServices } from './services-context.js';
import { jsonReplacer } from './output.js';

/** The refusal with its sentences (details.sentences), each on its own line. */
function withSentences(e: unknown): unknown {
  const more = isRadassocError(e) && Array.isArray(e.details.sentences) ? (e.details.sentences as string[]) : [];
  if (!isRadassocError(e) || more.length === 0) return e;
  return new RadassocError(e.code, [e.message, ...more].join('\n'), { ...e.details });
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
        withServices(ctx, async (deps, scope) => {
          const d = await diagnoseMember(deps, scope, { username: argv.username, logins: argv.logins }).catch((e: unknown) => Promise.reject(withSentences(e)));
          process.stdout.write(ctx.json ? `${JSON.stringify(d, jsonReplacer, 2)}\n` : formatDiagnosis(d));
        }),
      );
    },
  );
}
