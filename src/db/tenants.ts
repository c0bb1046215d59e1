/**
 * The tenants and tenant_realms tables: the associations a deployment serves
 * and the realms that route requests to them. One exported function per
 * query; how a command's --tenant becomes the TenantRef its services act in
 * starts here (findTenantRef).
 */
import type { PlanAttribute } from '../domain/plan.js';
import type { Tenant, TenantRef, TenantSettings } from '../domain/tenant.js';
import { fail } from '../errors.js';
import type { Queryable } from './db.js';
import { dbErrorInfo, keyValueFromDetail, SQLSTATE } from './pg-errors.js';
import { date, num, str } from './rows.js';

export async function findTenantRef(q: Queryable, name: string): Promise<TenantRef | null> {
  const r = await q.query<{ id: number; name: string }>('SELECT id, name FROM tenants WHERE name = $1', [name]);
  const row = r.rows[0];
  return row ? { id: Number(row.id), name: row.name } : null;
}

/** Every tenant, by name; a deployment has tens or hundreds, never more than a page. */
export async function listTenantRefs(q: Queryable): Promise<TenantRef[]> {
  const r = await q.query<{ id: number; name: string }>('SELECT id, name FROM tenants ORDER BY name');
  return r.rows.map((row) => ({ id: Number(row.id), name: row.name }));
}

const TENANT_COLUMNS = `t.id, t.name, t.display_name, t.strip_realm, t.settings, t.attributes, t.created_at, t.updated_at,
  COALESCE((SELECT array_agg(realm ORDER BY realm) FROM tenant_realms r WHERE r.tenant_id = t.id), '{}') AS realms`;

type TenantRow = Record<string, unknown>;

