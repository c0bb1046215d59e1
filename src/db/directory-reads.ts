/**
 * What the daemon's directory (auth/directory-cache.ts) reads: every member
 * with only the columns authentication needs, every plan and every tenant of
 * the deployment, each with its tenant. Reads only; the tables' owners write.
 */
import type { PlanAttribute } from '../domain/plan.js';
import type { TenantSettings } from '../domain/tenant.js';
import type { AuthMemberRow } from './members.js';
import type { Queryable } from './db.js';
import { num, str } from './rows.js';

/** A member as authentication needs it, with its tenant and its access line (RFC 4679). */
export interface DirectoryMemberRow extends AuthMemberRow {
  /** integer; a string from neither driver, but read through num() all the same. */
  tenant_id: unknown;
  line_id: string | null;
}

const COLUMNS = `id, tenant_id, username, line_id, cleartext, encode(nt_hash, 'hex') AS nt_hash, strong_hash,
  array_to_string(auth_methods, ',') AS auth_methods, status, plan, host(ipv4) AS ipv4,
  ipv6_prefix::text AS ipv6_prefix, max_sessions, legacy_hash, reply_attributes`;

/** Every member of every tenant, a page at a time in id order (keyset pagination, as PGlite has no cursors over the socket). */
export async function* directoryMemberPages(q: Queryable, pageSize = 20_000): AsyncGenerator<DirectoryMemberRow[]> {
  let after: unknown = 0;
  for (;;) {
    const { rows } = await q.query<DirectoryMemberRow>(`SELECT ${COLUMNS} FROM members WHERE id > $1 ORDER BY id LIMIT $2`, [after, pageSize]);
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    yield rows;
    after = last.id;
    if (rows.length < pageSize) return;
  }
}

/** One member of one tenant (a NOTIFY refresh), or null. */
export async function getDirectoryMember(q: Queryable, tenantId: number, username: string): Promise<DirectoryMemberRow | null> {
  const r = await q.query<DirectoryMemberRow>(`SELECT ${COLUMNS} FROM members WHERE tenant_id = $1 AND username = $2`, [tenantId, username]);
  return r.rows[0] ?? null;
}

export interface DirectoryPlan {
  tenantId: number;
  name: string;
  attributes: PlanAttribute[];
}

/** Shape only, as db/plans.ts checks it; the dictionary is auth/'s business. */
function attributesOf(v: unknown): PlanAttribute[] {
  if (!Array.isArray(v)) return [];
  return v.filter((a): a is PlanAttribute => typeof a === 'object' && a !== null && typeof a.name === 'string' && typeof a.value === 'string');
}

const toPlan = (r: Record<string, unknown>): DirectoryPlan => ({ tenantId: num(r.tenant_id), name: str(r.name), attributes: attributesOf(r.attributes) });

export async function allPlans(q: Queryable): Promise<DirectoryPlan[]> {
  return (await q.query<Record<string, unknown>>('SELECT tenant_id, name, attributes FROM plans ORDER BY tenant_id, name')).rows.map(toPlan);
}

export async function getDirectoryPlan(q: Queryable, tenantId: number, name: string): Promise<DirectoryPlan | null> {
  const r = await q.query<Record<string, unknown>>('SELECT tenant_id, name, attributes FROM plans WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
  return r.rows[0] ? toPlan(r.rows[0]) : null;
}

/** A tenant as the access path uses it (domain/tenant.ts Tenant, without its dates). */
export interface DirectoryTenant {
  id: number;
  name: string;
  realms: string[];
  stripRealm: boolean;
  settings: TenantSettings;
  attributes: PlanAttribute[];
}

/** Every tenant with its realms, in id order: tens or hundreds, one query. */
export async function allTenants(q: Queryable): Promise<DirectoryTenant[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT t.id, t.name, t.strip_realm, t.settings, t.attributes,
       ARRAY(SELECT r.realm FROM tenant_realms r WHERE r.tenant_id = t.id ORDER BY r.realm) AS realms
     FROM tenants t ORDER BY t.id`,
  );
  return r.rows.map((row) => ({
    id: num(row.id),
    name: str(row.name),
    realms: Array.isArray(row.realms) ? row.realms.map((x) => str(x)) : [],
    stripRealm: row.strip_realm !== false,
    settings: typeof row.settings === 'object' && row.settings !== null && !Array.isArray(row.settings) ? (row.settings as TenantSettings) : {},
    attributes: attributesOf(row.attributes),
  }));
}
