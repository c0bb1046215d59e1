/**
 * Who may call the HTTP API, one function per task for the CLI (`admin`,
 * `token`) and the API itself (login, logout, who a bearer token is). Every
 * change is one transaction with its audit entry; no password, hash or token
 * is ever returned except a new token, once, to whoever created it.
 */
import { insertAudit } from '../db/audit.js';
import {
  adminCredential,
  deleteAdmin,
  findAdmin,
  findAdminById,
  findSession,
  findToken,
  insertAdmin,
  insertSession,
  insertToken,
  listAdmins,
  listTokens,
  revokeAdminSessions,
  revokeSession,
  revokeToken,
  setAdminOperator,
  setAdminPassword,
  setAdminRole,
  touchSession,
  touchToken,
  type AdminRow,
  type ApiRole,
  type TenantRole,
  type TokenRow,
} from '../db/api-accounts.js';
import type { Queryable } from '../db/db.js';
import { dbErrorInfo, SQLSTATE } from '../db/pg-errors.js';
import type { TenantRef } from '../domain/tenant.js';
import { isIsoDate } from '../domain/validate.js';
import { fail } from '../errors.js';
import type { Actor, ServiceDeps } from '../services/deps.js';
import { adminPasswordProblem, decoyHash, hashAdminPassword, verifyAdminPassword } from './passwords.js';
import type { PrincipalCache } from './principal-cache.js';
import { newToken, tokenDigest, tokenKind } from './tokens.js';

export type { ApiRole, TenantRole } from '../db/api-accounts.js';

type Deps = Pick<ServiceDeps, 'db' | 'now'>;

export const API_ROLES: readonly ApiRole[] = ['admin', 'treasurer', 'support', 'operator', 'requisition'];
/** How long an admin's login lasts. */
export const SESSION_HOURS = 12;
/** last_used_at is written at most this often per token: a polling client must not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export function parseRole(text: string): ApiRole {
  if (!API_ROLES.includes(text as ApiRole)) throw fail('INVALID_ACCOUNT', { problem: 'role', role: text });
  return text as ApiRole;
}

const LOGIN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function checkLogin(username: string): string {
  if (!LOGIN.test(username)) throw fail('INVALID_ACCOUNT', { problem: 'login', username });
  return username;
}

export function checkAdminPassword(password: string): string {
  const problem = adminPasswordProblem(password);
  if (problem !== null) throw fail('INVALID_PASSWORD', { reason: problem });
  return password;
}

/** `90d`, `12w` or a date YYYY-MM-DD (valid through that day, UTC): when a token stops working. */
export function parseExpiry(text: string, now: number): Date {
  const period = /^(\d{1,5})([dw])$/.exec(text.trim());
  if (period) {
    const days = Number(period[1]) * (period[2] === 'w' ? 7 : 1);
    if (days >= 1) return new Date(now + days * 86_400_000);
  } else if (isIsoDate(text.trim())) {
    const end = new Date(Date.parse(`${text.trim()}T00:00:00Z`) + 86_400_000);
    if (end.getTime() > now) return end;
  }
  throw fail('INVALID_ACCOUNT', { problem: 'expires', value: text });
}

export interface AdminView {
  username: string;
  operator: boolean;
  roles: Array<{ tenant: string; role: TenantRole }>;
  created_at: string;
}

const adminView = (a: AdminRow): AdminView => ({
  username: a.username,
  operator: a.operator,
  roles: a.roles.map((r) => ({ tenant: r.tenant, role: r.role })),
  created_at: a.createdAt.toISOString(),
});

export interface AdminRoleInput {
  username: string;
  role: ApiRole;
  /** The tenant of a tenant role; null for the operator. */
  tenant: TenantRef | null;
}

function checkRoleTenant(role: ApiRole, tenant: TenantRef | null): void {
  if (role === 'operator' && tenant !== null) throw fail('INVALID_ACCOUNT', { problem: 'operator-tenant' });
}

async function grant(tx: Queryable, adminId: number, role: ApiRole, tenant: TenantRef | null): Promise<void> {
  if (role === 'operator') await setAdminOperator(tx, adminId, true);
  else if (tenant) await setAdminRole(tx, adminId, tenant.id, role);
}

/** A new admin account with its first role. */
export async function addAdmin(deps: Deps, actor: Actor, input: AdminRoleInput & { password: string }): Promise<AdminView> {
  const username = checkLogin(input.username);
  checkRoleTenant(input.role, input.tenant);
  const passwordHash = await hashAdminPassword(checkAdminPassword(input.password));
  const added = await deps.db
    .transaction(async (tx) => {
      if (await findAdmin(tx, username)) throw fail('DUPLICATE_ADMIN', { username });
      const id = await insertAdmin(tx, { username, passwordHash, operator: false });
      await grant(tx, id, input.role, input.tenant);
      const a = await findAdminById(tx, id);
      await insertAudit(tx, { tenantId: null, actor: actor.name, action: 'admin.add', target: `admin:${username}`, after: a && adminView(a) });
      return a;
    })
    .catch((e: unknown) => {
      throw dbErrorInfo(e)?.code === SQLSTATE.uniqueViolation ? fail('DUPLICATE_ADMIN', { username }) : e;
    });
  if (!added) throw fail('UNKNOWN_ADMIN', { username });
  return adminView(added);
}

