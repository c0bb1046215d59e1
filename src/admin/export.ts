/**
 * `radassoc export`: the treasurer's billing file, from the usage flushed to
 * PostgreSQL (run `radassoc flush` first for the last minute's usage).
 */
import { writeFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { DETAIL_COLUMNS, SUMMARY_COLUMNS, exportUsage, toCsv, toJson } from '../accounting/export.js';
import { isIsoDate } from '../domain/validate.js';
import { RadassocError } from '../errors.js';
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
      for (const [flag, v] of [['--from', argv.from], ['--to', argv.to]] as const) {
        if (!isIsoDate(v)) throw new RadassocError('INVALID_DATE', `${flag} ${v} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-01`);
      }
      if (argv.from > argv.to) throw new RadassocError('INVALID_ARGUMENT', `--from ${argv.from} is after --to ${argv.to}; swap them`);
      const json = argv.json || argv.format === 'json';
      const text = await withContext(argv, async (ctx) => {
        const usage = await exportUsage(ctx.db, { from: argv.from, to: argv.to });
        if (argv.detail) return json ? toJson(usage.detail) : toCsv(usage.detail, DETAIL_COLUMNS);
        return json ? toJson(usage.summary) : toCsv(usage.summary, SUMMARY_COLUMNS);
      });
      if (argv.out) {
        await writeFile(argv.out, text);
        if (!argv.json) process.stderr.write(`wrote ${argv.out}\n`);
      } else {
        process.stdout.write(text);
      }
    },
  );
}
