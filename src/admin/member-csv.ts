/**
 * `radassoc member import <file.csv>`: every row or none. The file is read
 * and checked here (member-csv-reader.ts); the import service checks the rows
 * against the database, refuses with every faulty line at once, or imports
 * them all.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Argv } from 'yargs';
import { fail } from '../errors.js';
import { importMembers } from '../services/members.js';
import type { GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { checkMemberCsv, HEADER_HELP, LINE_COLUMN_HELP } from '../services/member-csv-reader.js';
import { printRecord, say } from './output.js';


async function readCsvFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw fail('INVALID_ARGUMENT', { problem: 'unreadable-file', path, reason });
  }
}

const slowHashing = (papOnly: number): void => {
  process.stderr.write(`radassoc: ${papOnly} PAP-only members need a strong hash each (scrypt, tens of ms per core): this takes a while\n`);
};

export function registerMemberImport(member: Argv<GlobalArgs>): void {
  member.command(
    'import <file>',
    `add members from a CSV file, all or none (header: ${HEADER_HELP}; empty auth means all; ${LINE_COLUMN_HELP})`,
    (y) => y.positional('file', { type: 'string', demandOption: true, describe: 'CSV file (RFC 4180, UTF-8)' }),
    async (argv) => {
      const { rows, claims, faults } = checkMemberCsv(await readCsvFile(argv.file));
      await withContext(argv, async (ctx) => {
        const input = { source: basename(argv.file), rows, claims, faults, onSlowHashing: slowHashing };
        const { imported } = await importMembers({ db: ctx.db }, await ctx.scope(), input);
        if (ctx.json) printRecord({ imported }, true);
        else say(`imported ${imported} member${imported === 1 ? '' : 's'}`, false);
      });
    },
  );
}
