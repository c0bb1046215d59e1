/**
 * The API's accounts (sql/050_api_accounts.sql): admins and their roles per
 * tenant, their login sessions, and API tokens. Only digests of tokens and
 * hashes of passwords are stored; nothing here returns a password hash
 * except `adminCredential`, which login alone calls.
 */
import type { Queryable } from './db.js';
import { date, dateOrNull, num, str, strOrNull } from './rows.js';

/** requisition: the authorities' requests alone (services/requisitions.ts), given apart from admin. */
export type TenantRole = 'admin' | 'treasurer' | 'support' | 'requisition';
export type ApiRole = TenantRole | 'operator';

export interface AdminRow {
  id: number;
  username: string;
  operator: boolean;
  /** Role per tenant, by tenant name. */
  roles: Array<{ tenantId: number; tenant: string; role: TenantRole }>;
  createdAt: Date;
}

const ADMIN_SELECT = `SELECT a.id, a.username, a.operator, a.created_at,
    COALESCE(json_agg(json_build_object('tenantId', r.tenant_id, 'tenant', t.name, 'role', r.role) ORDER BY t.name)
             FILTER (WHERE r.tenant_id IS NOT NULL), '[]'::json) AS roles
  FROM api_admins a
  LEFT JOIN api_admin_roles r ON r.admin_id = a.id
  LEFT JOIN tenants t ON t.id = r.tenant_id`;

function toAdmin(r: Record<string, unknown>): AdminRow {
  const roles = (typeof r.roles === 'string' ? JSON.parse(r.roles) : r.roles) as Array<{ tenantId: number; tenant: string; role: TenantRole }>;
  return { id: num(r.id), username: str(r.username), operator: r.operator === true, roles: roles.map((x) => ({ ...x, tenantId: Number(x.tenantId) })), createdAt: date(r.created_at) };
}

export async function findAdmin(q: Queryable, username: string): Promise<AdminRow | null> {
  const r = await q.query<Record<string, unknown>>(`${ADMIN_SELECT} WHERE a.username = $1 GROUP BY a.id`, [username]);
  return r.rows[0] ? toAdmin(r.rows[0]) : null;
}

export async function findAdminById(q: Queryable, id: number): Promise<AdminRow | null> {
  const r = await q.query<Record<string, unknown>>(`${ADMIN_SELECT} WHERE a.id = $1 GROUP BY a.id`, [id]);
  return r.rows[0] ? toAdmin(r.rows[0]) : null;
}

export async function listAdmins(q: Queryable): Promise<AdminRow[]> {
  const r = await q.query<Record<string, unknown>>(`${ADMIN_SELECT} GROUP BY a.id ORDER BY a.username`);
  return r.rows.map(toAdmin);
}

/** The stored hash, for checking a login; never shown. */
export async function adminCredential(q: Queryable, username: string): Promise<{ id: number; passwordHash: string } | null> {
  const r = await q.query<{ id: unknown; password_hash: string }>('SELECT id, password_hash FROM api_admins WHERE username = $1', [username]);
  const row = r.rows[0];
  return row ? { id: num(row.id), passwordHash: str(row.password_hash) } : null;
}

export async function insertAdmin(q: Queryable, a: { username: string; passwordHash: string; operator: boolean }): Promise<number> {
  const r = await q.query<{ id: unknown }>('INSERT INTO api_admins (username, password_hash, operator) VALUES ($1, $2, $3) RETURNING id', [
    a.username,
    a.passwordHash,
    a.operator,
  ]);
  return num(r.rows[0]?.id);
}

export async function setAdminRole(q: Queryable, adminId: number, tenantId: number, role: TenantRole): Promise<void> {
  await q.query(
    `INSERT INTO api_admin_roles (admin_id, tenant_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (admin_id, tenant_id) DO UPDATE SET role = EXCLUDED.role`,
    [adminId, tenantId, role],
  );
}

export async function setAdminOperator(q: Queryable, adminId: number, operator: boolean): Promise<void> {
  await q.query('UPDATE api_admins SET operator = $2 WHERE id = $1', [adminId, operator]);
}

export async function setAdminPassword(q: Queryable, adminId: number, passwordHash: string): Promise<void> {
  await q.query('UPDATE api_admins SET password_hash = $2 WHERE id = $1', [adminId, passwordHash]);
}

export async function deleteAdmin(q: Queryable, adminId: number): Promise<void> {
  await q.query('DELETE FROM api_admins WHERE id = $1', [adminId]);
}

// ---- login sessions

