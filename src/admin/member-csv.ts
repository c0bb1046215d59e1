/**
 * `radassoc member import <file.csv>`: every row or none. The whole file is
 * checked, then the database for what the file collides with, and one
 * refusal lists every faulty line with every fault on it (import-failure.ts),
 * so a spreadsheet is fixed in one pass. Then credentials are derived (scrypt
 * for PAP-only rows runs on the thread pool, a batch at a time) and
 * importMembers inserts in one transaction.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Argv } from 'yargs';
import { deriveCredentialAsync } from '../auth/credentials.js';
import { insertAudit } from '../db/audit.js';
import type { Db } from '../db/db.js';
import { importFailure, type ImportFault } from '../db/import-failure.js';
import { findImportConflicts, type ImportKey } from '../db/member-import.js';
import { check } from '../db/member-rows.js';
import { importMembers } from '../db/members.js';
import { ALL_AUTH_METHODS, type AuthMethod, type NewMember } from '../domain/member.js';
import { RadassocError } from '../errors.js';
import type { AdminContext, GlobalArgs } from './context.js';
import { withContext } from './context.js';
import { readCsv, type CsvRecord } from './csv.js';
import { checkPassword, parseAuthMethods, parseCount, parseDate } from './input.js';
import { printRecord, say } from './output.js';
import { closest } from './suggest.js';

const REQUIRED = ['username', 'password'] as const;
const OPTIONAL = ['plan', 'ipv4', 'ipv6_prefix', 'max_sessions', 'paid_until', 'auth'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const KNOWN: readonly Column[] = [...REQUIRED, ...OPTIONAL];
const HEADER_HELP = `username,password[,${OPTIONAL.join(',')}]`;
/** scrypt derivations in flight at once (libuv's pool runs 4 by default; more only queue). */
const HASH_BATCH = 64;
/** PAP-only rows from which the import says on stderr that hashing will take a while. */
const SLOW_NOTICE = 200;

interface ParsedRow {
  line: number;
  password: string;
  methods: AuthMethod[];
  fields: Omit<NewMember, 'credential' | 'authMethods'>;
}

/** What a whole file came to: the rows ready to import (when nothing is wrong), what to ask the database, every fault. */
export interface CheckedCsv {
  rows: ParsedRow[];
  keys: ImportKey[];
  faults: ImportFault[];
}

interface Header {
  /** The column of each field; null for one that is unknown or repeated (its values are not read). */
  cols: Array<Column | null>;
  faults: string[];
}

function readHeader(rec: CsvRecord): Header {
  const names = rec.fields.map((f) => f.trim().toLowerCase());
  const cols = names.map((c, i) => (KNOWN.includes(c as Column) && names.indexOf(c) === i ? (c as Column) : null));
  const faults: string[] = [];
  const unknown = names.filter((c) => !KNOWN.includes(c as Column));
  if (unknown.length > 0) {
    const named = unknown.map((c) => {
      const meant = closest(c, KNOWN);
      return `'${c}'${meant === null ? '' : ` (did you mean ${meant}?)`}`;
    });
    faults.push(`unknown column${unknown.length === 1 ? '' : 's'} ${named.join(', ')}; the header is ${HEADER_HELP}`);
  }
  const repeated = [...new Set(names.filter((c, i) => KNOWN.includes(c as Column) && names.indexOf(c) !== i))];
  for (const c of repeated) faults.push(`column ${c} appears twice`);
  const missing = REQUIRED.filter((c) => !cols.includes(c));
  if (missing.length > 0) faults.push(`missing column ${missing.join(', ')}${unknown.length > 0 ? '' : `; the header is ${HEADER_HELP}`}`);
  return { cols, faults };
}

/** Splits "pap;chap" or "pap chap" as well as "pap,chap" (a comma must be quoted in CSV). */
const methodsOf = (text: string): AuthMethod[] => (text.trim() === '' ? [...ALL_AUTH_METHODS] : parseAuthMethods(text.replace(/[;\s]+/g, ',')));

const FAULTY = Symbol('faulty');

/** Where duplicates within the file are caught: the first line of each username and address. */
interface Seen {
  user: Map<string, number>;
  ip: Map<string, number>;
}

