/**
 * What the member space reads and writes (sql/070_member_space_sessions.sql):
 * a member found by tenant and username, its login sessions (token digests
 * only), its own usage month by month and its session history, and the
 * tenant's member-space settings. Every query names the tenant: nothing here
 * reaches another tenant's member.
 */
import type { Member } from '../domain/member.js';
import type { Queryable } from './db.js';
import { MEMBER_COLUMNS, toMember } from './member-rows.js';
import { date, num, numOrNull, str, strOrNull } from './rows.js';

export interface MemberSpaceTenant {
  id: number;
  name: string;
  displayName: string;
  stripRealm: boolean;
  settings: Record<string, unknown>;
}

const TENANT_COLUMNS = 'id, name, display_name, strip_realm, settings';

function toTenant(r: Record<string, unknown>): MemberSpaceTenant {
  const settings = typeof r.settings === 'string' ? JSON.parse(r.settings) : r.settings;
  return { id: num(r.id), name: str(r.name), displayName: str(r.display_name), stripRealm: r.strip_realm === true, settings: (settings ?? {}) as Record<string, unknown> };
}

export async function tenantById(q: Queryable, id: number): Promise<MemberSpaceTenant | null> {
  const r = await q.query<Record<string, unknown>>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = $1`, [id]);
  return r.rows[0] ? toTenant(r.rows[0]) : null;
}

/** The tenant a realm names (stored lower-case). */
export async function tenantByRealm(q: Queryable, realm: string): Promise<MemberSpaceTenant | null> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT ${TENANT_COLUMNS.split(', ').map((c) => `t.${c}`).join(', ')} FROM tenant_realms r JOIN tenants t ON t.id = r.tenant_id WHERE r.realm = $1`,
    [realm.toLowerCase()],
  );
  return r.rows[0] ? toTenant(r.rows[0]) : null;
}

/** The tenants holding a member of this username (a deployment of one tenant: at most one). */
export async function tenantsWithMember(q: Queryable, username: string): Promise<number[]> {
  const r = await q.query<{ tenant_id: unknown }>('SELECT tenant_id FROM members WHERE username = $1 ORDER BY tenant_id LIMIT 2', [username]);
  return r.rows.map((row) => num(row.tenant_id));
}

export async function memberOfTenant(q: Queryable, tenantId: number, username: string): Promise<Member | null> {
  const r = await q.query<Record<string, unknown>>(`SELECT ${MEMBER_COLUMNS} FROM members WHERE tenant_id = $1 AND username = $2`, [tenantId, username]);
  return r.rows[0] ? toMember(r.rows[0]) : null;
}

