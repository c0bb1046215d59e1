/**
 * The member import's CSV file read into rows (services/member-import.ts
 * does the rest): the header, then every line with every fault on it, each
 * value as its column names it, without stopping at the first fault. A line
 * found faulty still says what it asks of the database (its name, address and
 * plan), so that one run of the import reports those clashes too.
 */
import { check } from '../db/member-rows.js';
import type { ImportFault, ImportKey, ImportRow } from './member-import.js';
import { checkPassword } from './member-fields.js';
import { ALL_AUTH_METHODS, type AuthMethod } from '../domain/member.js';
import { readCsv, type CsvRecord } from './csv.js';
import { parseAuthMethods, parseCount, parseDate } from './field-text.js';
import { closest } from './suggest.js';

const REQUIRED = ['username', 'password'] as const;
const OPTIONAL = ['plan', 'ipv4', 'ipv6_prefix', 'max_sessions', 'paid_until', 'auth'] as const;
/** Read like the others, named apart: the access line a member is bound to (fibre), which most files do not have. */
const LINE = 'line';
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number] | typeof LINE;
const KNOWN: readonly Column[] = [...REQUIRED, ...OPTIONAL, LINE];
export const HEADER_HELP = `username,password[,${OPTIONAL.join(',')}]`;
export const LINE_COLUMN_HELP = `a ${LINE} column binds each member to its access line (Agent-Circuit-Id, Agent-Remote-Id or NAS-Port-Id)`;

/** What a whole file came to: the rows read (when nothing is wrong with them), what the faulty lines ask of the database, every fault. */
export interface CheckedCsv {
  rows: ImportRow[];
  claims: ImportKey[];
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
  line: Map<string, number>;
}

/** One record: every fault on it, the row when there is none, and what to check in the database regardless. */
function checkRecord(header: Header, rec: CsvRecord, seen: Seen): { row: ImportRow | null; key: ImportKey; faults: string[] } {
  const { cols } = header;
  const key: ImportKey = { line: rec.line, username: null, ipv4: null, plan: null, lineId: null };
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
  const lineId = field(LINE, () => check.lineId(opt(LINE)));
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
  if (lineId !== FAULTY && lineId !== null) {
    const first = seen.line.get(lineId);
    if (first !== undefined) faults.push(`${LINE}: ${lineId} already appears on line ${first}`);
    else {
      seen.line.set(lineId, rec.line);
      key.lineId = lineId;
    }
  }
  key.plan = plan;
  const values = [username, password, methods, ipv4, ipv6Prefix, maxSessions, paidUntil, lineId];
  if (faults.length > 0 || header.faults.length > 0 || values.includes(FAULTY)) return { row: null, key, faults };
  const ok = <T>(v: T | typeof FAULTY): T => v as T;
  const row: ImportRow = {
    line: rec.line,
    username: ok(username),
    password: ok(password),
    authMethods: ok(methods),
    plan,
    ipv4: ok(ipv4),
    ipv6Prefix: ok(ipv6Prefix),
    maxSessions: ok(maxSessions),
    paidUntil: ok(paidUntil),
    lineId: ok(lineId),
  };
  return { row, key, faults };
}

/** Reads and checks the whole file, without stopping at the first fault. */
export function checkMemberCsv(input: string | Buffer): CheckedCsv {
  const { records, error } = readCsv(input);
  const out: CheckedCsv = { rows: [], claims: [], faults: [] };
  const [first, ...rest] = records;
  if (first === undefined) {
    out.faults.push(error ? syntaxFault(error.line, error.message) : { line: 1, message: `the file is empty; the first line must be the header ${HEADER_HELP}` });
    return out;
  }
  const header = readHeader(first);
  for (const message of header.faults) out.faults.push({ line: first.line, message });
  const seen: Seen = { user: new Map(), ip: new Map(), line: new Map() };
  for (const rec of rest) {
    const r = checkRecord(header, rec, seen);
    if (r.row) out.rows.push(r.row);
    else out.claims.push(r.key);
    for (const message of r.faults) out.faults.push({ line: rec.line, message });
  }
  if (error) out.faults.push(syntaxFault(error.line, error.message));
  return out;
}

function syntaxFault(line: number, message: string): ImportFault {
  return { line, message: `${message.replace(/^line \d+: /, '')}; the lines after it were not checked` };
}
