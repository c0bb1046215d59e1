/**
 * `member import`: all rows or none, in one transaction, fast (UNNEST of
 * column arrays, a few thousand rows per statement). Every problem names the
 * line of the file: rows are checked in memory first (fields, duplicates in
 * the file), then against the database (existing usernames and addresses,
 * unknown plans), so one run reports the problems it can find at once.
 * findImportConflicts is the database half on its own, for a caller that
 * checks its file first and wants every fault of both kinds in one report.
 */
import { analyseAfterBulkWrite } from './planner-statistics.js';
import type { NewMember } from '../domain/member.js';
import { fail, isRadassocError } from '../errors.js';
import type { Db, Queryable } from './db.js';
import { importFailure as failure, type ImportFault as Problem } from './import-failure.js';
import { check, lastKeyPart, mapMemberError } from './member-rows.js';
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
  lineId: Array<string | null>;
}

function checkRows(rows: readonly NewMember[], lineOf: (i: number) => number): { cols: Columns; problems: Problem[] } {
  const cols: Columns = {
    username: [], cleartext: [], ntHashHex: [], strongHash: [], authMethods: [],
    plan: [], ipv4: [], ipv6Prefix: [], maxSessions: [], paidUntil: [], lineId: [],
  };
  const problems: Problem[] = [];
  const seenUser = new Map<string, number>();
  const seenIp = new Map<string, number>();
  const seenLine = new Map<string, number>();
  rows.forEach((m, i) => {
    try {
      const username = check.username(m.username);
      const ipv4 = check.ipv4(m.ipv4);
      const lineId = check.lineId(m.lineId);
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
      cols.lineId.push(lineId);
      const dupUser = seenUser.get(username);
      if (dupUser !== undefined) throw new Error(`username ${username} already appears on line ${lineOf(dupUser)}`);
      seenUser.set(username, i);
      const dupIp = ipv4 === null ? undefined : seenIp.get(ipv4);
      if (dupIp !== undefined) throw new Error(`address ${ipv4} already appears on line ${lineOf(dupIp)}`);
      if (ipv4 !== null) seenIp.set(ipv4, i);
      const dupLine = lineId === null ? undefined : seenLine.get(lineId);
      if (dupLine !== undefined) throw new Error(`line ${lineId} already appears on line ${lineOf(dupLine)}`);
      if (lineId !== null) seenLine.set(lineId, i);
    } catch (e) {
      problems.push({ line: lineOf(i), message: e instanceof Error ? e.message : String(e) });
    }
  });
  return { cols, problems };
}

/** What a row of the file asks of the database: its name, its static address, its access line and its plan, each checked (null: none). */
export interface ImportKey {
  line: number;
  username: string | null;
  ipv4: string | null;
  plan: string | null;
  /** Absent: the row binds no access line. */
  lineId?: string | null;
}

/**
 * What the tenant already holds that the rows collide with: a member of
 * that name, holding that address or bound to that line (reported on the
 * first line naming it), and plans that do not exist (on every line asking
 * for one). Other tenants' members and plans are not looked at.
 */
