/**
 * The members table: one exported function per query. Every function takes
 * the Queryable to run on (the pool, or a transaction) as its first argument
 * and, for one tenant's members, the tenant's id as its second: a username,
 * an address or a line is unique within a tenant only, and no query here
 * reads or changes another tenant's row.
 */
import type { Member, MemberPatch, MemberStatus, NewMember, SuspensionKind } from '../domain/member.js';
import { isIsoDate } from '../domain/validate.js';
import { fail } from '../errors.js';
import type { Queryable } from './db.js';
import { addressInUse, check, mapMemberError, MEMBER_COLUMNS, toMember, unknownMember, type MemberRow } from './member-rows.js';

export { importMembers, type ImportOptions } from './member-import.js';

async function run(q: Queryable, username: string, sql: string, params: unknown[]): Promise<MemberRow[]> {
  try {
    return (await q.query<MemberRow>(sql, params)).rows;
  } catch (e) {
    throw mapMemberError(e, username);
  }
}

/** Names the holder of a static address (in the same tenant) before the unique index refuses it with less to say. */
async function assertAddressFree(q: Queryable, tenantId: number, ipv4: string | null, username: string): Promise<void> {
  if (ipv4 === null) return;
  const r = await q.query<{ username: string }>(
    'SELECT username FROM members WHERE tenant_id = $1 AND ipv4 = $2::inet AND username <> $3 LIMIT 1',
    [tenantId, ipv4, username],
  );
  const holder = r.rows[0]?.username;
  if (holder !== undefined) throw addressInUse(ipv4, holder);
}

/** The same for an access line: bound to one member of the tenant at most. */
async function assertLineFree(q: Queryable, tenantId: number, lineId: string | null, username: string): Promise<void> {
  if (lineId === null) return;
  const r = await q.query<{ username: string }>(
    'SELECT username FROM members WHERE tenant_id = $1 AND line_id = $2 AND username <> $3 LIMIT 1',
    [tenantId, lineId, username],
  );
  const holder = r.rows[0]?.username;
  if (holder !== undefined) throw fail('LINE_IN_USE', { line: lineId, holder });
}

export async function insertMember(q: Queryable, tenantId: number, m: NewMember): Promise<Member> {
  const username = check.username(m.username);
  const ipv4 = check.ipv4(m.ipv4);
  const lineId = check.lineId(m.lineId);
  const params = [
    tenantId,
    username,
    m.credential.cleartext,
    check.ntHash(m.credential.ntHash),
    m.credential.strongHash,
    check.authMethods(m.authMethods),
    m.plan ?? null,
    ipv4,
    check.ipv6Prefix(m.ipv6Prefix),
    check.maxSessions(m.maxSessions),
    check.paidUntil(m.paidUntil),
    lineId,
    m.credential.legacyHash ?? null,
  ];
  await assertAddressFree(q, tenantId, ipv4, username);
  await assertLineFree(q, tenantId, lineId, username);
  const rows = await run(
    q,
    username,
    `INSERT INTO members (tenant_id, username, cleartext, nt_hash, strong_hash, auth_methods, plan, ipv4, ipv6_prefix, max_sessions, paid_until, line_id, legacy_hash)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8::inet, $9::cidr, $10, $11::date, $12, $13)
     RETURNING ${MEMBER_COLUMNS}`,
    params,
  );
  return toMember(rows[0] ?? {});
}

export async function getMember(q: Queryable, tenantId: number, username: string): Promise<Member | null> {
  const r = await q.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM members WHERE tenant_id = $1 AND username = $2`, [tenantId, username]);
  const row = r.rows[0];
  return row ? toMember(row) : null;
}

/** Whether `tenantId` has a member `username` (another tenant's member of that name does not count). */
export async function memberExistsIn(q: Queryable, tenantId: number, username: string): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM members WHERE tenant_id = $1 AND username = $2', [tenantId, username]);
  return r.rows.length > 0;
}

export interface MemberFilter {
  status?: MemberStatus;
  /** Members whose dues run out before this date (paid_until < date), YYYY-MM-DD. */
  lapsingBefore?: string;
}

/** One tenant's members, or with 'all' every tenant's (the deployment-wide listing; each Member says its tenant). */
export async function listMembers(q: Queryable, tenant: number | 'all', filter: MemberFilter = {}): Promise<Member[]> {
  if (filter.lapsingBefore !== undefined && !isIsoDate(filter.lapsingBefore)) {
    throw fail('INVALID_DATE', { value: filter.lapsingBefore });
  }
  const r = await q.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM members
     WHERE ($3::integer IS NULL OR tenant_id = $3) AND ($1::text IS NULL OR status = $1) AND ($2::date IS NULL OR paid_until < $2::date)
     ORDER BY username, tenant_id`,
    [filter.status ?? null, filter.lapsingBefore ?? null, tenant === 'all' ? null : tenant],
  );
  return r.rows.map(toMember);
}