function toTenant(r: TenantRow): Tenant {
  return {
    id: num(r.id),
    name: str(r.name),
    displayName: str(r.display_name),
    realms: Array.isArray(r.realms) ? r.realms.map(str) : [],
    stripRealm: r.strip_realm === true,
    settings: (typeof r.settings === 'object' && r.settings !== null ? r.settings : {}) as TenantSettings,
    attributes: (Array.isArray(r.attributes) ? r.attributes : []) as PlanAttribute[],
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export async function getTenant(q: Queryable, name: string): Promise<Tenant | null> {
  const r = await q.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants t WHERE t.name = $1`, [name]);
  return r.rows[0] ? toTenant(r.rows[0]) : null;
}

export async function getTenantById(q: Queryable, id: number): Promise<Tenant | null> {
  const r = await q.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants t WHERE t.id = $1`, [id]);
  return r.rows[0] ? toTenant(r.rows[0]) : null;
}

/** A tenant's settings alone ({} when it has none of its own, or when it is gone). */
export async function tenantSettings(q: Queryable, id: number): Promise<TenantSettings> {
  const r = await q.query<{ settings: unknown }>('SELECT settings FROM tenants WHERE id = $1', [id]);
  const s = r.rows[0]?.settings;
  return (typeof s === 'object' && s !== null ? s : {}) as TenantSettings;
}

/** What a tenant holds, counted: what `tenant list` shows and what blocks `tenant remove`. */
export interface TenantHoldings {
  members: number;
  plans: number;
  /** NAS it owns, and shared NAS that carry it, by name. */
  ownedNas: string[];
  carriedBy: string[];
  usageSessions: number;
  /** Monthly totals retention folded the usage into: billing history too. */
  usageTotals: number;
  /** Connection register rows: kept for their legal period whatever else goes (docs/privacy.md). */
  registerRows: number;
}

export async function tenantHoldings(q: Queryable, id: number): Promise<TenantHoldings> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT (SELECT count(*) FROM members WHERE tenant_id = $1) AS members,
            (SELECT count(*) FROM plans WHERE tenant_id = $1) AS plans,
            COALESCE((SELECT array_agg(name ORDER BY name) FROM nas WHERE tenant_id = $1), '{}') AS owned,
            COALESCE((SELECT array_agg(nas ORDER BY nas) FROM nas_tenants WHERE tenant_id = $1), '{}') AS carried,
            (SELECT count(*) FROM usage_sessions WHERE tenant_id = $1) AS usage,
            (SELECT count(*) FROM usage_monthly_totals WHERE tenant_id = $1) AS totals,
            (SELECT count(*) FROM connection_register WHERE tenant_id = $1) AS register`,
    [id],
  );
  const row = r.rows[0] ?? {};
  const names = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);
  return { members: num(row.members), plans: num(row.plans), ownedNas: names(row.owned), carriedBy: names(row.carried), usageSessions: num(row.usage), usageTotals: num(row.totals), registerRows: num(row.register) };
}

/** Every tenant with its member count, by name. */
export async function listTenants(q: Queryable): Promise<Array<Tenant & { members: number }>> {
  const r = await q.query<TenantRow>(
    `SELECT ${TENANT_COLUMNS}, (SELECT count(*) FROM members m WHERE m.tenant_id = t.id) AS members FROM tenants t ORDER BY t.name`,
  );
  return r.rows.map((row) => ({ ...toTenant(row), members: num(row.members) }));
}

export interface NewTenant {
  name: string;
  displayName: string;
  stripRealm: boolean;
  settings: TenantSettings;
  attributes: PlanAttribute[];
}

function mapTenantError(e: unknown, name: string): unknown {
  const info = dbErrorInfo(e);
  if (info?.code === SQLSTATE.uniqueViolation && info.constraint === 'tenants_name_key') return fail('DUPLICATE_TENANT', { tenant: name });
  if (info?.code === SQLSTATE.uniqueViolation && info.constraint === 'tenant_realms_pkey') {
    return fail('REALM_TAKEN', { realm: keyValueFromDetail(info.detail) ?? '?', tenant: null });
  }
  return e;
}

export async function insertTenant(q: Queryable, t: NewTenant): Promise<number> {
  try {
    const r = await q.query<{ id: unknown }>(
      'INSERT INTO tenants (name, display_name, strip_realm, settings, attributes) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb) RETURNING id',
      [t.name, t.displayName, t.stripRealm, JSON.stringify(t.settings), JSON.stringify(t.attributes)],
    );
    return num(r.rows[0]?.id);
  } catch (e) {
    throw mapTenantError(e, t.name);
  }
}

export type TenantPatch = Partial<Pick<NewTenant, 'displayName' | 'stripRealm' | 'settings' | 'attributes'>>;

export async function updateTenant(q: Queryable, id: number, patch: TenantPatch): Promise<void> {
  await q.query(
    `UPDATE tenants SET display_name = COALESCE($2, display_name), strip_realm = COALESCE($3, strip_realm),
       settings = COALESCE($4::jsonb, settings), attributes = COALESCE($5::jsonb, attributes) WHERE id = $1`,
    [
      id,
      patch.displayName ?? null,
      patch.stripRealm ?? null,
      patch.settings === undefined ? null : JSON.stringify(patch.settings),
      patch.attributes === undefined ? null : JSON.stringify(patch.attributes),
    ],
  );
}

/** Which tenant holds each of these realms already (lower-case), by realm. */
export async function realmHolders(q: Queryable, realms: readonly string[]): Promise<Map<string, { id: number; name: string }>> {
  const r = await q.query<{ realm: string; id: unknown; name: string }>(
    'SELECT r.realm, t.id, t.name FROM tenant_realms r JOIN tenants t ON t.id = r.tenant_id WHERE r.realm = ANY($1::text[])',
    [[...realms]],
  );
  return new Map(r.rows.map((row) => [row.realm, { id: num(row.id), name: row.name }]));
}

export async function addRealms(q: Queryable, id: number, realms: readonly string[]): Promise<void> {
  if (realms.length === 0) return;
  try {
    await q.query('INSERT INTO tenant_realms (realm, tenant_id) SELECT unnest($2::text[]), $1::integer', [id, [...realms]]);
  } catch (e) {
    throw mapTenantError(e, '');
  }
}

export async function removeRealms(q: Queryable, id: number, realms: readonly string[]): Promise<void> {
  if (realms.length === 0) return;
  await q.query('DELETE FROM tenant_realms WHERE tenant_id = $1 AND realm = ANY($2::text[])', [id, [...realms]]);
}

/**
 * Deletes a tenant that holds nothing any more (the caller checked its
 * holdings). Its authentication and disconnect log rows go with it; its
 * audit rows stay, as the deployment's (tenant_id null): who did what in it
 * remains answerable.
 */
export async function deleteTenant(q: Queryable, id: number): Promise<void> {
  await q.query('DELETE FROM auth_log WHERE tenant_id = $1', [id]);
  await q.query('DELETE FROM disconnect_log WHERE tenant_id = $1', [id]);
  // Statistics per day and plan name no member: they go with their tenant.
  await q.query('DELETE FROM usage_daily_stats WHERE tenant_id = $1', [id]);
  await q.query('UPDATE audit_log SET tenant_id = NULL WHERE tenant_id = $1', [id]);
  await q.query('DELETE FROM tenants WHERE id = $1', [id]);
}
