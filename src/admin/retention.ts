/**
 * `radassoc retention show|run`: what each kind of data holds and for how
 * long it is kept, per tenant; and deleting what is past its period now,
 * as the daily job does (docs/privacy.md). One tenant (--tenant, or the only
 * one), or with --all-tenants every tenant and the rows of none. rotate-key
 * (the connection register's identity key) lives in retention-key.ts.
 */
import type { Argv } from 'yargs';
import { retentionRun, showRetention } from '../services/retention.js';
import type { RetentionRunReport } from '../privacy/retention-run.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { registerRotateKey } from './retention-key.js';
import { readDeps } from './services-context.js';
import { printRecord, printRows } from './output.js';

const QUIET = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DEPLOYMENT = '(none)';

function runLines(r: RetentionRunReport): string[] {
  const acted = r.results.filter((x) => x.rows > 0);
  const verb = r.dry_run ? 'would remove' : 'removed';
  const head = r.dry_run ? `dry run at ${r.at}: nothing was changed` : `retention run at ${r.at}`;
  if (acted.length === 0) return [head, '  nothing is past its period'];
  return [
    head,
    ...acted.map((x) => {
      const also = Object.entries(x.also ?? {}).filter(([, n]) => n > 0).map(([k, n]) => `${k.replaceAll('_', ' ')} ${n}`);
      const batches = r.dry_run ? '' : ` in ${x.batches} batch${x.batches === 1 ? '' : 'es'}`;
      return `  ${x.tenant ?? DEPLOYMENT}  ${x.kind}: ${verb} ${x.rows} row${x.rows === 1 ? '' : 's'}${batches}${x.cutoff ? ` (before ${x.cutoff})` : ''}${also.length ? `; ${also.join(', ')}` : ''}`;
    }),
  ];
}

export function registerRetention(cli: Argv<GlobalArgs>): void {
  cli.command('retention', 'what is kept about members and for how long: show, run, rotate-key', (retention) => {
    retention.command(
      'show',
      'per tenant and kind of data: what is kept, for how long, rows held now and the oldest (--all-tenants: every tenant)',
      (y) => y,
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const rows = await showRetention(readDeps(ctx), await ctx.readScope());
          if (ctx.json) printRows(rows.map((r) => ({ ...r })), [], true);
          else printRows(rows.map((r) => ({ ...r, tenant: r.tenant ?? DEPLOYMENT })), ['tenant', 'kind', 'kept_for', 'rows', 'oldest'], false);
        });
      },
    );
    retention.command(
      'run',
      'delete now what is past its period, in batches, as the daily job does (--all-tenants: every tenant)',
      (y) => y.option('dry-run', { type: 'boolean', default: false, describe: 'count what would go; change nothing' }),
      async (argv) => {
        await withContext(argv, async (ctx) => {
          const report = await retentionRun({ ...readDeps(ctx), log: QUIET }, await ctx.readScope(), { dryRun: argv.dryRun });
          if (ctx.json) printRecord({ ...report }, true);
          else process.stdout.write(`${runLines(report).join('\n')}\n`);
        });
      },
    );
    registerRotateKey(retention);
    return retention.demandCommand(1, 'Name a retention command: show, run or rotate-key.');
  });
}