/** Each field of the patch: its column and SQL cast. undefined leaves it, null clears it. */
function patchAssignments(patch: MemberPatch): Array<[column: string, value: unknown, cast: string]> {
  const sets: Array<[string, unknown, string]> = [];
  if (patch.plan !== undefined) sets.push(['plan', patch.plan, 'text']);
  if (patch.ipv4 !== undefined) sets.push(['ipv4', check.ipv4(patch.ipv4), 'inet']);
  if (patch.ipv6Prefix !== undefined) sets.push(['ipv6_prefix', check.ipv6Prefix(patch.ipv6Prefix), 'cidr']);
  if (patch.maxSessions !== undefined) sets.push(['max_sessions', check.maxSessions(patch.maxSessions), 'integer']);
  if (patch.paidUntil !== undefined) sets.push(['paid_until', check.paidUntil(patch.paidUntil), 'date']);
  if (patch.lineId !== undefined) sets.push(['line_id', check.lineId(patch.lineId), 'text']);
  if (patch.authMethods !== undefined) sets.push(['auth_methods', check.authMethods(patch.authMethods), 'text[]']);
  // NULL, not []: what a member without attributes of its own holds (import freeradius writes the same).
  if (patch.replyAttributes !== undefined) sets.push(['reply_attributes', patch.replyAttributes.length === 0 ? null : JSON.stringify(patch.replyAttributes), 'jsonb']);
  if (patch.credential !== undefined) {
    sets.push(['cleartext', patch.credential.cleartext, 'text']);
    sets.push(['nt_hash', check.ntHash(patch.credential.ntHash), 'bytea']);
    sets.push(['strong_hash', patch.credential.strongHash, 'text']);
    // A new password replaces a hash brought from FreeRADIUS.
    sets.push(['legacy_hash', patch.credential.legacyHash ?? null, 'text']);
  }
  return sets;
}

/** Applies the patch and returns the member as it now is. */
export async function updateMember(q: Queryable, tenantId: number, username: string, patch: MemberPatch): Promise<Member> {
  const sets = patchAssignments(patch);
  if (sets.length === 0) {
    const current = await getMember(q, tenantId, username);
    if (!current) throw unknownMember(username);
    return current;
  }
  if (patch.ipv4) await assertAddressFree(q, tenantId, check.ipv4(patch.ipv4), username);
  if (patch.lineId) await assertLineFree(q, tenantId, check.lineId(patch.lineId), username);
  // Column names come from the fixed list above, never from input.
  const assignments = sets.map(([col, , cast], i) => `${col} = $${i + 3}::${cast}`).join(', ');
  const rows = await run(
    q,
    username,
    `UPDATE members SET ${assignments} WHERE tenant_id = $1 AND username = $2 RETURNING ${MEMBER_COLUMNS}`,
    [tenantId, username, ...sets.map(([, v]) => v)],
  );
  if (!rows[0]) throw unknownMember(username);
  return toMember(rows[0]);
}

export async function deleteMember(q: Queryable, tenantId: number, username: string): Promise<void> {
  const r = await q.query('DELETE FROM members WHERE tenant_id = $1 AND username = $2', [tenantId, username]);
  if (r.rowCount === 0) throw unknownMember(username);
}

export async function suspendMember(
  q: Queryable,
  tenantId: number,
  username: string,
  reason: string,
  at: Date = new Date(),
  kind: SuspensionKind = 'manual',
): Promise<Member> {
  const rows = await run(
    q,
    username,
    `UPDATE members SET status = 'suspended', suspended_reason = $3, suspended_at = $4, suspension_kind = $5
     WHERE tenant_id = $1 AND username = $2 RETURNING ${MEMBER_COLUMNS}`,
    [tenantId, username, reason, at, kind],
  );
  if (!rows[0]) throw unknownMember(username);
  return toMember(rows[0]);
}

