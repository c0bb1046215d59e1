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
import { isIsoDate } from '../domain/validate.js';
import { fail } from '../errors.js';
import type { ReadScope, ServiceDeps } from './deps.js';

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
