/**
 * Usage: finished sessions to PostgreSQL now (the daemon does it every
 * minute), and the treasurer's billing export from what was flushed
 * (accounting/export.ts builds the rows; design.md "Billing export" names the
 * columns).
 */
import type { FlushReport } from '../accounting/flusher.js';
import {
  ALL_TENANTS_DETAIL_COLUMNS,
  ALL_TENANTS_SUMMARY_COLUMNS,
  DETAIL_COLUMNS,
  SUMMARY_COLUMNS,
  exportUsage,
  toCsv,
  toJson,
  type DetailRow,
  type SummaryRow,
} from '../accounting/export.js';
import { usageSeries, type UsageSeries } from '../accounting/usage-series.js';
import { getMember } from '../db/members.js';
import { isIsoDate } from '../domain/validate.js';
import { fail } from '../errors.js';
import type { ReadScope, Scope, ServiceDeps } from './deps.js';

export type { SeriesRange, UsageSeries, UsageBucket } from '../accounting/usage-series.js';

/** Writes finished sessions and open sessions' progress to PostgreSQL now. */
export async function flush(deps: Pick<ServiceDeps, 'flush'>): Promise<FlushReport> {
  return deps.flush();
}

export interface ExportInput {
  /** First and last day, inclusive, YYYY-MM-DD (UTC). */
  from: string;
  to: string;
  /** One row per session instead of per member. */
  detail?: boolean;
  format?: 'csv' | 'json';
}

/** Columns of the file: the contract's, after `tenant` in a deployment-wide export. */
export type BillingExport =
  | { detail: false; columns: typeof SUMMARY_COLUMNS | typeof ALL_TENANTS_SUMMARY_COLUMNS; rows: SummaryRow[]; text: string }
  | { detail: true; columns: typeof DETAIL_COLUMNS | typeof ALL_TENANTS_DETAIL_COLUMNS; rows: DetailRow[]; text: string };

/**
 * The billing export for a period: the rows, and the file's text in the
 * format asked (CSV by default). Only the scope's tenant's usage; every
 * tenant's, each row marked, when the scope is deployment-wide.
 */
export async function billingExport(deps: Pick<ServiceDeps, 'db'>, scope: ReadScope, input: ExportInput): Promise<BillingExport> {
  const tenant = scope.tenant === 'all' ? ('all' as const) : scope.tenant.id;
  for (const field of ['from', 'to'] as const) {
    if (!isIsoDate(input[field])) throw fail('INVALID_DATE', { field, value: input[field] });
  }
  if (input.from > input.to) throw fail('INVALID_DATE', { from: input.from, to: input.to });
  const usage = await exportUsage(deps.db, { from: input.from, to: input.to }, tenant);
  const json = input.format === 'json';
  const all = tenant === 'all';
  if (input.detail && usage.folded.length > 0) {
    const until = usage.folded.map((f) => f.until).sort().at(-1) ?? input.from;
    throw fail('USAGE_FOLDED', { problem: 'detail', until, tenants: usage.folded.map((f) => f.tenant) });
  }
  if (input.detail) {
    const columns = all ? ALL_TENANTS_DETAIL_COLUMNS : DETAIL_COLUMNS;
    return { detail: true, columns, rows: usage.detail, text: json ? toJson(usage.detail) : toCsv(usage.detail, columns) };
  }
  const columns = all ? ALL_TENANTS_SUMMARY_COLUMNS : SUMMARY_COLUMNS;
  return { detail: false, columns, rows: usage.summary, text: json ? toJson(usage.summary) : toCsv(usage.summary, columns) };
}

/** The scope's tenant's traffic in the last 24 hours (by hour) or 30 days (by day), as flushed. */
export async function tenantTraffic(deps: Pick<ServiceDeps, 'db' | 'now'>, scope: Scope, range: '24h' | '30d'): Promise<UsageSeries> {
  return usageSeries(deps.db, scope.tenant.id, range, deps.now());
}

/** A member's usage by month over the last 12 months ('12m') or by day this month ('month'). */
export async function memberUsage(deps: Pick<ServiceDeps, 'db' | 'now'>, scope: Scope, username: string, range: '12m' | 'month'): Promise<UsageSeries> {
  if (!(await getMember(deps.db, scope.tenant.id, username))) throw fail('UNKNOWN_MEMBER', { username });
  return usageSeries(deps.db, scope.tenant.id, range, deps.now(), username);
}

export interface FlushStatus {
  lastFlushAt: string | null;
  /** Seconds since the last successful flush. */
  sinceLastFlushSeconds: number | null;
  oldestUnflushedAt: string | null;
  /** Age of the oldest accounting change not yet in PostgreSQL: how far behind the usage figures are. */
  lagSeconds: number | null;
  backlogSessions: number | null;
}

/**
 * How far the usage in PostgreSQL (graphs, export) lags behind the NAS: the
 * age of the oldest change still in the session store, and the time since
 * the daemon's last successful flush. The whole deployment's figures (the
 * flush serves every tenant); every one null outside a daemon.
 */
export async function flushStatus(deps: Pick<ServiceDeps, 'flushState' | 'now'>): Promise<FlushStatus> {
  const st = deps.flushState ? await deps.flushState() : { lastFlushAt: null, oldestUnflushedAt: null, backlogSessions: null };
  const now = deps.now();
  const age = (at: number | null): number | null => (at === null ? null : Math.max(0, Math.round((now - at) / 1000)));
  const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());
  return {
    lastFlushAt: iso(st.lastFlushAt),
    sinceLastFlushSeconds: age(st.lastFlushAt),
    oldestUnflushedAt: iso(st.oldestUnflushedAt),
    lagSeconds: age(st.oldestUnflushedAt),
    backlogSessions: st.backlogSessions,
  };
}