export async function findImportConflicts(q: Queryable, tenantId: number, keys: readonly ImportKey[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  const firstLine = (values: ReadonlyArray<[string | null, number]>): Map<string, number> => {
    const m = new Map<string, number>();
    for (const [v, line] of values) if (v !== null && !m.has(v)) m.set(v, line);
    return m;
  };
  const users = firstLine(keys.map((k) => [k.username, k.line]));
  if (users.size > 0) {
    const existing = await q.query<{ username: string }>('SELECT username FROM members WHERE tenant_id = $1 AND username = ANY($2::text[])', [
      tenantId,
      [...users.keys()],
    ]);
    for (const { username } of existing.rows) problems.push({ line: users.get(username) ?? 0, message: fail('DUPLICATE_MEMBER', { username }).text });
  }
  const ips = firstLine(keys.map((k) => [k.ipv4, k.line]));
  if (ips.size > 0) {
    const taken = await q.query<{ ip: string; username: string }>(
      'SELECT host(ipv4) AS ip, username FROM members WHERE tenant_id = $1 AND ipv4 = ANY($2::inet[])',
      [tenantId, [...ips.keys()]],
    );
    for (const { ip, username } of taken.rows) {
      problems.push({ line: ips.get(ip) ?? 0, message: fail('ADDRESS_IN_USE', { address: ip, holder: username }).text });
    }
  }
  const lines = firstLine(keys.map((k) => [k.lineId ?? null, k.line]));
  if (lines.size > 0) {
    const bound = await q.query<{ line_id: string; username: string }>(
      'SELECT line_id, username FROM members WHERE tenant_id = $1 AND line_id = ANY($2::text[])',
      [tenantId, [...lines.keys()]],
    );
    for (const { line_id, username } of bound.rows) {
      problems.push({ line: lines.get(line_id) ?? 0, message: fail('LINE_IN_USE', { line: line_id, holder: username }).text });
    }
  }
  const plans = [...new Set(keys.map((k) => k.plan).filter((p): p is string => p !== null))];
  if (plans.length > 0) {
    const known = await q.query<{ name: string }>('SELECT name FROM plans WHERE tenant_id = $1 AND name = ANY($2::text[])', [tenantId, plans]);
    const found = new Set(known.rows.map((r) => r.name));
    for (const k of keys) {
      if (k.plan !== null && !found.has(k.plan)) problems.push({ line: k.line, message: fail('UNKNOWN_PLAN', { plan: k.plan }).message });
    }
  }
  return problems;
}

async function checkAgainstDb(tx: Queryable, tenantId: number, cols: Columns, lineOf: (i: number) => number): Promise<Problem[]> {
  const keys = cols.username.map((username, i) => ({ line: lineOf(i), username, ipv4: cols.ipv4[i] ?? null, plan: cols.plan[i] ?? null, lineId: cols.lineId[i] ?? null }));
  return findImportConflicts(tx, tenantId, keys);
}

const INSERT_SQL = `INSERT INTO members (tenant_id, username, cleartext, nt_hash, strong_hash, auth_methods, plan, ipv4, ipv6_prefix, max_sessions, paid_until, line_id)
SELECT $1::integer, u, c, decode(h, 'hex'), s, string_to_array(a, ','), p, i::inet, v6::cidr, m, d::date, l
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::text[], $12::text[])
  WITH ORDINALITY AS t(u, c, h, s, a, p, i, v6, m, d, l, n)
ORDER BY n`;

async function insertChunk(tx: Queryable, tenantId: number, cols: Columns, from: number, to: number): Promise<void> {
  const s = <T>(a: T[]): T[] => a.slice(from, to);
  await tx.query(INSERT_SQL, [
    tenantId,
    s(cols.username), s(cols.cleartext), s(cols.ntHashHex), s(cols.strongHash), s(cols.authMethods),
    s(cols.plan), s(cols.ipv4), s(cols.ipv6Prefix), s(cols.maxSessions), s(cols.paidUntil), s(cols.lineId),
  ]);
}

/** A constraint error raised by the INSERT itself (a concurrent change), pinned to its row. */
function rowFailure(e: unknown, cols: Columns, lineOf: (i: number) => number): unknown {
  const value = keyValueFromDetail(dbErrorInfo(e)?.detail);
  const mapped = mapMemberError(e, value ?? '?');
  if (!isRadassocError(mapped)) return e;
  const key = lastKeyPart(value);
  const index = key === null ? -1 : [cols.username, cols.ipv4, cols.lineId, cols.plan].map((c) => c.indexOf(key)).find((i) => i >= 0);
  const line = index !== undefined && index >= 0 ? lineOf(index) : null;
  return failure([{ line: line ?? 0, message: mapped.message }]);
}

/** Inserts every row or none into tenant `tenantId`. Returns how many were inserted. */
export async function importMembers(
  db: Pick<Db, 'transaction' | 'query'>,
  tenantId: number,
  rows: readonly NewMember[],
  opts: ImportOptions = {},
): Promise<{ inserted: number }> {
  const lineOf = opts.lineOf ?? ((i: number) => i + 2);
  const chunk = opts.chunkSize ?? 5000;
  const { cols, problems } = checkRows(rows, lineOf);
  if (problems.length > 0) throw failure(problems);
  if (rows.length === 0) return { inserted: 0 };
  const done = await db.transaction(async (tx) => {
    const dbProblems = await checkAgainstDb(tx, tenantId, cols, lineOf);
    if (dbProblems.length > 0) throw failure(dbProblems);
    for (let from = 0; from < rows.length; from += chunk) {
      try {
        await insertChunk(tx, tenantId, cols, from, Math.min(rows.length, from + chunk));
      } catch (e) {
        throw rowFailure(e, cols, lineOf);
      }
    }
    return { inserted: rows.length };
  });
  await analyseAfterBulkWrite(db, rows.length, ['members']);
  return done;
}
