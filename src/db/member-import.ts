/**
 * `member import`: all rows or none, in one transaction, fast (UNNEST of
 * column arrays, a few thousand rows per statement). Every problem names the
 * line of the file: rows are checked in memory first (fields, duplicates in
 * the file), then against the database (existing usernames and addresses,
 * unknown plans), so one run reports the problems it can find at once.
 * findImportConflicts is the database half on its own, for a caller that
 * checks its file first and wants every fault of both kinds in one report.
 */
import type { NewMember } from '../domain/member.js';
import { fail, isRadassocError } from '../errors.js';
import type { Db, Queryable } from './db.js';
import { importFailure as failure, type ImportFault as Problem } from './import-failure.js';
import { check, mapMemberError } from './member-rows.js';
import { dbErrorInfo, keyValueFromDetail } from './pg-errors.js';

export interface ImportOptions {
  /** Line of the source file for rows[index] (default: index + 2, after a CSV header). */
  lineOf?: (index: number) => number;
  /** Rows per INSERT (default 5,000). */
  chunkSize?: number;
}

/** Canonical column arrays, one entry per row. */
interface Columns {
  username: string[];
  cleartext: Array<string | null>;
  ntHashHex: Array<string | null>;
  strongHash: Array<string | null>;
  authMethods: string[];
  plan: Array<string | null>;
  ipv4: Array<string | null>;
  ipv6Prefix: Array<string | null>;
  maxSessions: Array<number | null>;
  paidUntil: Array<string | null>;
}

function checkRows(rows: readonly NewMember[], lineOf: (i: number) => number): { cols: Columns; problems: Problem[] } {
  const cols: Columns = {
    username: [], cleartext: [], ntHashHex: [], strongHash: [], authMethods: [],
    plan: [], ipv4: [], ipv6Prefix: [], maxSessions: [], paidUntil: [],
  };
  const problems: Problem[] = [];
  const seenUser = new Map<string, number>();
  const seenIp = new Map<string, number>();
  rows.forEach((m, i) => {
    try {
      const username = check.username(m.username);
      const ipv4 = check.ipv4(m.ipv4);
      cols.username.push(username);
      cols.cleartext.push(m.credential.cleartext);
      cols.ntHashHex.push(check.ntHash(m.credential.ntHash)?.toString('hex') ?? null);
      cols.strongHash.push(m.credential.strongHash);
      cols.authMethods.push(check.authMethods(m.authMethods).join(','));
      cols.plan.push(m.plan ?? null);
      cols.ipv4.push(ipv4);
      cols.ipv6Prefix.push(check.ipv6Prefix(m.ipv6Prefix));
      cols.maxSessions.push(check.maxSessions(m.maxSessions));
      cols.paidUntil.push(check.paidUntil(m.paidUntil));
      const dupUser = seenUser.get(username);
      if (dupUser !== undefined) throw new Error(`username ${username} already appears on line ${lineOf(dupUser)}`);
      seenUser.set(username, i);
      const dupIp = ipv4 === null ? undefined : seenIp.get(ipv4);
      if (dupIp !== undefined) throw new Error(`address ${ipv4} already appears on line ${lineOf(dupIp)}`);
      if (ipv4 !== null) seenIp.set(ipv4, i);
    } catch (e) {
      problems.push({ line: lineOf(i), message: e instanceof Error ? e.message : String(e) });
    }
  });
  return { cols, problems };
}

/** What a row of the file asks of the database: its name, its static address and its plan, each checked (null: none). */
export interface ImportKey {
  line: number;
  username: string | null;
  ipv4: string | null;
  plan: string | null;
}

/**
 * What the database already holds that the rows collide with: a member of
 * that name or holding that address (reported on the first line naming it),
 * and plans that do not exist (on every line asking for one).
 */
