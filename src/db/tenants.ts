/** Reading tenants by name: how a command's --tenant becomes the TenantRef its services act in. */
import type { Queryable } from './db.js';
import type { TenantRef } from '../domain/tenant.js';

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
