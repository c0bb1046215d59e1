/**
 * Live sessions of one tenant: a suspension, a resume or a diagnosis in
 * tenant A must never reach the session of tenant B's member of the same
 * name. A session that records its tenant is kept when it is this one; one
 * recorded before sessions carried a tenant is the default tenant's, where
 * every member of that time lives.
 */
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import type { LiveSession } from '../domain/session.js';

const tenantOf = (s: LiveSession): number => {
  const id = (s as { tenantId?: unknown }).tenantId;
  return typeof id === 'number' ? id : DEFAULT_TENANT_ID;
};

export function sessionsOfTenant(sessions: readonly LiveSession[], tenantId: number): LiveSession[] {
  return sessions.filter((s) => tenantOf(s) === tenantId);
}