export async function insertMemberSession(q: Queryable, s: { tenantId: number; username: string; digest: Buffer; expiresAt: Date }): Promise<void> {
  await q.query('INSERT INTO member_space_sessions (tenant_id, username, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [s.tenantId, s.username, s.digest, s.expiresAt]);
}

/** The member a live session belongs to; null when unknown, expired or revoked. */
export async function findMemberSession(q: Queryable, digest: Buffer, now: Date): Promise<{ id: number; tenantId: number; username: string } | null> {
  const r = await q.query<Record<string, unknown>>(
    'SELECT id, tenant_id, username FROM member_space_sessions WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2',
    [digest, now],
  );
  const row = r.rows[0];
  return row ? { id: num(row.id), tenantId: num(row.tenant_id), username: str(row.username) } : null;
}

export async function revokeMemberSession(q: Queryable, id: number, now: Date): Promise<void> {
  await q.query('UPDATE member_space_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, now]);
}

/** A new password ends the member's other logins. */
export async function revokeMemberSessions(q: Queryable, tenantId: number, username: string, now: Date, except: number): Promise<void> {
  await q.query('UPDATE member_space_sessions SET revoked_at = $4 WHERE tenant_id = $1 AND username = $2 AND id <> $3 AND revoked_at IS NULL', [tenantId, username, except, now]);
}

/** A member's member-space logins, oldest first (never the token's digest): `member data`. */
export async function memberSpaceLogins(q: Queryable, tenantId: number, username: string): Promise<Array<{ createdAt: Date; expiresAt: Date; revokedAt: Date | null }>> {
  const r = await q.query<Record<string, unknown>>(
    'SELECT created_at, expires_at, revoked_at FROM member_space_sessions WHERE tenant_id = $1 AND username = $2 ORDER BY created_at, id',
    [tenantId, username],
  );
  return r.rows.map((row) => ({ createdAt: date(row.created_at), expiresAt: date(row.expires_at), revokedAt: row.revoked_at === null || row.revoked_at === undefined ? null : date(row.revoked_at) }));
}

export async function pruneMemberSessions(q: Queryable, before: Date): Promise<void> {
  await q.query('DELETE FROM member_space_sessions WHERE expires_at < $1', [before]);
}

export interface MonthUsage {
  /** YYYY-MM, UTC */
  month: string;
  sessions: number;
  seconds: number;
  inputOctets: number;
  outputOctets: number;
}

/**
 * Usage by month, newest first, from `since`: flushed sessions by month of
 * their start, and for the months retention folded (before the tenant's
 * horizon) the member's monthly totals, the figures their bill gave
 * (sessions carried in from the month before not counted again).
 */
export async function usageByMonth(q: Queryable, tenantId: number, username: string, since: Date): Promise<MonthUsage[]> {
  const r = await q.query<Record<string, unknown>>(
    `WITH h AS (SELECT coalesce((SELECT folded_until FROM usage_fold_horizon WHERE tenant_id = $1), DATE '1970-01-01') AS until)
     SELECT to_char(date_trunc('month', start_time AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, count(*) AS sessions,
            sum(seconds) AS seconds, sum(input_octets) AS input_octets, sum(output_octets) AS output_octets
       FROM usage_sessions, h
      WHERE tenant_id = $1 AND username = $2 AND start_time >= $3 AND start_time >= (h.until::timestamp AT TIME ZONE 'UTC')
      GROUP BY 1
     UNION ALL
     SELECT to_char(month, 'YYYY-MM'), sessions - sessions_carried, seconds, input_octets, output_octets
       FROM usage_monthly_totals, h
      WHERE tenant_id = $1 AND username = $2 AND month >= date_trunc('month', $3::timestamptz AT TIME ZONE 'UTC')::date AND month < h.until
     ORDER BY 1 DESC`,
    [tenantId, username, since],
  );
  return r.rows.map((row) => ({
    month: str(row.month),
    sessions: num(row.sessions),
    seconds: num(row.seconds),
    inputOctets: num(row.input_octets),
    outputOctets: num(row.output_octets),
  }));
}

export interface HistorySession {
  start: Date;
  stop: Date | null;
  seconds: number;
  inputOctets: number;
  outputOctets: number;
  framedIp: string | null;
  nas: string;
  terminateCause: string | null;
}

/** The member's sessions as flushed (open ones included), newest first. */
export async function sessionHistory(q: Queryable, tenantId: number, username: string, limit: number): Promise<HistorySession[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT start_time, stop_time, seconds, input_octets, output_octets, host(framed_ip) AS framed_ip, nas, terminate_cause
       FROM usage_sessions WHERE tenant_id = $1 AND username = $2
      ORDER BY start_time DESC, unique_id LIMIT $3`,
    [tenantId, username, limit],
  );
  return r.rows.map((row) => ({
    start: date(row.start_time),
    stop: row.stop_time === null ? null : date(row.stop_time),
    seconds: numOrNull(row.seconds) ?? 0,
    inputOctets: num(row.input_octets),
    outputOctets: num(row.output_octets),
    framedIp: strOrNull(row.framed_ip),
    nas: str(row.nas),
    terminateCause: strOrNull(row.terminate_cause),
  }));
}
