/**
 * `radassoc diagnose <username>`: why a member can or cannot get online, in
 * plain words (lifecycle/diagnose.ts); --json prints the same Diagnosis.
 */
import type { Argv } from 'yargs';
import { diagnose, formatDiagnosis } from '../lifecycle/diagnose.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { withLifecycle } from './services-context.js';
import { jsonReplacer } from './output.js';

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
          process.stdout.write(ctx.json ? `${JSON.stringify(d, jsonReplacer, 2)}\n` : formatDiagnosis(d));
        }),
      );
    },
  );
}
