/**
 * The audit log: who changed what and when, newest first (db/audit.ts stores
 * it with every secret redacted). A tenant's scope reads that tenant's
 * entries only; the deployment-wide scope reads all, each marked with its
 * tenant (null: a change to the deployment itself).
 */
import { listAudit, type AuditEntry } from '../db/audit.js';
import { fail } from '../errors.js';
import type { ReadScope, ServiceDeps } from './deps.js';
import { tenantNames } from './tenant-names.js';

export interface AuditQuery {
  /** Only actions on this member (target member:<username>)… */
  username?: string;
  /** …or on this object, e.g. nas:lns1 or plan:fibre. */
  target?: string;
  /** How many entries; default 50. */
  limit?: number;
}

export const DEFAULT_AUDIT_LIMIT = 50;

/** An entry as listed; with the deployment-wide scope, `tenant` is its tenant's name (null: the deployment's own). */
export type AuditListEntry = AuditEntry & { tenant?: string | null };

export async function listAuditLog(deps: Pick<ServiceDeps, 'db'>, scope: ReadScope, query: AuditQuery = {}): Promise<AuditListEntry[]> {
  if (query.username !== undefined && query.target !== undefined) throw fail('AUDIT_FILTER_CONFLICT', {});
  const limit = query.limit ?? DEFAULT_AUDIT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw fail('INVALID_LIMIT', { limit });
  const target = query.username !== undefined ? `member:${query.username}` : query.target;
  const opts = { ...(target !== undefined ? { target } : {}), limit };
  if (scope.tenant !== 'all') return listAudit(deps.db, scope.tenant.id, opts);
  const [entries, names] = await Promise.all([listAudit(deps.db, 'all', opts), tenantNames(deps.db)]);
  return entries.map((e) => ({ ...e, tenant: e.tenantId === null ? null : (names.get(e.tenantId) ?? String(e.tenantId)) }));
}
