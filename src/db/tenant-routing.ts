/**
 * What routing a request to its tenant reads (auth/tenant-routing.ts): every
 * realm with its tenant and whether that tenant strips it, and how each NAS
 * is held (owned by one tenant, or shared and carrying several). Loaded whole
 * into memory by the directory cache; tens or hundreds of rows.
 */
import type { NasTenancy } from '../auth/tenant-routing.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import type { Queryable } from './db.js';
import { num, str } from './rows.js';

export interface RealmRow {
  /** Lower-case (tenant_realms_realm_check). */
  realm: string;
  tenantId: number;
  stripRealm: boolean;
}

export async function loadRealms(q: Queryable): Promise<RealmRow[]> {
  const r = await q.query<Record<string, unknown>>(
    'SELECT r.realm, r.tenant_id, t.strip_realm FROM tenant_realms r JOIN tenants t ON t.id = r.tenant_id ORDER BY r.realm',
  );
  return r.rows.map((row) => ({ realm: str(row.realm), tenantId: num(row.tenant_id), stripRealm: row.strip_realm === true }));
}

/**
 * Each NAS by name: its owner (nas.tenant_id), or, shared (NULL), the tenants
 * nas_tenants lists. NULL with no tenant listed is a row from a writer that
 * does not name tenants yet (a NAS added as before tenancy): the default
 * tenant's, as it was; a shared NAS always carries at least one tenant.
 */
export async function loadNasTenancies(q: Queryable): Promise<Map<string, NasTenancy>> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT n.name, n.tenant_id, COALESCE(array_agg(c.tenant_id ORDER BY c.tenant_id) FILTER (WHERE c.tenant_id IS NOT NULL), '{}') AS carries
       FROM nas n LEFT JOIN nas_tenants c ON c.nas = n.name GROUP BY n.name, n.tenant_id`,
  );
  const out = new Map<string, NasTenancy>();
  for (const row of r.rows) {
    const carries = Array.isArray(row.carries) ? row.carries.map(Number) : [];
    const owner = row.tenant_id === null || row.tenant_id === undefined ? (carries.length === 0 ? DEFAULT_TENANT_ID : null) : num(row.tenant_id);
    out.set(str(row.name), owner === null ? { carries } : { owner });
  }
  return out;
}
