/**
 * `radassoc hook add|list|show|remove`: a tenant's webhooks (docs/api.md,
 * "Webhooks"). `add` prints the generated secret once when no --secret-file
 * is given; list and show never print it.
 */
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { fail } from '../errors.js';
import { addHook, listTenantHooks, removeHook, showHook } from '../services/hooks.js';
import { HOOK_EVENTS } from '../webhooks/events.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { printRecord, printRows, say } from './output.js';

function readSecret(path: string): string {
  try {
    // A trailing newline is the editor's, not the secret's.
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw fail('INVALID_ARGUMENT', { problem: 'unreadable-file', path, reason: (e as NodeJS.ErrnoException).code ?? 'unreadable' });
  }
}

export function registerHook(cli: Argv<GlobalArgs>): void {
  cli.command('hook', "webhooks: tell a member-management tool of sessions and members' changes", (hook) => {
    hook.command(
      'add',
      'send events of this tenant to a URL (the secret to verify them is printed once)',
      (y) =>
        y
          .option('url', { type: 'string', demandOption: true, describe: 'where to POST each event (http:// or https://)' })
          .option('events', { type: 'string', demandOption: true, describe: `comma-separated: ${HOOK_EVENTS.join(', ')}` })
          .option('secret-file', { type: 'string', describe: 'a file holding the HMAC secret (at least 16 characters) [generated]' }),
      async (argv) => {
        const secret = argv.secretFile === undefined ? undefined : readSecret(argv.secretFile);
        await withContext(argv, async (ctx) => {
          const r = await addHook({ db: ctx.db }, await ctx.scope(), { url: argv.url, events: argv.events, secret });
          if (ctx.json) printRecord({ ...r.hook, ...(r.secret ? { secret: r.secret } : {}) }, true);
          else {
            say(`webhook ${r.hook.id}: ${r.hook.events.join(', ')} to ${r.hook.url}`, false);
            if (r.secret) {
              process.stdout.write(`${r.secret}\n`);
              process.stderr.write('the line above is the signing secret: shown this once, give it to the receiver now\n');
            }
          }
        });
      },
    );
    hook.command(
      'list',
      "this tenant's webhooks, with what waits to be delivered",
      (y) => y,
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const hooks = await listTenantHooks({ db: ctx.db }, await ctx.scope());
          printRows(
            hooks.map((h) => (ctx.json ? { ...h } : { ...h, events: h.events.join(','), last_error: h.last_error ?? '' })),
            ['id', 'url', 'events', 'pending', 'failed', 'last_delivered_at', 'last_error'],
            ctx.json,
          );
        });
      },
    );
    hook.command(
      'show <id>',
      'a webhook and its latest deliveries',
      (y) => y.positional('id', { type: 'string', demandOption: true }),
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const r = await showHook({ db: ctx.db }, await ctx.scope(), argv.id);
          if (ctx.json) {
            printRecord({ ...r.hook, deliveries: r.deliveries }, true);
            return;
          }
          printRecord({ ...r.hook, events: r.hook.events.join(',') }, false);
          printRows(
            r.deliveries.map((d) => ({
              event_id: d.eventId,
              event: d.event,
              attempts: d.attempts,
              created_at: d.createdAt.toISOString(),
              state: d.deliveredAt ? 'delivered' : d.failedAt ? 'given up' : 'pending',
              last_status: d.lastStatus ?? '',
              last_error: d.lastError ?? '',
            })),
            ['event_id', 'event', 'attempts', 'created_at', 'state', 'last_status', 'last_error'],
            false,
          );
        });
      },
    );
    hook.command(
      'remove <id>',
      'stop a webhook (what it had still to deliver is dropped)',
      (y) => y.positional('id', { type: 'string', demandOption: true }),
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const r = await removeHook({ db: ctx.db }, await ctx.scope(), argv.id);
          if (ctx.json) printRecord(r, true);
          else say(`removed webhook ${r.removed}`, false);
        });
      },
    );
    return hook.demandCommand(1, 'Name a hook command: add, list, show or remove.');
  });
}
