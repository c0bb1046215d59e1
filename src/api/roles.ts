/**
 * What each role may do. A route names the one action it needs; a tenant
 * role acts only in its tenant, the operator in any (services/scope.ts).
 *   admin:     everything in its tenant
 *   treasurer: read, exports, the dues run, paid-until changes
 *   support:   read, diagnose, disconnect
 *   operator:  everything, in every tenant
 *   requisition: the authorities' requisitions (lookups, the yearly report)
 *              and nothing else; not the admin's: an admin runs the
 *              association, the requisition contact answers the courts
 * Webhooks (action 'hooks') are the admin's and the operator's alone: a
 * hook sends the tenant's events wherever its URL says. So is everything
 * held about a member (action 'member-data'): a treasurer or support sees
 * what their work needs, not a member's whole record.
 */
import type { ApiRole } from './accounts.js';

export type Action = 'read' | 'write' | 'paid-until' | 'export' | 'dues' | 'diagnose' | 'disconnect' | 'hooks' | 'member-data' | 'requisition';

const ALLOWED: Record<ApiRole, ReadonlySet<Action>> = {
  admin: new Set<Action>(['read', 'write', 'paid-until', 'export', 'dues', 'diagnose', 'disconnect', 'hooks', 'member-data']),
  operator: new Set<Action>(['read', 'write', 'paid-until', 'export', 'dues', 'diagnose', 'disconnect', 'hooks', 'member-data', 'requisition']),
  treasurer: new Set<Action>(['read', 'paid-until', 'export', 'dues']),
  support: new Set<Action>(['read', 'diagnose', 'disconnect']),
  requisition: new Set<Action>(['requisition']),
};

export const mayDo = (role: ApiRole, action: Action): boolean => ALLOWED[role].has(action);

/** The refusal's words: "the support role may not <this>". */
export const ACTION_WORDS: Record<Action, string> = {
  read: 'read this tenant',
  write: 'change members, plans or NAS',
  'paid-until': "change members' paid-until",
  export: 'export usage',
  dues: 'run the dues job',
  diagnose: 'diagnose members',
  disconnect: 'disconnect sessions',
  hooks: 'see or change webhooks',
  'member-data': 'export everything held about a member',
  requisition: 'answer requisitions',
};
