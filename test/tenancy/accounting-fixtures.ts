/**
 * Tenants, members and NAS tenancy written straight into the tables (the
 * schema of sql/040_tenants.sql), for the cross-tenant accounting suites.
 */
import type { Queryable } from '../../src/db/db.js';
import type { TenantRef } from '../../src/domain/tenant.js';

/** A tenant with its realms (lower-case), stripping them before the member lookup unless told. */
export async function addTenant(q: Queryable, name: string, realms: string[], stripRealm = true): Promise<TenantRef> {
  const r = await q.query<{ id: number }>('INSERT INTO tenants (name, display_name, strip_realm) VALUES ($1, $2, $3) RETURNING id', [name, name.toUpperCase(), stripRealm]);
  const id = Number(r.rows[0]!.id);
  for (const realm of realms) await q.query('INSERT INTO tenant_realms (realm, tenant_id) VALUES ($1, $2)', [realm, id]);
  return { id, name };
}

/** The NAS becomes the deployment's, carrying these tenants (routed by realm). */
export async function shareNas(q: Queryable, nas: string, tenants: readonly TenantRef[]): Promise<void> {
  await q.query('UPDATE nas SET tenant_id = NULL WHERE name = $1', [nas]);
  for (const t of tenants) await q.query('INSERT INTO nas_tenants (nas, tenant_id) VALUES ($1, $2)', [nas, t.id]);
}

export async function ownNas(q: Queryable, nas: string, tenant: TenantRef): Promise<void> {
  await q.query('UPDATE nas SET tenant_id = $2 WHERE name = $1', [nas, tenant.id]);
}

/** A member of `tenant` with a PAP-only hash (what accounting needs is only that it exists). */
export async function addMemberIn(q: Queryable, tenant: TenantRef, username: string): Promise<void> {
  await q.query("INSERT INTO members (tenant_id, username, strong_hash, auth_methods) VALUES ($1, $2, 'x', ARRAY['pap'])", [tenant.id, username]);
}
