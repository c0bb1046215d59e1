/**
 * `radassoc member import <file.csv>`: every row or none. The whole file is
 * checked before the database is touched and every problem names its line;
 * then credentials are derived (scrypt for PAP-only rows runs on the thread
 * pool, a batch at a time) and importMembers inserts in one transaction.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Argv } from 'yargs';
import { deriveCredentialAsync } from '../auth/credentials.js';
import { insertAudit } from '../db/audit.js';
import type { Db } from '../db/db.js';
import { check } from '../db/member-rows.js';
import { importMembers } from '../db/members.js';
import { ALL_AUTH_METHODS, type AuthMethod, type NewMember } from '../domain/member.js';
import { RadassocError } from '../errors.js';
import type { AdminContext, GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { CsvSyntaxError, parseCsv, type CsvRecord } from './csv.js';
import { checkPassword, parseAuthMethods, parseCount, parseDate } from './input.js';
import { printRecord, say } from './output.js';

const REQUIRED = ['username', 'password'] as const;
const OPTIONAL = ['plan', 'ipv4', 'ipv6_prefix', 'max_sessions', 'paid_until', 'auth'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const KNOWN: readonly string[] = [...REQUIRED, ...OPTIONAL];
const HEADER_HELP = `username,password[,${OPTIONAL.join(',')}]`;
const MAX_LISTED = 10;
/** scrypt derivations in flight at once (libuv's pool runs 4 by default; more only queue). */
const HASH_BATCH = 64;
/** PAP-only rows from which the import says on stderr that hashing will take a while. */
const SLOW_NOTICE = 200;

interface Problem {
  line: number;
  message: string;
}

interface ParsedRow {
  line: number;
  password: string;
  methods: AuthMethod[];
  fields: Omit<NewMember, 'credential' | 'authMethods'>;
}

function failure(problems: readonly Problem[]): RadassocError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const listed = sorted.slice(0, MAX_LISTED).map((p) => `line ${p.line}: ${p.message}`);
  if (sorted.length > MAX_LISTED) listed.push(`... and ${sorted.length - MAX_LISTED} more`);
  return new RadassocError('IMPORT_FAILED', `${listed.join('\n')}\nnothing was imported; fix the file and run the import again`, {
    problems: sorted.slice(0, 1000),
  });
}

function readHeader(rec: CsvRecord | undefined): Column[] {
  if (!rec) throw failure([{ line: 1, message: `the file is empty; the first line must be the header ${HEADER_HELP}` }]);
  const cols = rec.fields.map((f) => f.trim().toLowerCase());
  const unknown = cols.filter((c) => !KNOWN.includes(c));
  const missing = REQUIRED.filter((c) => !cols.includes(c));
  const repeated = cols.filter((c, i) => cols.indexOf(c) !== i);
  const problem =
    unknown.length > 0 ? `unknown column ${unknown.map((c) => `'${c}'`).join(', ')}`
    : missing.length > 0 ? `missing column ${missing.join(', ')}`
    : repeated.length > 0 ? `column ${repeated[0]} appears twice`
    : null;
  if (problem) throw failure([{ line: rec.line, message: `${problem}; the header is ${HEADER_HELP}` }]);
  return cols as Column[];
}

/** Splits "pap;chap" or "pap chap" as well as "pap,chap" (a comma must be quoted in CSV). */
const methodsOf = (text: string): AuthMethod[] => (text.trim() === '' ? [...ALL_AUTH_METHODS] : parseAuthMethods(text.replace(/[;\s]+/g, ',')));

/** Runs one field's check; its message gets the column name in front. */
function field<T>(column: Column, checkIt: () => T): T {
  try {
    return checkIt();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(message.startsWith(`${column}:`) ? message : `${column}: ${message}`);
  }
}

