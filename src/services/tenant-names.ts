/** Tenant ids to names, for the rows of a deployment-wide (--all-tenants) listing. */
import type { Queryable } from '../db/db.js';
import { listTenantRefs } from '../db/tenants.js';

export async function tenantNames(q: Queryable): Promise<Map<number, string>> {
  return new Map((await listTenantRefs(q)).map((t) => [t.id, t.name]));
}