/** Another role for an existing admin: in another tenant, a new one in the same tenant, or operator. */
export async function grantAdminRole(deps: Deps, actor: Actor, input: AdminRoleInput): Promise<AdminView> {
  checkRoleTenant(input.role, input.tenant);
  return deps.db.transaction(async (tx) => {
    const before = await findAdmin(tx, input.username);
    if (!before) throw fail('UNKNOWN_ADMIN', { username: input.username });
    await grant(tx, before.id, input.role, input.tenant);
    const after = (await findAdminById(tx, before.id)) ?? before;
    await insertAudit(tx, { tenantId: null, actor: actor.name, action: 'admin.grant', target: `admin:${before.username}`, before: adminView(before), after: adminView(after) });
    return adminView(after);
  });
}

export async function adminExists(deps: Pick<Deps, 'db'>, username: string): Promise<boolean> {
  return (await findAdmin(deps.db, username)) !== null;
}

export async function listAdminAccounts(deps: Pick<Deps, 'db'>): Promise<AdminView[]> {
  return (await listAdmins(deps.db)).map(adminView);
}

/** A new password; the admin's open logins end with the old one. */
export async function passwdAdmin(deps: Deps, actor: Actor, input: { username: string; password: string }): Promise<AdminView> {
  const passwordHash = await hashAdminPassword(checkAdminPassword(input.password));
  return deps.db.transaction(async (tx) => {
    const a = await findAdmin(tx, input.username);
    if (!a) throw fail('UNKNOWN_ADMIN', { username: input.username });
    await setAdminPassword(tx, a.id, passwordHash);
    await revokeAdminSessions(tx, a.id, new Date(deps.now()));
    await insertAudit(tx, { tenantId: null, actor: actor.name, action: 'admin.passwd', target: `admin:${a.username}`, after: { password: 'changed' } });
    return adminView(a);
  });
}

export async function removeAdmin(deps: Pick<Deps, 'db'>, actor: Actor, username: string): Promise<{ removed: string }> {
  await deps.db.transaction(async (tx) => {
    const a = await findAdmin(tx, username);
    if (!a) throw fail('UNKNOWN_ADMIN', { username });
    await deleteAdmin(tx, a.id);
    await insertAudit(tx, { tenantId: null, actor: actor.name, action: 'admin.remove', target: `admin:${username}`, before: adminView(a) });
  });
  return { removed: username };
}

