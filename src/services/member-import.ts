/**
 * Importing members: every row or none. The rows are checked, then the
 * database for what they collide with (names, addresses, plans), and one
 * refusal lists every faulty line with every fault on it, a reader's faults
 * (a CSV header, a short line) with them, so a spreadsheet is fixed in one
 * pass. Only the scope's tenant is looked at: a name another tenant uses is
 * free here. Then credentials are derived (scrypt for PAP-only rows runs on the
 * thread pool, a batch at a time) and the rows go in with their audit entry
 * in one transaction.
 */
import { deriveCredentialAsync } from '../auth/credentials.js';
import { insertAudit } from '../db/audit.js';
import type { Db } from '../db/db.js';
import { importFailure, type ImportFault } from '../db/import-failure.js';
import { findImportConflicts, importMembers as insertRows, type ImportKey } from '../db/member-import.js';
import { check } from '../db/member-rows.js';
import { ALL_AUTH_METHODS, type AuthMethod, type NewMember } from '../domain/member.js';
import type { Scope, ServiceDeps } from './deps.js';
import { checkFields, checkMethods, checkPassword, type MemberFields } from './member-fields.js';

export type { ImportFault } from '../db/import-failure.js';
export type { ImportKey } from '../db/member-import.js';

/** One member to import, with where it came from: a file's line, a list's position. */
export interface ImportRow extends MemberFields {
  line: number;
  username: string;
  password: string;
  /** Default: every method. */
  authMethods?: readonly string[];
}

/**
 * A row as a reader hands it over: null where it found no username or
 * password it could read (a JSON row's number), that fault among its faults;
 * the row's other fields are still checked, so that one refusal lists them all.
 */
export type ReadRow = Omit<ImportRow, 'username' | 'password'> & { username: string | null; password: string | null };

export interface MemberImportInput {
  /** What is imported, for the audit entry: a file's base name. */
  source: string;
  rows: readonly ReadRow[];
  /** Faults a reader found first (a header, a line it could not read), reported with the others. */
  faults?: readonly ImportFault[];
  /** What the lines a reader refused ask of the database, still checked so that one run reports everything. */
  claims?: readonly ImportKey[];
  /** Told, before hashing starts, how many PAP-only rows need a strong hash when that takes a while. */
  onSlowHashing?: (papOnly: number) => void;
  /** Every check, the database's included, and nothing written: a preview. */
  dryRun?: boolean;
}

export interface MemberImportResult {
  imported: number;
  /** A dry run: how many members the import would add (imported is then 0). */
  wouldImport?: number;
}

/** scrypt derivations in flight at once (libuv's pool runs 4 by default; more only queue). */
const HASH_BATCH = 64;
/** PAP-only rows from which hashing takes long enough to say so. */
const SLOW_HASHING = 200;

interface CheckedRow {
  line: number;
  password: string;
  methods: AuthMethod[];
  fields: Omit<NewMember, 'credential' | 'authMethods'>;
}

/** Runs one field's check; a refusal becomes a fault of the row, with the field's name in front. */
function fieldOf<T>(faults: ImportFault[], line: number, field: string, checkIt: () => T): T | undefined {
  try {
    return checkIt();
  } catch (e) {
    faults.push({ line, message: `${field}: ${e instanceof Error ? e.message : String(e)}` });
    return undefined;
  }
}

/** One row checked field by field; what it asks of the database (the fields that are right) either way. */
function checkRow(r: ReadRow, faults: ImportFault[]): { row: CheckedRow | null; key: ImportKey } {
  const before = faults.length;
  const at = <T>(field: string, fn: () => T): T | undefined => fieldOf(faults, r.line, field, fn);
  const { username: name, password: pw } = r;
  const username = name === null ? undefined : at('username', () => check.username(name));
  const password = pw === null ? undefined : at('password', () => checkPassword(pw));
  const methods = at('auth', () => checkMethods(r.authMethods ?? ALL_AUTH_METHODS));
  const ipv4 = at('ipv4', () => checkFields({ ipv4: r.ipv4 ?? null }).ipv4 ?? null);
  const ipv6Prefix = at('ipv6_prefix', () => checkFields({ ipv6Prefix: r.ipv6Prefix ?? null }).ipv6Prefix ?? null);
  const maxSessions = at('max_sessions', () => checkFields({ maxSessions: r.maxSessions ?? null }).maxSessions ?? null);
  const paidUntil = at('paid_until', () => checkFields({ paidUntil: r.paidUntil ?? null }).paidUntil ?? null);
  const lineId = at('line', () => checkFields({ lineId: r.lineId ?? null }).lineId ?? null);
  const plan = r.plan ?? null;
  const key: ImportKey = { line: r.line, username: username ?? null, ipv4: ipv4 ?? null, plan, lineId: lineId ?? null };
  if (faults.length > before || username === undefined || password === undefined || methods === undefined) return { row: null, key };
  const fields = {
    username,
    plan,
    ipv4: ipv4 ?? null,
    ipv6Prefix: ipv6Prefix ?? null,
    maxSessions: maxSessions ?? null,
    paidUntil: paidUntil ?? null,
    lineId: lineId ?? null,
  };
  return { row: { line: r.line, password, methods, fields }, key };
}

