/**
 * Requisitions over the API: a lookup and the yearly report, for the
 * requisition role in its tenant, and the operator across the deployment
 * (or in one tenant with ?tenant=). No other role may: an admin runs the
 * association, the requisition contact answers the authorities.
 */
import type { Queryable } from '../../db/db.js';
import { fail } from '../../errors.js';
import type { ReadScope } from '../../services/deps.js';
import { lookupRequisition, requisitionReport } from '../../services/requisitions.js';
import { resolveScope } from '../../services/scope.js';
import type { Principal } from '../accounts.js';
import { ACTION_WORDS } from '../roles.js';
import { RequisitionLookupBody, RequisitionLookupSchema, RequisitionQuery, RequisitionReportQuery, RequisitionReportSchema } from '../requisition-schemas.js';
import { route, type RouteDef } from '../route.js';

/**
 * The scope a requisition answers within: the operator's whole deployment
 * unless it names a tenant; a requisition role's tenant (the one named, or
 * its only one). A tenant the caller has another role in is forbidden (403);
 * one it has no role in is unknown (404), as scope.ts answers.
 */
export async function requisitionScope(q: Queryable, principal: Principal, requested: string | undefined): Promise<ReadScope> {
  const actor = { name: principal.actor };
  if (principal.operator) return requested === undefined ? { actor, tenant: 'all' } : resolveScope(q, actor, { tenant: requested });
  const mine = principal.roles.filter((r) => r.role === 'requisition');
  const chosen = requested !== undefined ? mine.find((r) => r.tenant === requested) : mine.length === 1 ? mine[0] : undefined;
  if (chosen) return { actor, tenant: { id: chosen.tenantId, name: chosen.tenant } };
  const other = requested !== undefined ? principal.roles.find((r) => r.tenant === requested) : mine.length === 0 ? principal.roles[0] : undefined;
  if (other) throw fail('API_FORBIDDEN', { role: other.role, action: ACTION_WORDS.requisition });
  if (requested !== undefined) throw fail('UNKNOWN_TENANT', { tenant: requested });
  if (mine.length === 0) throw fail('API_FORBIDDEN', { role: 'account without a role', action: ACTION_WORDS.requisition });
  throw fail('TENANT_REQUIRED', { tenants: mine.map((r) => r.tenant) });
}

export const requisitionRoutes: RouteDef[] = [
  route({
    method: 'POST',
    url: '/api/v1/requisitions/lookup',
    tag: 'requisitions',
    summary: 'Which member had an address at an instant',
    description:
      'Sessions on at the instant, and those that ended or started within a minute of it (a NAS may hand an address on). ' +
      'Every lookup, with or without a result, is recorded in the append-only requisition log. Role requisition, or the operator.',
    auth: 'principal',
    query: RequisitionQuery,
    body: RequisitionLookupBody,
    response: { status: 200, description: 'The sessions that held the address, most likely first', schema: RequisitionLookupSchema },
    errors: [403, 404],
    async handler({ deps, principal, query, body }) {
      const scope = await requisitionScope(deps.db, principal, query.tenant);
      return lookupRequisition(deps, scope, { ip: body.ip, at: body.at, port: body.port ?? null, ref: body.ref });
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/requisitions/report',
    tag: 'requisitions',
    summary: 'Counts for the yearly transparency report',
    description: 'Requisitions of the year, with and without a result, per month and per tenant: no reference, no member.',
    auth: 'principal',
    query: RequisitionReportQuery,
    response: { status: 200, description: 'The year in figures', schema: RequisitionReportSchema },
    errors: [403, 404],
    async handler({ deps, principal, query }) {
      const scope = await requisitionScope(deps.db, principal, query.tenant);
      return requisitionReport(deps, scope, { year: query.year });
    },
  }),
];
