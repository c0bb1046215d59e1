/** The audit log: who changed what and when, newest first (db/audit.ts stores it with every secret redacted). */
import { listAudit, type AuditEntry } from '../db/audit.js';
import { fail } from '../errors.js';
import type { ServiceDeps } from './deps.js';

export interface AuditQuery {
  /** Only actions on this member (target member:<username>)… */
  username?: string;
  /** …or on this object, e.g. nas:lns1 or plan:fibre. */
  target?: string;
  /** How many entries; default 50. */
  limit?: number;
}

export const DEFAULT_AUDIT_LIMIT = 50;

export async function listAuditLog(deps: Pick<ServiceDeps, 'db'>, query: AuditQuery = {}): Promise<AuditEntry[]> {
  if (query.username !== undefined && query.target !== undefined) throw fail('AUDIT_FILTER_CONFLICT', {});
  const limit = query.limit ?? DEFAULT_AUDIT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw fail('INVALID_LIMIT', { limit });
  const target = query.username !== undefined ? `member:${query.username}` : query.target;
  return listAudit(deps.db, { ...(target !== undefined ? { target } : {}), limit });
}