export async function insertSession(q: Queryable, s: { adminId: number; tokenHash: Buffer; expiresAt: Date }): Promise<void> {
  await q.query('INSERT INTO api_sessions (admin_id, token_hash, expires_at) VALUES ($1, $2, $3)', [s.adminId, s.tokenHash, s.expiresAt]);
}

/** The live session behind a token's digest: null when unknown, expired or revoked. */
export async function findSession(
  q: Queryable,
  tokenHash: Buffer,
  now: Date,
): Promise<{ sessionId: number; adminId: number; expiresAt: Date; lastUsedAt: Date | null } | null> {
  const r = await q.query<{ id: unknown; admin_id: unknown; expires_at: unknown; last_used_at: unknown }>(
    'SELECT id, admin_id, expires_at, last_used_at FROM api_sessions WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2',
    [tokenHash, now],
  );
  const row = r.rows[0];
  return row ? { sessionId: num(row.id), adminId: num(row.admin_id), expiresAt: date(row.expires_at), lastUsedAt: dateOrNull(row.last_used_at) } : null;
}

export async function touchSession(q: Queryable, sessionId: number, now: Date): Promise<void> {
  await q.query('UPDATE api_sessions SET last_used_at = $2 WHERE id = $1', [sessionId, now]);
}

export async function revokeSession(q: Queryable, sessionId: number, now: Date): Promise<void> {
  await q.query('UPDATE api_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [sessionId, now]);
}

/** Every session of an admin (a new password ends them). */
export async function revokeAdminSessions(q: Queryable, adminId: number, now: Date): Promise<void> {
  await q.query('UPDATE api_sessions SET revoked_at = $2 WHERE admin_id = $1 AND revoked_at IS NULL', [adminId, now]);
}

// ---- API tokens

export interface TokenRow {
  id: number;
  tenantId: number | null;
  tenant: string | null;
  role: ApiRole;
  name: string | null;
  prefix: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const TOKEN_SELECT = `SELECT k.id, k.tenant_id, t.name AS tenant, k.role, k.name, k.prefix, k.created_by, k.created_at,
    k.expires_at, k.revoked_at, k.last_used_at
  FROM api_tokens k LEFT JOIN tenants t ON t.id = k.tenant_id`;

function toToken(r: Record<string, unknown>): TokenRow {
  return {
    id: num(r.id),
    tenantId: r.tenant_id === null || r.tenant_id === undefined ? null : num(r.tenant_id),
    tenant: strOrNull(r.tenant),
    role: str(r.role) as ApiRole,
    name: strOrNull(r.name),
    prefix: str(r.prefix),
    createdBy: str(r.created_by),
    createdAt: date(r.created_at),
    expiresAt: dateOrNull(r.expires_at),
    revokedAt: dateOrNull(r.revoked_at),
    lastUsedAt: dateOrNull(r.last_used_at),
  };
}

export async function insertToken(
  q: Queryable,
  t: { tenantId: number | null; role: ApiRole; name: string | null; prefix: string; tokenHash: Buffer; createdBy: string; expiresAt: Date | null },
): Promise<TokenRow> {
  const r = await q.query<{ id: unknown }>(
    `INSERT INTO api_tokens (tenant_id, role, name, prefix, token_hash, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [t.tenantId, t.role, t.name, t.prefix, t.tokenHash, t.createdBy, t.expiresAt],
  );
  const created = await getToken(q, num(r.rows[0]?.id));
  if (!created) throw new Error('token vanished after insert');
  return created;
}

export async function getToken(q: Queryable, id: number): Promise<TokenRow | null> {
  const r = await q.query<Record<string, unknown>>(`${TOKEN_SELECT} WHERE k.id = $1`, [id]);
  return r.rows[0] ? toToken(r.rows[0]) : null;
}

export async function listTokens(q: Queryable): Promise<TokenRow[]> {
  const r = await q.query<Record<string, unknown>>(`${TOKEN_SELECT} ORDER BY k.id`);
  return r.rows.map(toToken);
}

export async function revokeToken(q: Queryable, id: number, now: Date): Promise<boolean> {
  const r = await q.query('UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, now]);
  return r.rowCount > 0;
}

/** The token behind a digest: null when unknown, expired or revoked. */
export async function findToken(q: Queryable, tokenHash: Buffer, now: Date): Promise<TokenRow | null> {
  const r = await q.query<Record<string, unknown>>(
    `${TOKEN_SELECT} WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)`,
    [tokenHash, now],
  );
  return r.rows[0] ? toToken(r.rows[0]) : null;
}

export async function touchToken(q: Queryable, id: number, now: Date): Promise<void> {
  await q.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [id, now]);
}