export async function findImportConflicts(q: Queryable, keys: readonly ImportKey[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  const firstLine = (values: ReadonlyArray<[string | null, number]>): Map<string, number> => {
    const m = new Map<string, number>();
    for (const [v, line] of values) if (v !== null && !m.has(v)) m.set(v, line);
    return m;
  };
  const users = firstLine(keys.map((k) => [k.username, k.line]));
  if (users.size > 0) {
    const existing = await q.query<{ username: string }>('SELECT username FROM members WHERE username = ANY($1::text[])', [[...users.keys()]]);
    for (const { username } of existing.rows) problems.push({ line: users.get(username) ?? 0, message: fail('DUPLICATE_MEMBER', { username }).text });
  }
  const ips = firstLine(keys.map((k) => [k.ipv4, k.line]));
  if (ips.size > 0) {
    const taken = await q.query<{ ip: string; username: string }>(
      'SELECT host(ipv4) AS ip, username FROM members WHERE ipv4 = ANY($1::inet[])',
      [[...ips.keys()]],
    );
    for (const { ip, username } of taken.rows) {
      problems.push({ line: ips.get(ip) ?? 0, message: fail('ADDRESS_IN_USE', { address: ip, holder: username }).text });
    }
  }
  const plans = [...new Set(keys.map((k) => k.plan).filter((p): p is string => p !== null))];
  if (plans.length > 0) {
    const known = await q.query<{ name: string }>('SELECT name FROM plans WHERE name = ANY($1::text[])', [plans]);
    const found = new Set(known.rows.map((r) => r.name));
    for (const k of keys) {
      if (k.plan !== null && !found.has(k.plan)) problems.push({ line: k.line, message: fail('UNKNOWN_PLAN', { plan: k.plan }).message });
    }
  }
  return problems;
}

async function checkAgainstDb(tx: Queryable, cols: Columns, lineOf: (i: number) => number): Promise<Problem[]> {
  const keys = cols.username.map((username, i) => ({ line: lineOf(i), username, ipv4: cols.ipv4[i] ?? null, plan: cols.plan[i] ?? null }));
  return findImportConflicts(tx, keys);
}

const INSERT_SQL = `INSERT INTO members (username, cleartext, nt_hash, strong_hash, auth_methods, plan, ipv4, ipv6_prefix, max_sessions, paid_until)
SELECT u, c, decode(h, 'hex'), s, string_to_array(a, ','), p, i::inet, v6::cidr, m, d::date
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[])
  WITH ORDINALITY AS t(u, c, h, s, a, p, i, v6, m, d, n)
ORDER BY n`;

async function insertChunk(tx: Queryable, cols: Columns, from: number, to: number): Promise<void> {
  const s = <T>(a: T[]): T[] => a.slice(from, to);
  await tx.query(INSERT_SQL, [
    s(cols.username), s(cols.cleartext), s(cols.ntHashHex), s(cols.strongHash), s(cols.authMethods),
    s(cols.plan), s(cols.ipv4), s(cols.ipv6Prefix), s(cols.maxSessions), s(cols.paidUntil),
  ]);
}

/** A constraint error raised by the INSERT itself (a concurrent change), pinned to its row. */
function rowFailure(e: unknown, cols: Columns, lineOf: (i: number) => number): unknown {
  const value = keyValueFromDetail(dbErrorInfo(e)?.detail);
  const mapped = mapMemberError(e, value ?? '?');
  if (!isRadassocError(mapped)) return e;
  const index = value === null ? -1 : [cols.username, cols.ipv4, cols.plan].map((c) => c.indexOf(value)).find((i) => i >= 0);
  const line = index !== undefined && index >= 0 ? lineOf(index) : null;
  return failure([{ line: line ?? 0, message: mapped.message }]);
}

/** Inserts every row or none. Returns how many were inserted. */
export async function importMembers(
  db: Pick<Db, 'transaction'>,
  rows: readonly NewMember[],
  opts: ImportOptions = {},
): Promise<{ inserted: number }> {
  const lineOf = opts.lineOf ?? ((i: number) => i + 2);
  const chunk = opts.chunkSize ?? 5000;
  const { cols, problems } = checkRows(rows, lineOf);
  if (problems.length > 0) throw failure(problems);
  if (rows.length === 0) return { inserted: 0 };
  return db.transaction(async (tx) => {
    const dbProblems = await checkAgainstDb(tx, cols, lineOf);
    if (dbProblems.length > 0) throw failure(dbProblems);
    for (let from = 0; from < rows.length; from += chunk) {
      try {
        await insertChunk(tx, cols, from, Math.min(rows.length, from + chunk));
      } catch (e) {
        throw rowFailure(e, cols, lineOf);
      }
    }
    return { inserted: rows.length };
  });
}
