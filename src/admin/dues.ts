/**
 * `radassoc dues run [--dry-run]` and `radassoc dues list [--within 30d]`:
 * the dues job by hand (what the daily job does, or would do), and who
 * lapses soon.
 */
import type { Argv } from 'yargs';
import { parseDays } from '../lifecycle/dues.js';
import { listLapsing, runDues, type DuesRunReport } from '../services/lifecycle.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { readDeps, withServices } from './services-context.js';
import { allAcknowledged, attemptLines, attemptView, printLapsing } from './lifecycle-output.js';
import { printRecord } from './output.js';

function reportLines(r: DuesRunReport): string[] {
  const grace = `${r.graceDays} day${r.graceDays === 1 ? '' : 's'} of grace`;
  if (r.lapsed.length === 0) return [`${r.today}: no active member is past paid-until plus ${grace}`];
  if (r.dryRun) {
    return [
      `dry run for ${r.today} (${grace}): would suspend ${r.lapsed.length} member${r.lapsed.length === 1 ? '' : 's'} and disconnect their sessions; nothing was changed`,
      ...r.lapsed.map((m) => `  ${m.username}  paid until ${m.paidUntil}`),
    ];
  }
  const out = [`${r.today} (${grace}): suspended ${r.suspended.length} member${r.suspended.length === 1 ? '' : 's'} (reason: dues lapsed)`];
  for (const s of r.suspended) out.push(`${s.username} (paid until ${s.before.paidUntil ?? '-'})`, ...attemptLines(s.disconnects, s.sessionsError, '  no live session'));
  return out;
}

export function registerDues(cli: Argv<GlobalArgs>): void {
  cli.command('dues', 'dues: run the lapsed-dues suspension now, list who lapses soon', (dues) => {
    dues.command(
      'run',
      'suspend (and disconnect) every member past paid-until plus the grace days',
      (y) =>
        y
          .option('dry-run', { type: 'boolean', default: false, describe: 'only list who would be suspended' })
          .option('today', { type: 'string', describe: 'run as if on this date, YYYY-MM-DD (default: today, UTC)' }),
      async (argv) => {
        await withContext(argv, async (ctx) =>
          withServices(ctx, async (deps, scope) => {
            const r = await runDues(deps, scope, { dryRun: argv.dryRun, ...(argv.today ? { today: argv.today } : {}) });
            if (ctx.json) {
              const suspended = r.suspended.map((s) => ({ username: s.username, disconnects: s.disconnects.map(attemptView), sessions_error: s.sessionsError }));
              printRecord({ today: r.today, grace_days: r.graceDays, dry_run: r.dryRun, lapsed: r.lapsed, suspended }, true);
            } else {
              process.stdout.write(`${reportLines(r).join('\n')}\n`);
            }
            if (!r.suspended.every((s) => allAcknowledged(s.disconnects))) process.exitCode = 1;
          }),
        );
      },
    );
    dues.command(
      'list',
      'active members whose dues run out soon (paid-until within the period, or already in grace)',
      (y) => y.option('within', { type: 'string', default: '30d', describe: 'period: 30d, 2w, ...' }),
      async (argv) => {
        const days = parseDays(argv.within);
        await withContext(argv, async (ctx) => {
          printLapsing(await listLapsing(readDeps(ctx), await ctx.scope(), { withinDays: days }), ctx.json);
        });
      },
    );
    return dues.demandCommand(1, 'Name a dues command: run or list.');
  });
}
