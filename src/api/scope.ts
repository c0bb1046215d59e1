/**
 * The tenant a request acts in, from the authenticated principal alone: a
 * token's or an admin's own tenant. Only where the principal may act in
 * several (the operator, an admin with roles in several tenants) does
 * ?tenant=NAME choose among them; a tenant the principal has no role in is
 * answered as unknown (404), never as forbidden, so that its existence is
 * not told.
 */
import type { Queryable } from '../db/db.js';
import { fail } from '../errors.js';
import type { Scope } from '../services/deps.js';
import { resolveScope } from '../services/scope.js';
import type { ApiRole, Principal } from './accounts.js';

export async function scopeFor(q: Queryable, principal: Principal, requested: string | undefined): Promise<{ scope: Scope; role: ApiRole }> {
  const actor = { name: principal.actor };
  if (principal.operator) return { scope: await resolveScope(q, actor, { tenant: requested }), role: 'operator' };
  const roles = principal.roles;
  const chosen = requested !== undefined ? roles.find((r) => r.tenant === requested) : roles.length === 1 ? roles[0] : undefined;
  if (chosen) return { scope: { actor, tenant: { id: chosen.tenantId, name: chosen.tenant } }, role: chosen.role };
  if (requested !== undefined) throw fail('UNKNOWN_TENANT', { tenant: requested });
  if (roles.length === 0) throw fail('API_FORBIDDEN', { role: 'account without a role', action: 'act in any tenant' });
  throw fail('TENANT_REQUIRED', { tenants: roles.map((r) => r.tenant) });
}
