/**
 * `radassoc export`: the treasurer's billing file, from the usage flushed to
 * PostgreSQL (run `radassoc flush` first for the last minute's usage);
 * services/usage.ts checks the period and builds it, this writes it. One
 * tenant's usage (--tenant), or with --all-tenants every tenant's, a `tenant`
 * column first.
 */
import { writeFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { billingExport } from '../services/usage.js';
import { withContext, type GlobalArgs } from './context.js';

export function registerExport(cli: Argv<GlobalArgs>): void {
  cli.command(
    'export',
    'billing export: usage per member (or per session with --detail) between two dates, inclusive, UTC',
    (y) =>
      y
        .option('from', { type: 'string', demandOption: true, describe: 'first day, YYYY-MM-DD' })
        .option('to', { type: 'string', demandOption: true, describe: 'last day, YYYY-MM-DD' })
        .option('format', { choices: ['csv', 'json'] as const, default: 'csv' as const, describe: 'file format' })
        .option('detail', { type: 'boolean', default: false, describe: 'one row per session instead of per member' })
        .option('out', { type: 'string', describe: 'write to this file instead of standard output' }),
    async (argv) => {
      const format = argv.json || argv.format === 'json' ? 'json' : 'csv';
      const { text } = await withContext(argv, async (ctx) =>
        billingExport(ctx, await ctx.readScope(), { from: argv.from, to: argv.to, detail: argv.detail, format }),
      );
      if (argv.out) {
        await writeFile(argv.out, text);
        if (!argv.json) process.stderr.write(`wrote ${argv.out}\n`);
      } else {
        process.stdout.write(text);
      }
    },
  );
}
