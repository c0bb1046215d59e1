/**
 * Usage: finished sessions to PostgreSQL now (the daemon does it every
 * minute), and the treasurer's billing export from what was flushed
 * (accounting/export.ts builds the rows; design.md "Billing export" names the
 * columns).
 */
import type { FlushReport } from '../accounting/flusher.js';
import { DETAIL_COLUMNS, SUMMARY_COLUMNS, exportUsage, toCsv, toJson, type DetailRow, type SummaryRow } from '../accounting/export.js';
import { isIsoDate } from '../domain/validate.js';
import { fail } from '../errors.js';
import type { ServiceDeps } from './deps.js';

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

export type BillingExport =
  | { detail: false; columns: typeof SUMMARY_COLUMNS; rows: SummaryRow[]; text: string }
  | { detail: true; columns: typeof DETAIL_COLUMNS; rows: DetailRow[]; text: string };

/** The billing export for a period: the rows, and the file's text in the format asked (CSV by default). */
export async function billingExport(deps: Pick<ServiceDeps, 'db'>, input: ExportInput): Promise<BillingExport> {
  for (const field of ['from', 'to'] as const) {
    if (!isIsoDate(input[field])) throw fail('INVALID_DATE', { field, value: input[field] });
  }
  if (input.from > input.to) throw fail('INVALID_DATE', { from: input.from, to: input.to });
  const usage = await exportUsage(deps.db, { from: input.from, to: input.to });
  const json = input.format === 'json';
  if (input.detail) {
    return { detail: true, columns: DETAIL_COLUMNS, rows: usage.detail, text: json ? toJson(usage.detail) : toCsv(usage.detail, DETAIL_COLUMNS) };
  }
  return { detail: false, columns: SUMMARY_COLUMNS, rows: usage.summary, text: json ? toJson(usage.summary) : toCsv(usage.summary, SUMMARY_COLUMNS) };
}