/** One record: every fault on it, the row when there is none, and what to check in the database regardless. */
function checkRecord(header: Header, rec: CsvRecord, seen: Seen): { row: ParsedRow | null; key: ImportKey; faults: string[] } {
  const { cols } = header;
  const key: ImportKey = { line: rec.line, username: null, ipv4: null, plan: null };
  if (rec.fields.length !== cols.length) {
    return { row: null, key, faults: [`${rec.fields.length} fields where the header has ${cols.length}; quote any field that holds a comma`] };
  }
  const faults: string[] = [];
  const get = (c: Column): string | undefined => {
    const i = cols.indexOf(c);
    return i === -1 ? undefined : rec.fields[i];
  };
  const opt = (c: Column): string | null => {
    const v = (get(c) ?? '').trim();
    return v === '' ? null : v;
  };
  /** Runs one field's check; a refusal becomes a fault with the column name in front. */
  const field = <T>(column: Column, checkIt: () => T): T | typeof FAULTY => {
    try {
      return checkIt();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      faults.push(message.startsWith(`${column}:`) ? message : `${column}: ${message}`);
      return FAULTY;
    }
  };
  const rawUser = get('username');
  const username = rawUser === undefined ? FAULTY : field('username', () => check.username(rawUser));
  const rawPassword = get('password');
  const password = rawPassword === undefined ? FAULTY : field('password', () => checkPassword(rawPassword));
  const methods = field('auth', () => methodsOf(get('auth') ?? ''));
  const plan = opt('plan');
  const ipv4 = field('ipv4', () => check.ipv4(opt('ipv4')));
  const ipv6Prefix = field('ipv6_prefix', () => check.ipv6Prefix(opt('ipv6_prefix')));
  const max = opt('max_sessions');
  const maxSessions = max === null ? null : field('max_sessions', () => parseCount(max, 'the value'));
  const paid = opt('paid_until');
  const paidUntil = paid === null ? null : field('paid_until', () => parseDate(paid, 'paid_until'));
  if (username !== FAULTY) {
    const first = seen.user.get(username);
    if (first !== undefined) faults.push(`username ${username} already appears on line ${first}`);
    else {
      seen.user.set(username, rec.line);
      key.username = username;
    }
  }
  if (ipv4 !== FAULTY && ipv4 !== null) {
    const first = seen.ip.get(ipv4);
    if (first !== undefined) faults.push(`ipv4: address ${ipv4} already appears on line ${first}`);
    else {
      seen.ip.set(ipv4, rec.line);
      key.ipv4 = ipv4;
    }
  }
  key.plan = plan;
  const values = [username, password, methods, ipv4, ipv6Prefix, maxSessions, paidUntil];
  if (faults.length > 0 || header.faults.length > 0 || values.includes(FAULTY)) return { row: null, key, faults };
  const ok = <T>(v: T | typeof FAULTY): T => v as T;
  return {
    row: {
      line: rec.line,
      password: ok(password),
      methods: ok(methods),
      fields: { username: ok(username), plan, ipv4: ok(ipv4), ipv6Prefix: ok(ipv6Prefix), maxSessions: ok(maxSessions), paidUntil: ok(paidUntil) },
    },
    key,
    faults,
  };
}

/** Reads and checks the whole file, without stopping at the first fault. */
export function checkMemberCsv(input: string | Buffer): CheckedCsv {
  const { records, error } = readCsv(input);
  const out: CheckedCsv = { rows: [], keys: [], faults: [] };
  const [first, ...rest] = records;
  if (first === undefined) {
    out.faults.push(error ? syntaxFault(error.line, error.message) : { line: 1, message: `the file is empty; the first line must be the header ${HEADER_HELP}` });
    return out;
  }
  const header = readHeader(first);
  for (const message of header.faults) out.faults.push({ line: first.line, message });
  const seen: Seen = { user: new Map(), ip: new Map() };
  for (const rec of rest) {
    const r = checkRecord(header, rec, seen);
    if (r.row) out.rows.push(r.row);
    out.keys.push(r.key);
    for (const message of r.faults) out.faults.push({ line: rec.line, message });
  }
  if (error) out.faults.push(syntaxFault(error.line, error.message));
  return out;
}

function syntaxFault(line: number, message: string): ImportFault {
  return { line, message: `${message.replace(/^line \d+: /, '')}; the lines after it were not checked` };
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

async function readCsvFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
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
      const checked = checkMemberCsv(await readCsvFile(argv.file));
      await withContext(argv, async (ctx) => {
        const faults = [...checked.faults, ...(await findImportConflicts(ctx.db, checked.keys))];
        if (faults.length > 0) throw importFailure(faults);
        const members = await toNewMembers(checked.rows);
        const imported = await importWithAudit(ctx, argv.file, checked.rows, members);
        if (ctx.json) printRecord({ imported }, true);
        else say(`imported ${imported} member${imported === 1 ? '' : 's'}`, false);
      });
    },
  );
}