export async function resumeMember(q: Queryable, tenantId: number, username: string): Promise<Member> {
  const rows = await run(
    q,
    username,
    `UPDATE members SET status = 'active', suspended_reason = NULL, suspended_at = NULL, suspension_kind = NULL
     WHERE tenant_id = $1 AND username = $2 RETURNING ${MEMBER_COLUMNS}`,
    [tenantId, username],
  );
  if (!rows[0]) throw unknownMember(username);
  return toMember(rows[0]);
}

/**
 * Rows of `columns` of every member, in id order, a page at a time (keyset
 * pagination): memory per query stays bounded and the same code works on
 * PGlite, which has no cursors over the socket.
 */
async function* memberRowPages<R extends { id?: unknown }>(q: Queryable, columns: string, pageSize: number): AsyncGenerator<R[]> {
  let after: unknown = 0;
  for (;;) {
    const { rows } = await q.query<R>(`SELECT ${columns} FROM members WHERE id > $1 ORDER BY id LIMIT $2`, [after, pageSize]);
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    yield rows;
    after = last.id;
    if (rows.length < pageSize) return;
  }
}

/** Every member, a page at a time (bulk reads and exports). */
export async function* memberPages(q: Queryable, pageSize = 20_000): AsyncGenerator<Member[]> {
  for await (const rows of memberRowPages<MemberRow>(q, MEMBER_COLUMNS, pageSize)) yield rows.map(toMember);
}

/**
 * One member as authentication needs it: no dates (parsing two timestamps per
 * row was a good part of loading a million members) and no bytea (one Buffer
 * per row); text the directory cache keeps or turns into its own record.
 */
export interface AuthMemberRow {
  /** bigint: a string from pg, a number from PGlite; only handed back as the next page's key. */
  id: unknown;
  username: string;
  cleartext: string | null;
  /** The NT hash as 32 hex digits (the column is 16 octets by constraint). */
  nt_hash: string | null;
  strong_hash: string | null;
  /** auth_methods joined with ',' (none contains a comma): no array parsing per row. */
  auth_methods: string;
  status: string;
  plan: string | null;
  ipv4: string | null;
  ipv6_prefix: string | null;
  max_sessions: number | null;
  /** Members moved in from FreeRADIUS only (sql/090_legacy_credentials.sql). */
  legacy_hash?: string | null;
  /** The member's own reply attributes as stored (a JSON array), or null. */
  reply_attributes?: unknown;
}

const AUTH_MEMBER_COLUMNS = `id, username, cleartext, encode(nt_hash, 'hex') AS nt_hash, strong_hash,
  array_to_string(auth_methods, ',') AS auth_methods, status, plan, host(ipv4) AS ipv4,
  ipv6_prefix::text AS ipv6_prefix, max_sessions, legacy_hash, reply_attributes`;

/**
 * Every member with only the columns authentication reads, a page at a time
 * in id order: the daemon's directory
 * turns each page into compact records before the next one is fetched.
 */
export function authMemberPages(q: Queryable, pageSize = 20_000): AsyncGenerator<AuthMemberRow[]> {
  return memberRowPages<AuthMemberRow>(q, AUTH_MEMBER_COLUMNS, pageSize);
}

/** One member's authentication columns (the directory's NOTIFY refresh), or null. */
export async function getAuthMember(q: Queryable, username: string): Promise<AuthMemberRow | null> {
  const r = await q.query<AuthMemberRow>(`SELECT ${AUTH_MEMBER_COLUMNS} FROM members WHERE username = $1`, [username]);
  return r.rows[0] ?? null;
}

export async function loadAllMembers(q: Queryable, pageSize?: number): Promise<Member[]> {
  const all: Member[] = [];
  for await (const page of memberPages(q, pageSize)) for (const m of page) all.push(m);
  return all;
}

export async function countMembers(q: Queryable): Promise<number> {
  const r = await q.query<{ n: unknown }>('SELECT count(*) AS n FROM members');
  return Number(r.rows[0]?.n ?? 0);
}
