/**
 * Which tenant a call acts in, from what a front end was given: a tenant
 * name (`--tenant`, RADASSOC_TENANT, later an admin account's or a token's
 * tenant), or the explicit deployment-wide view. Without a name, a
 * deployment with one tenant acts in it, as before tenants existed; with
 * several, a command must say which.
 */
import { findTenantRef, listTenantRefs } from '../db/tenants.js';
import type { Queryable } from '../db/db.js';
import { fail } from '../errors.js';
import type { Actor, ReadScope, Scope } from './deps.js';

export interface ScopeRequest {
  tenant?: string | undefined;
  allTenants?: boolean | undefined;
}

/** The one tenant a change acts in; --all-tenants is refused here (a change never spans tenants). */
export async function resolveScope(q: Queryable, actor: Actor, req: ScopeRequest): Promise<Scope> {
  if (req.allTenants) throw fail('ALL_TENANTS_READ_ONLY', {});
  if (req.tenant !== undefined && req.tenant !== '') {
    const tenant = await findTenantRef(q, req.tenant);
    if (tenant) return { actor, tenant };
    throw fail('UNKNOWN_TENANT', { tenant: req.tenant });
  }
  const tenants = await listTenantRefs(q);
  if (tenants.length === 1) return { actor, tenant: tenants[0]! };
  throw fail('TENANT_REQUIRED', { tenants: tenants.map((t) => t.name) });
}

/** A listing's scope: one tenant as above, or every tenant when asked for explicitly. */
export async function resolveReadScope(q: Queryable, actor: Actor, req: ScopeRequest): Promise<ReadScope> {
  if (req.allTenants) {
    if (req.tenant) throw fail('TENANT_AND_ALL_TENANTS', { tenant: req.tenant });
    return { actor, tenant: 'all' };
  }
  return resolveScope(q, actor, req);
}
