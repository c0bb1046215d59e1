/**
 * The nas_activity table (sql/031_nas_activity.sql): per source and minute,
 * how many requests had each outcome. Written by the daemons
 * (server/nas-activity.ts), read by `nas diagnose` and `diagnose`. One
 * exported function per query.
 */
import type { Queryable } from './db.js';
import { date, num, str } from './rows.js';

export type ActivitySourceKind = 'nas' | 'address';

/** One counter delta: added to the row of its (kind, source, minute, outcome). */
export interface ActivityRow {
  kind: ActivitySourceKind;
  source: string;
  /** Start of the minute, epoch ms. */
  minute: number;
  outcome: string;
  count: number;
  /** Latest occurrence, epoch ms. */
  lastAt: number;
}

export interface OutcomeTotal {
  outcome: string;
  count: number;
  lastAt: Date;
}

/**
 * Adds the deltas in one statement (the batch travels as one jsonb
 * parameter, as the authentication log does). Several daemons add to the
 * same rows: the upsert sums. The caller merges rows with the same key first.
 */
export async function addNasActivity(q: Queryable, rows: readonly ActivityRow[]): Promise<void> {
  if (rows.length === 0) return;
  const batch = rows.map((r) => [r.kind, r.source, r.minute, r.outcome, r.count, r.lastAt]);
  await q.query(
    `INSERT INTO nas_activity AS a (source_kind, source, minute, outcome, count, last_at)
     SELECT e->>0, e->>1, to_timestamp((e->>2)::float8 / 1000), e->>3, (e->>4)::bigint, to_timestamp((e->>5)::float8 / 1000)
       FROM jsonb_array_elements($1::jsonb) AS r(e)
     ON CONFLICT (source_kind, source, minute, outcome)
     DO UPDATE SET count = a.count + excluded.count, last_at = GREATEST(a.last_at, excluded.last_at)`,
    [JSON.stringify(batch)],
  );
}

/** Deletes the minutes before `before`; returns how many rows went. */
export async function pruneNasActivity(q: Queryable, before: Date): Promise<number> {
  const r = await q.query('DELETE FROM nas_activity WHERE minute < $1', [before]);
  return r.rowCount;
}

/** Totals per outcome for one source since `since` (whole minutes), most frequent first. */
export async function activityTotals(q: Queryable, kind: ActivitySourceKind, source: string, since: Date): Promise<OutcomeTotal[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT outcome, sum(count) AS count, max(last_at) AS last_at FROM nas_activity
      WHERE source_kind = $1 AND source = $2 AND minute >= $3
      GROUP BY outcome ORDER BY sum(count) DESC, outcome`,
    [kind, source, since],
  );
  return r.rows.map((row) => ({ outcome: str(row.outcome), count: num(row.count), lastAt: date(row.last_at) }));
}

/** The latest occurrence of each outcome of one source over everything kept (a day). */
export async function latestActivity(q: Queryable, kind: ActivitySourceKind, source: string): Promise<OutcomeTotal[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT outcome, sum(count) AS count, max(last_at) AS last_at FROM nas_activity
      WHERE source_kind = $1 AND source = $2 GROUP BY outcome ORDER BY max(last_at) DESC, outcome`,
    [kind, source],
  );
  return r.rows.map((row) => ({ outcome: str(row.outcome), count: num(row.count), lastAt: date(row.last_at) }));
}

/** Per NAS of `names`, each outcome other than those listed in `except`, since `since`. */
export async function outcomesOfNas(q: Queryable, names: readonly string[], since: Date, except: readonly string[]): Promise<Array<OutcomeTotal & { nas: string }>> {
  if (names.length === 0) return [];
  const r = await q.query<Record<string, unknown>>(
    `SELECT source, outcome, sum(count) AS count, max(last_at) AS last_at FROM nas_activity
      WHERE source_kind = 'nas' AND source IN (SELECT jsonb_array_elements_text($1::jsonb))
        AND minute >= $2 AND outcome NOT IN (SELECT jsonb_array_elements_text($3::jsonb))
      GROUP BY source, outcome ORDER BY source, sum(count) DESC, outcome`,
    // Lists as jsonb: the same text on pg and on PGlite, whatever their array handling.
    [JSON.stringify(names), since, JSON.stringify(except)],
  );
  return r.rows.map((row) => ({ nas: str(row.source), outcome: str(row.outcome), count: num(row.count), lastAt: date(row.last_at) }));
}
