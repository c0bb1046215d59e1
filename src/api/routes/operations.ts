/** Live sessions, disconnect, the billing export, the dues run and the audit log: one service call each. */
import { auditPage } from '../../db/audit-pages.js';
import { fail } from '../../errors.js';
import { runDues } from '../../services/lifecycle.js';
import { disconnect, pageSessions, type SessionCursor } from '../../services/sessions.js';
import { billingExport } from '../../services/usage.js';
import { bodyMemberFound } from '../found.js';
import { Answer, route, type RouteDef } from '../route.js';
import {
  AuditPageSchema,
  AuditQuery,
  DisconnectBody,
  DisconnectResultSchema,
  DuesRunBody,
  DuesRunSchema,
  SessionListQuery,
  SessionListSchema,
  USAGE_CSV_EXAMPLE,
  UsageJsonSchema,
  UsageQuery,
} from '../schemas.js';
import { attempts, decodeCursor, decodeJsonCursor, encodeCursor, notOurCursor, pageSize, sessionView } from './views.js';

/** A sessions page's cursor back to its key; anything this API did not give is a field error. */
function sessionCursor(cursor: string): SessionCursor {
  const k = decodeJsonCursor(cursor);
  if (k === null) throw notOurCursor();
  const { tenant, username, startTime, uniqueId } = k;
  if ((tenant !== null && typeof tenant !== 'string') || typeof username !== 'string' || typeof startTime !== 'number' || typeof uniqueId !== 'string') throw notOurCursor();
  return { tenant, username, startTime, uniqueId };
}

export const operationRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/api/v1/sessions',
    tag: 'sessions',
    summary: 'Who is online now',
    auth: 'tenant',
    action: 'read',
    query: SessionListQuery,
    response: { status: 200, description: 'One page of open sessions, by member then start', schema: SessionListSchema },
    async handler({ deps, scope, query }) {
      const limit = pageSize(query.limit);
      const after = query.cursor === undefined ? undefined : sessionCursor(query.cursor);
      const page = await pageSessions(deps, scope, { ...(query.username ? { username: query.username } : {}), ...(query.nas ? { nas: query.nas } : {}) }, { ...(after ? { after } : {}), limit });
      return { sessions: page.sessions.map(sessionView), open: page.open, next_cursor: page.next === null ? null : encodeCursor(JSON.stringify(page.next)) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/disconnect',
    tag: 'sessions',
    summary: "Disconnect a member's sessions, or one session (RFC 5176)",
    description: 'The member may log in again at once; to keep it out, suspend it.',
    auth: 'tenant',
    action: 'disconnect',
    found: bodyMemberFound,
    body: DisconnectBody,
    response: { status: 200, description: 'What each NAS answered', schema: DisconnectResultSchema },
    errors: [404, 409],
    async handler({ deps, scope, body }) {
      const r = await disconnect(deps, scope, {
        ...(body.username !== undefined ? { username: body.username } : {}),
        ...(body.session !== undefined ? { session: body.session } : {}),
        ...(body.nas !== undefined ? { nas: body.nas } : {}),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
      });
      return { username: r.username, reason: r.reason, disconnects: attempts(r.disconnects), unconfirmed: r.unconfirmed };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/usage',
    tag: 'usage',
    summary: 'Billing export for a period',
    description: 'CSV (default, the columns of `radassoc export`) or JSON; per member, or per session with detail=true.',
    auth: 'tenant',
    action: 'export',
    query: UsageQuery,
    response: { status: 200, description: 'The export', schema: UsageJsonSchema, csvExample: USAGE_CSV_EXAMPLE },
    async handler({ deps, scope, query }) {
      const format = query.format ?? 'csv';
      const r = await billingExport(deps, scope, { from: query.from, to: query.to, detail: query.detail === 'true', format });
      if (format === 'csv') return new Answer(200, r.text, 'text/csv; charset=utf-8');
      return { detail: r.detail, columns: [...r.columns], rows: r.rows };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/dues/run',
    tag: 'dues',
    summary: 'Run the dues job now (or only list, with dry_run)',
    auth: 'tenant',
    action: 'dues',
    body: DuesRunBody,
    response: { status: 200, description: 'Who is lapsed, and who was suspended', schema: DuesRunSchema },
    async handler({ deps, scope, body }) {
      const r = await runDues(deps, scope, { ...(body.dry_run !== undefined ? { dryRun: body.dry_run } : {}), ...(body.today ? { today: body.today } : {}) });
      return {
        today: r.today,
        grace_days: r.graceDays,
        dry_run: r.dryRun,
        lapsed: r.lapsed.map((l) => ({ username: l.username, paid_until: l.paidUntil, suspends_on: l.suspendsOn })),
        suspended: r.suspended.map((s) => ({ username: s.username, changed: s.changed, disconnects: attempts(s.disconnects), sessions_error: s.sessionsError })),
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/audit',
    tag: 'audit',
    summary: 'Who changed what, newest first, a page at a time',
    auth: 'tenant',
    action: 'read',
    query: AuditQuery,
    response: { status: 200, description: 'One page of the audit log', schema: AuditPageSchema },
    async handler({ deps, scope, query }) {
      if (query.username !== undefined && query.target !== undefined) throw fail('AUDIT_FILTER_CONFLICT', {});
      const limit = query.limit === undefined ? 50 : Number(query.limit);
      if (limit < 1 || limit > 1000) throw fail('API_INVALID_REQUEST', { fields: [{ path: 'query.limit', message: 'a whole number from 1 to 1000' }] });
      const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (cursor === null || (cursor !== undefined && !/^[1-9][0-9]{0,17}$/.test(cursor))) throw notOurCursor();
      const target = query.username !== undefined ? `member:${query.username}` : query.target;
      const page = await auditPage(deps.db, {
        tenantId: scope.tenant.id,
        ...(target !== undefined ? { target } : {}),
        ...(cursor !== undefined ? { beforeId: Number(cursor) } : {}),
        limit,
      });
      const last = page.entries[page.entries.length - 1];
      return {
        entries: page.entries.map(({ tenantId: _tenant, ...e }) => ({ ...e, time: e.time.toISOString() })),
        next_cursor: page.more && last ? encodeCursor(String(last.id)) : null,
      };
    },
  }),
];