function parseRow(cols: readonly Column[], rec: CsvRecord): ParsedRow {
  if (rec.fields.length !== cols.length) {
    throw new Error(`${rec.fields.length} fields where the header has ${cols.length}; quote any field that holds a comma`);
  }
  const get = (c: Column): string => rec.fields[cols.indexOf(c)] ?? '';
  const opt = (c: Column): string | null => {
    const v = cols.includes(c) ? get(c).trim() : '';
    return v === '' ? null : v;
  };
  const maxSessions = opt('max_sessions');
  const paidUntil = opt('paid_until');
  return {
    line: rec.line,
    password: field('password', () => checkPassword(get('password'))),
    methods: field('auth', () => methodsOf(get('auth'))),
    fields: {
      username: field('username', () => check.username(get('username'))),
      plan: opt('plan'),
      ipv4: field('ipv4', () => check.ipv4(opt('ipv4'))),
      ipv6Prefix: field('ipv6_prefix', () => check.ipv6Prefix(opt('ipv6_prefix'))),
      maxSessions: maxSessions === null ? null : field('max_sessions', () => parseCount(maxSessions, 'the value')),
      paidUntil: paidUntil === null ? null : parseDate(paidUntil, 'paid_until'),
    },
  };
}

/** Reads and checks the whole file; throws IMPORT_FAILED listing the lines at fault. */
export function parseMemberCsv(text: string): ParsedRow[] {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw failure([{ line: e.line, message: e.message.replace(/^line \d+: /, '') }]);
    throw e;
  }
  const cols = readHeader(records[0]);
  const rows: ParsedRow[] = [];
  const problems: Problem[] = [];
  const seenUser = new Map<string, number>();
  const seenIp = new Map<string, number>();
  for (const rec of records.slice(1)) {
    try {
      const row = parseRow(cols, rec);
      const { username, ipv4 } = row.fields;
      const userLine = seenUser.get(username);
      if (userLine !== undefined) throw new Error(`username ${username} already appears on line ${userLine}`);
      seenUser.set(username, rec.line);
      const ipLine = ipv4 ? seenIp.get(ipv4) : undefined;
      if (ipLine !== undefined) throw new Error(`ipv4: address ${ipv4} already appears on line ${ipLine}`);
      if (ipv4) seenIp.set(ipv4, rec.line);
      rows.push(row);
    } catch (e) {
      problems.push({ line: rec.line, message: e instanceof Error ? e.message : String(e) });
    }
  }
  if (problems.length > 0) throw failure(problems);
  return rows;
}

async function toNewMembers(rows: readonly ParsedRow[]): Promise<NewMember[]> {
  const papOnly = rows.filter((r) => r.methods.length === 1 && r.methods[0] === 'pap').length;
  if (papOnly >= SLOW_NOTICE) {
    process.stderr.write(`radassoc: ${papOnly} PAP-only members need a strong hash each (scrypt, tens of ms per core): this takes a while\n`);
  }
  const out: NewMember[] = [];
  for (let from = 0; from < rows.length; from += HASH_BATCH) {
    const batch = rows.slice(from, from + HASH_BATCH);
    const creds = await Promise.all(batch.map((r) => deriveCredentialAsync(r.password, r.methods)));
    batch.forEach((r, i) => out.push({ ...r.fields, authMethods: r.methods, credential: creds[i]! }));
  }
  return out;
}

async function readCsvFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new RadassocError('INVALID_ARGUMENT', `cannot read ${path}: ${reason}; check the path`);
  }
}

/** The import and its audit entry in one transaction. */
async function importWithAudit(ctx: AdminContext, file: string, rows: ParsedRow[], members: NewMember[]): Promise<number> {
  const audited: Pick<Db, 'transaction'> = {
    transaction: (fn) =>
      ctx.db.transaction(async (tx) => {
        const result = await fn(tx);
        await insertAudit(tx, {
          actor: ctx.actor,
          action: 'member.import',
          target: `import:${basename(file)}`,
          after: { file: basename(file), imported: members.length, usernames: members.map((m) => m.username) },
        });
        return result;
      }),
  };
  const { inserted } = await importMembers(audited, members, { lineOf: (i) => rows[i]?.line ?? 0 });
  return inserted;
}

export function registerMemberImport(member: Argv<GlobalArgs>): void {
  member.command(
    'import <file>',
    `add members from a CSV file, all or none (header: ${HEADER_HELP}; empty auth means all)`,
    (y) => y.positional('file', { type: 'string', demandOption: true, describe: 'CSV file (RFC 4180, UTF-8)' }),
    async (argv) => {
      const rows = parseMemberCsv(await readCsvFile(argv.file));
      const members = await toNewMembers(rows);
      await withContext(argv, async (ctx) => {
        const imported = await importWithAudit(ctx, argv.file, rows, members);
        if (ctx.json) printRecord({ imported }, true);
        else say(`imported ${imported} member${imported === 1 ? '' : 's'}`, false);
      });
    },
  );
}
