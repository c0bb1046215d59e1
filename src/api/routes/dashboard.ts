/**
 * GET /api/v1/dashboard: the figures a volunteer looks at first, in one
 * call (the console polls it): members online now, Access-Request decisions
 * per minute over the last hour with rejects by reason, each NAS with its
 * last request and drops (a NAS with a wrong secret shows up here), and how
 * many members lapse within 30 days.
 */
import { z } from 'zod';
import { authPerMinute } from '../../db/auth-stats.js';
import { memberPage } from '../../db/member-pages.js';
import { addDays, utcDate } from '../../lifecycle/days.js';
import { diagnoseNas } from '../../lifecycle/nas-diagnose.js';
import { listNas } from '../../services/nas.js';
import { listSessions } from '../../services/sessions.js';
import { flushStatus, tenantTraffic, type UsageSeries } from '../../services/usage.js';
import { route, type RouteDef } from '../route.js';
import { TrafficQuery, UsageSeriesSchema } from '../schemas.js';

const MINUTES = 60;
const LAPSING_DAYS = 30;
/** Counted up to this many: the dashboard says "1000+" past it, without a scan of every member. */
const LAPSING_CAP = 1000;

const EXAMPLE = {
  at: '2026-11-30T10:15:00.000Z',
  online: 42,
  window_minutes: 60,
  per_minute: [{ minute: '2026-11-30T10:14:00.000Z', accepts: 12, rejects: { 'bad-password': 2, suspended: 1 } }],
  rejects: { 'bad-password': 2, suspended: 1 },
  accepts: 12,
  nas: [{ name: 'bras1', address: '192.0.2.1', last_request_at: '2026-11-30T10:14:58.000Z', answered: 240, dropped_total: 0, dropped: {}, last_drop: null }],
  lapsing: { within_days: 30, count: 3, capped: false },
  flush: { last_flush_at: '2026-11-30T10:14:00.000Z', seconds_since_last_flush: 60, oldest_unflushed_at: '2026-11-30T10:14:20.000Z', lag_seconds: 40, backlog_sessions: 2 },
};

/** A series as the API writes it. */
export const seriesView = (s: UsageSeries) => ({
  range: s.range,
  unit: s.unit,
  from: new Date(s.from).toISOString(),
  to: new Date(s.to).toISOString(),
  buckets: s.buckets.map((b) => ({ start: new Date(b.start).toISOString(), input_octets: b.inputOctets, output_octets: b.outputOctets, seconds: b.seconds })),
});

export const DashboardSchema = z
  .strictObject({
    at: z.string().meta({ format: 'date-time' }),
    online: z.int().meta({ description: 'Open sessions now' }),
    window_minutes: z.int(),
    per_minute: z.array(z.strictObject({ minute: z.string().meta({ format: 'date-time' }), accepts: z.int(), rejects: z.record(z.string(), z.int()) })),
    rejects: z.record(z.string(), z.int()).meta({ description: 'Over the window, by reject reason' }),
    accepts: z.int(),
    nas: z.array(
      z.strictObject({
        name: z.string(),
        address: z.string(),
        last_request_at: z.string().nullable(),
        answered: z.int(),
        dropped_total: z.int(),
        dropped: z.record(z.string(), z.int()),
        last_drop: z.strictObject({ reason: z.string(), at: z.string(), cause: z.string() }).nullable(),
      }),
    ),
    lapsing: z.strictObject({ within_days: z.int(), count: z.int(), capped: z.boolean() }),
    flush: z
      .strictObject({
        last_flush_at: z.string().nullable().meta({ format: 'date-time' }),
        seconds_since_last_flush: z.int().nullable(),
        oldest_unflushed_at: z.string().nullable().meta({ format: 'date-time' }),
        lag_seconds: z.int().nullable().meta({ description: 'Age of the oldest accounting change not yet in PostgreSQL (0 or null: nothing waits).' }),
        backlog_sessions: z.int().nullable(),
      })
      .meta({ description: "The usage flush, the whole deployment's (it serves every tenant): this daemon's last successful one, and how far PostgreSQL lags behind the session store. Null where unknown." }),
  })
  .meta({ examples: [EXAMPLE] });

export const dashboardRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/api/v1/dashboard',
    tag: 'dashboard',
    summary: 'Online now, authentications per minute, NAS drops, members lapsing soon',
    auth: 'tenant',
    action: 'read',
    response: { status: 200, description: 'The dashboard figures', schema: DashboardSchema },
    async handler({ deps, scope }) {
      const now = deps.now();
      const since = new Date(Math.floor(now / 60_000) * 60_000 - (MINUTES - 1) * 60_000);
      const [sessions, counts, nasList, lapsing, flush] = await Promise.all([
        listSessions(deps, scope),
        authPerMinute(deps.db, scope.tenant.id, since),
        listNas(deps, scope),
        memberPage(deps.db, { tenantId: scope.tenant.id, paidBefore: addDays(utcDate(now), LAPSING_DAYS + 1), limit: LAPSING_CAP }),
        flushStatus(deps),
      ]);
      const minutes = new Map<number, { accepts: number; rejects: Record<string, number> }>();
      const rejects: Record<string, number> = {};
      let accepts = 0;
      for (const c of counts) {
        const m = minutes.get(c.minute.getTime()) ?? { accepts: 0, rejects: {} };
        minutes.set(c.minute.getTime(), m);
        if (c.result === 'accept') {
          m.accepts += c.count;
          accepts += c.count;
        } else {
          const reason = c.reason ?? 'other';
          m.rejects[reason] = (m.rejects[reason] ?? 0) + c.count;
          rejects[reason] = (rejects[reason] ?? 0) + c.count;
        }
      }
      const nas = await Promise.all(
        nasList.map(async (n) => {
          const d = await diagnoseNas({ db: deps.db, now: deps.now }, n.name);
          return { name: n.name, address: n.address, last_request_at: d.last_request_at, answered: d.answered, dropped_total: d.dropped_total, dropped: d.dropped, last_drop: d.last_drop };
        }),
      );
      return {
        at: new Date(now).toISOString(),
        online: sessions.length,
        window_minutes: MINUTES,
        per_minute: [...minutes.entries()].sort((a, b) => a[0] - b[0]).map(([t, m]) => ({ minute: new Date(t).toISOString(), ...m })),
        rejects,
        accepts,
        nas,
        lapsing: { within_days: LAPSING_DAYS, count: lapsing.members.length, capped: lapsing.more },
        flush: {
          last_flush_at: flush.lastFlushAt,
          seconds_since_last_flush: flush.sinceLastFlushSeconds,
          oldest_unflushed_at: flush.oldestUnflushedAt,
          lag_seconds: flush.lagSeconds,
          backlog_sessions: flush.backlogSessions,
        },
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/dashboard/traffic',
    tag: 'dashboard',
    summary: "The tenant's traffic: the last 24 hours by hour, or the last 30 days by day",
    auth: 'tenant',
    action: 'read',
    query: TrafficQuery,
    response: { status: 200, description: 'Octets and seconds per bucket, oldest first', schema: UsageSeriesSchema },
    async handler({ deps, scope, query }) {
      return seriesView(await tenantTraffic(deps, scope, query.range ?? '24h'));
    },
  }),
];