/**
 * Every row checked, and names or addresses given twice (on the later line,
 * naming the first), a faulty row's too; with what every row asks of the
 * database.
 */
function checkRows(rows: readonly ReadRow[]): { checked: CheckedRow[]; keys: ImportKey[]; faults: ImportFault[] } {
  const faults: ImportFault[] = [];
  const checked: CheckedRow[] = [];
  const keys: ImportKey[] = [];
  const seenUser = new Map<string, number>();
  const seenIp = new Map<string, number>();
  const seenLine = new Map<string, number>();
  for (const r of rows) {
    const { row, key } = checkRow(r, faults);
    const lineId = key.lineId ?? null;
    const dupUser = key.username === null ? undefined : seenUser.get(key.username);
    const dupIp = key.ipv4 === null ? undefined : seenIp.get(key.ipv4);
    const dupLine = lineId === null ? undefined : seenLine.get(lineId);
    if (dupUser !== undefined) faults.push({ line: r.line, message: `username ${key.username} already appears on line ${dupUser}` });
    else if (key.username !== null) seenUser.set(key.username, r.line);
    if (dupIp !== undefined) faults.push({ line: r.line, message: `ipv4: address ${key.ipv4} already appears on line ${dupIp}` });
    else if (key.ipv4 !== null) seenIp.set(key.ipv4, r.line);
    if (dupLine !== undefined) faults.push({ line: r.line, message: `line: ${lineId} already appears on line ${dupLine}` });
    else if (lineId !== null) seenLine.set(lineId, r.line);
    keys.push({
      ...key,
      username: dupUser === undefined ? key.username : null,
      ipv4: dupIp === undefined ? key.ipv4 : null,
      lineId: dupLine === undefined ? lineId : null,
    });
    if (row !== null && dupUser === undefined && dupIp === undefined && dupLine === undefined) checked.push(row);
  }
  return { checked, keys, faults };
}

async function toNewMembers(rows: readonly CheckedRow[], onSlowHashing?: (papOnly: number) => void): Promise<NewMember[]> {
  const papOnly = rows.filter((r) => r.methods.length === 1 && r.methods[0] === 'pap').length;
  if (papOnly >= SLOW_HASHING) onSlowHashing?.(papOnly);
  const out: NewMember[] = [];
  for (let from = 0; from < rows.length; from += HASH_BATCH) {
    const batch = rows.slice(from, from + HASH_BATCH);
    const creds = await Promise.all(batch.map((r) => deriveCredentialAsync(r.password, r.methods)));
    batch.forEach((r, i) => out.push({ ...r.fields, authMethods: r.methods, credential: creds[i]! }));
  }
  return out;
}

/** The rows and their audit entry in one transaction. */
async function insertWithAudit(db: Db, scope: Scope, source: string, rows: readonly CheckedRow[], members: NewMember[]): Promise<number> {
  const audited: Pick<Db, 'transaction' | 'query'> = {
    query: (sql, params) => db.query(sql, params),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        const result = await fn(tx);
        await insertAudit(tx, {
          tenantId: scope.tenant.id,
          actor: scope.actor.name,
          action: 'member.import',
          target: `import:${source}`,
          after: { file: source, imported: members.length, usernames: members.map((m) => m.username) },
        });
        return result;
      }),
  };
  const { inserted } = await insertRows(audited, scope.tenant.id, members, { lineOf: (i) => rows[i]?.line ?? 0 });
  return inserted;
}

export async function importMembers(deps: Pick<ServiceDeps, 'db'>, scope: Scope, input: MemberImportInput): Promise<MemberImportResult> {
  const { checked, keys: own, faults } = checkRows(input.rows);
  const keys = [...own, ...(input.claims ?? [])].sort((a, b) => a.line - b.line);
  const all = [...(input.faults ?? []), ...faults, ...(await findImportConflicts(deps.db, scope.tenant.id, keys))];
  if (all.length > 0) throw importFailure(all);
  if (input.dryRun) return { imported: 0, wouldImport: checked.length };
  const members = await toNewMembers(checked, input.onSlowHashing);
  return { imported: await insertWithAudit(deps.db, scope, input.source, checked, members) };
}