export interface TokenView {
  id: string;
  name: string | null;
  /** The token's first characters, to recognise it. */
  prefix: string;
  tenant: string | null;
  role: ApiRole;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const tokenView = (t: TokenRow): TokenView => ({
  id: String(t.id),
  name: t.name,
  prefix: t.prefix,
  tenant: t.tenant,
  role: t.role,
  created_by: t.createdBy,
  created_at: t.createdAt.toISOString(),
  expires_at: t.expiresAt?.toISOString() ?? null,
  revoked_at: t.revokedAt?.toISOString() ?? null,
  last_used_at: t.lastUsedAt?.toISOString() ?? null,
});

export interface AddTokenInput {
  role: ApiRole;
  tenant: TenantRef | null;
  name?: string | null;
  expiresAt?: Date | null;
}

/** A new API token: `token` is shown this once and never stored. */
export async function addToken(deps: Pick<Deps, 'db'>, actor: Actor, input: AddTokenInput): Promise<{ token: string; info: TokenView }> {
  checkRoleTenant(input.role, input.tenant);
  if (input.role !== 'operator' && input.tenant === null) throw fail('TENANT_REQUIRED', { tenants: [] });
  const name = input.name?.trim() || null;
  const { token, digest, prefix } = newToken('api');
  const row = await deps.db.transaction(async (tx) => {
    const t = await insertToken(tx, {
      tenantId: input.tenant?.id ?? null,
      role: input.role,
      name,
      prefix,
      tokenHash: digest,
      createdBy: actor.name,
      expiresAt: input.expiresAt ?? null,
    });
    await insertAudit(tx, { tenantId: null, actor: actor.name, action: 'token.add', target: `token:${t.id}`, after: tokenView(t) });
    return t;
  });
  return { token, info: tokenView(row) };
}

export async function listApiTokens(deps: Pick<Deps, 'db'>): Promise<TokenView[]> {
  return (await listTokens(deps.db)).map(tokenView);
}

export async function revokeApiToken(deps: Deps, actor: Actor, id: string): Promise<{ revoked: string }> {
  if (!/^[1-9][0-9]{0,17}$/.test(id)) throw fail('UNKNOWN_TOKEN', { id });
  await deps.db.transaction(async (tx) => {
    const changed = await revokeToken(tx, Number(id), new Date(deps.now()));
    if (!changed) throw fail('UNKNOWN_TOKEN', { id });
    await insertAudit(tx, { tenantId: null, actor: actor.name, action: 'token.revoke', target: `token:${id}` });
  });
  return { revoked: id };
}

// ---- the API's side: logins and bearer tokens

/** Who is calling, as the API authorises it. */
export interface Principal {
  kind: 'admin' | 'token';
  /** Stable key for idempotency and rate limits: 'admin:3', 'token:7'. */
  key: string;
  /** Recorded in the audit log: `api:<admin username>` or `token:<token name or prefix>`. */
  actor: string;
  operator: boolean;
  /** Tenant roles (empty for an operator token). */
  roles: ReadonlyArray<{ tenantId: number; tenant: string; role: TenantRole }>;
  /** The login session behind an admin's token (logout revokes it). */
  sessionId: number | null;
}

function adminPrincipal(a: AdminRow, sessionId: number): Principal {
  return { kind: 'admin', key: `admin:${a.id}`, actor: `api:${a.username}`, operator: a.operator, roles: a.roles, sessionId };
}

function tokenPrincipal(t: TokenRow): Principal {
  const roles = t.role !== 'operator' && t.tenantId !== null && t.tenant !== null ? [{ tenantId: t.tenantId, tenant: t.tenant, role: t.role }] : [];
  return { kind: 'token', key: `token:${t.id}`, actor: `token:${t.name ?? t.prefix}`, operator: t.role === 'operator', roles, sessionId: null };
}

export interface LoginResult {
  token: string;
  expires_at: string;
  admin: AdminView;
}

/** An admin's login: a session token on the right password; null otherwise (same time either way). */
export async function login(deps: Deps, input: { username: string; password: string }): Promise<LoginResult | null> {
  const cred = LOGIN.test(input.username) ? await adminCredential(deps.db, input.username) : null;
  const ok = await verifyAdminPassword(input.password, cred?.passwordHash ?? (await decoyHash()));
  if (!cred || !ok) return null;
  const admin = await findAdminById(deps.db, cred.id);
  if (!admin) return null;
  const { token, digest } = newToken('session');
  const expiresAt = new Date(deps.now() + SESSION_HOURS * 3_600_000);
  await insertSession(deps.db, { adminId: admin.id, tokenHash: digest, expiresAt });
  return { token, expires_at: expiresAt.toISOString(), admin: adminView(admin) };
}

export async function logout(deps: Deps, principal: Principal, cache?: PrincipalCache): Promise<void> {
  if (principal.sessionId === null) return;
  await revokeSession(deps.db, principal.sessionId, new Date(deps.now()));
  cache?.forgetSession(principal.sessionId);
}

const stale = (last: Date | null, now: Date): boolean => last === null || now.getTime() - last.getTime() >= TOUCH_EVERY_MS;

/**
 * Who a bearer token belongs to; null when it is unknown, expired or revoked.
 * With a cache (the API server's), a token seen in the last seconds is not
 * looked up again: principal-cache.ts says why that stays exact enough.
 */
export async function authenticate(deps: Deps, bearer: string, cache?: PrincipalCache): Promise<Principal | null> {
  const kind = tokenKind(bearer);
  if (kind === null) return null;
  const now = new Date(deps.now());
  const digest = tokenDigest(bearer);
  const key = cache ? digest.toString('hex') : '';
  const hit = cache?.get(key, now.getTime());
  if (hit) {
    if (stale(hit.lastUsedAt, now)) {
      await (kind === 'api' ? touchToken(deps.db, hit.rowId, now) : touchSession(deps.db, hit.rowId, now));
      hit.lastUsedAt = now;
    }
    return hit.principal;
  }
  if (kind === 'api') {
    const t = await findToken(deps.db, digest, now);
    if (!t) return null;
    if (stale(t.lastUsedAt, now)) await touchToken(deps.db, t.id, now);
    const principal = tokenPrincipal(t);
    cache?.set(key, { principal, rowId: t.id, lastUsedAt: stale(t.lastUsedAt, now) ? now : t.lastUsedAt }, now.getTime(), t.expiresAt);
    return principal;
  }
  const s = await findSession(deps.db, digest, now);
  if (!s) return null;
  const admin = await findAdminById(deps.db, s.adminId);
  if (!admin) return null;
  if (stale(s.lastUsedAt, now)) await touchSession(deps.db, s.sessionId, now);
  const principal = adminPrincipal(admin, s.sessionId);
  cache?.set(key, { principal, rowId: s.sessionId, lastUsedAt: stale(s.lastUsedAt, now) ? now : s.lastUsedAt }, now.getTime(), s.expiresAt);
  return principal;
}
