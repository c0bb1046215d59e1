/**
 * `radassoc import freeradius --from URL` and `radassoc import freeradius-users <file>`:
 * moving in from a FreeRADIUS deployment (docs/migration.md). The source is
 * read here, the import service plans and writes in one transaction, and
 * the report is printed. A dry run changes nothing and exits
 * DRY_RUN_WOULD_LOSE when anything would not come along, 0 when all would.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Argv } from 'yargs';
import { fail } from '../errors.js';
import type { ImportReport } from '../migrate/import-report.js';
import { openSource } from '../migrate/source.js';
import { usersFileRows } from '../migrate/users-file-rows.js';
import { importFromFreeRadius, readFreeRadiusSource, type ImportInput } from '../services/freeradius-import.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { formatImportReport } from './import-output.js';
import { printRecord } from './output.js';

/** A dry run that found rows that would not be imported: distinct from 1 (a mistake) and 2 (a dependency down). */
export const DRY_RUN_WOULD_LOSE = 3;

function print(report: ImportReport, json: boolean): void {
  if (json) printRecord(report as unknown as Record<string, unknown>, true);
  else process.stdout.write(formatImportReport(report));
  if (report.dry_run && !report.lossless) {
    process.stderr.write(`radassoc: ${report.not_imported.length} row(s) or item(s) would not be imported (listed in the report); nothing was changed\n`);
    process.exitCode = DRY_RUN_WOULD_LOSE;
  }
}

async function run(argv: GlobalArgs & { dryRun: boolean }, input: () => Promise<{ input: ImportInput; close: () => Promise<void> }>): Promise<void> {
  await withContext(argv, async (ctx) => {
    const scope = await ctx.scope();
    const { input: read, close } = await input();
    try {
      const report = await importFromFreeRadius({ db: ctx.db, now: () => Date.now() }, scope, read, { dryRun: argv.dryRun });
      print(report, ctx.json);
    } finally {
      await close();
    }
  });
}

export function registerImport(cli: Argv<GlobalArgs>): void {
  cli.command('import', 'move in from FreeRADIUS: its SQL database or its users file', (imp) =>
    imp
      .command(
        'freeradius',
        'import members, groups as plans, NAS and finished sessions from a FreeRADIUS rlm_sql database (re-run to bring later changes)',
        (y) =>
          y
            .option('from', { type: 'string', demandOption: true, describe: 'the database: postgres://user:pass@host/radius or mysql://...' })
            .option('dry-run', { type: 'boolean', default: false, describe: `change nothing; exit ${DRY_RUN_WOULD_LOSE} when anything would not be imported` }),
        async (argv) => {
          await run(argv, async () => {
            const source = await openSource(argv.from);
            try {
              return { input: await readFreeRadiusSource(source), close: () => source.close() };
            } catch (e) {
              await source.close();
              throw e;
            }
          });
        },
      )
      .command(
        'freeradius-users <file>',
        "import the members of a FreeRADIUS users file (mods-config/files/authorize); DEFAULT entries are reported, not imported",
        (y) =>
          y
            .positional('file', { type: 'string', demandOption: true, describe: 'the users file' })
            .option('dry-run', { type: 'boolean', default: false, describe: `change nothing; exit ${DRY_RUN_WOULD_LOSE} when anything would not be imported` }),
        async (argv) => {
          let text: string;
          try {
            text = await readFile(argv.file, 'utf8');
          } catch (e) {
            const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
            throw fail('INVALID_ARGUMENT', { problem: 'unreadable-file', path: argv.file, reason });
          }
          const name = basename(argv.file);
          const parsed = usersFileRows(text, name);
          await run(argv, async () => ({
            input: {
              where: name,
              counts: { [name]: parsed.entries },
              nas: [],
              rows: parsed.rows,
              caseInsensitiveUsernames: false,
              radacct: null,
              origin: parsed.origin,
              losses: parsed.losses,
            },
            close: async () => undefined,
          }));
        },
      )
      .demandCommand(1, 'name what to import: freeradius or freeradius-users'),
  );
}
