/**
 * usage_monthly_totals, usage_fold_horizon and usage_daily_stats
 * (sql/085_retention.sql): what is left of usage once its per-session detail
 * is past billing's needs. Written by the retention run
 * (privacy/usage-fold.ts), read by the billing export and `member data`.
 */
import type { Queryable } from './db.js';
import { num, str } from './rows.js';

const iso = (ms: number): string => new Date(ms).toISOString();
/** A date column read as to_char(col, 'YYYY-MM-DD') (the drivers would make a local-time Date of it), as epoch ms of its UTC midnight. */
const dayMs = (v: unknown): number => Date.parse(`${str(v)}T00:00:00Z`);

export interface MonthlyTotal {
  /** Epoch ms of the month's first day, UTC. */
  month: number;
  username: string;
  sessions: number;
  /** Of `sessions`, those that began before the month (counted in the month before too). */
  sessionsCarried: number;
  seconds: number;
  inputOctets: number;
  outputOctets: number;
}

export interface TenantMonthlyTotal extends MonthlyTotal {
  tenantId: number;
  tenant: string;
}

/** Each tenant's horizon (epoch ms of its first month still held in detail), for one tenant or all. */
export async function foldHorizons(q: Queryable, tenant: number | 'all'): Promise<Map<number, number>> {
  const r = await q.query<{ tenant_id: unknown; folded_until: unknown }>(
    "SELECT tenant_id, to_char(folded_until, 'YYYY-MM-DD') AS folded_until FROM usage_fold_horizon WHERE folded_until > '1970-01-01' AND ($1::integer IS NULL OR tenant_id = $1)",
    [tenant === 'all' ? null : tenant],
  );
  return new Map(r.rows.map((row) => [num(row.tenant_id), dayMs(row.folded_until)]));
}

/**
 * Takes the tenant's fold lock for the rest of the transaction (two daemons'
 * runs fold a month once) and returns its horizon, null before any fold.
 */
export async function lockFoldHorizon(tx: Queryable, tenantId: number): Promise<number | null> {
  await tx.query('INSERT INTO usage_fold_horizon (tenant_id, folded_until) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING', [tenantId, '1970-01-01']);
  const r = await tx.query<{ folded_until: unknown }>("SELECT to_char(folded_until, 'YYYY-MM-DD') AS folded_until FROM usage_fold_horizon WHERE tenant_id = $1 FOR UPDATE", [tenantId]);
  const h = dayMs(r.rows[0]?.folded_until);
  return h === 0 ? null : h;
}

export async function setFoldHorizon(tx: Queryable, tenantId: number, monthMs: number): Promise<void> {
  await tx.query('UPDATE usage_fold_horizon SET folded_until = $2, updated_at = now() WHERE tenant_id = $1', [tenantId, iso(monthMs).slice(0, 10)]);
}

/** One month's totals of one tenant, in one statement; a month folded again replaces its rows. */
export async function insertMonthlyTotals(tx: Queryable, tenantId: number, month: number, rows: readonly Omit<MonthlyTotal, 'month'>[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO usage_monthly_totals (tenant_id, month, username, sessions, sessions_carried, seconds, input_octets, output_octets)
     SELECT $1::integer, $2::date, * FROM UNNEST($3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
     ON CONFLICT (tenant_id, month, username) DO UPDATE SET sessions = EXCLUDED.sessions, sessions_carried = EXCLUDED.sessions_carried,
       seconds = EXCLUDED.seconds, input_octets = EXCLUDED.input_octets, output_octets = EXCLUDED.output_octets`,
    [
      tenantId,
      iso(month).slice(0, 10),
      rows.map((r) => r.username),
      rows.map((r) => String(r.sessions)),
      rows.map((r) => String(r.sessionsCarried)),
      rows.map((r) => String(r.seconds)),
      rows.map((r) => String(r.inputOctets)),
      rows.map((r) => String(r.outputOctets)),
    ],
  );
}

/** Totals of the months in [fromMs, toMs), of one tenant or all, with the tenant's name. */
export async function monthlyTotalsWithin(q: Queryable, tenant: number | 'all', fromMs: number, toMs: number): Promise<TenantMonthlyTotal[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT m.tenant_id, t.name AS tenant, to_char(m.month, 'YYYY-MM-DD') AS month, m.username, m.sessions, m.sessions_carried, m.seconds, m.input_octets, m.output_octets
       FROM usage_monthly_totals m JOIN tenants t ON t.id = m.tenant_id
      WHERE m.month >= $1::date AND m.month < $2::date AND ($3::integer IS NULL OR m.tenant_id = $3)
      ORDER BY t.name, m.username, m.month`,
    [iso(fromMs).slice(0, 10), iso(toMs).slice(0, 10), tenant === 'all' ? null : tenant],
  );
  return r.rows.map((row) => ({ ...toTotal(row), tenantId: num(row.tenant_id), tenant: str(row.tenant) }));
}

/** One member's totals, oldest month first: `member data`. */
export async function memberMonthlyTotals(q: Queryable, tenantId: number, username: string): Promise<MonthlyTotal[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT to_char(month, 'YYYY-MM-DD') AS month, username, sessions, sessions_carried, seconds, input_octets, output_octets FROM usage_monthly_totals
      WHERE tenant_id = $1 AND username = $2 ORDER BY month`,
    [tenantId, username],
  );
  return r.rows.map(toTotal);
}

function toTotal(row: Record<string, unknown>): MonthlyTotal {
  return {
    month: dayMs(row.month),
    username: str(row.username),
    sessions: num(row.sessions),
    sessionsCarried: num(row.sessions_carried),
    seconds: num(row.seconds),
    inputOctets: num(row.input_octets),
    outputOctets: num(row.output_octets),
  };
}

/** Rows of a tenant's totals and the oldest month: what `retention show` says of them. */
export async function monthlyTotalsHeld(q: Queryable, tenantId: number): Promise<{ rows: number; oldest: Date | null }> {
  const r = await q.query<{ n: unknown; oldest: unknown }>("SELECT count(*) AS n, to_char(min(month), 'YYYY-MM-DD') AS oldest FROM usage_monthly_totals WHERE tenant_id = $1", [tenantId]);
  const row = r.rows[0];
  return { rows: num(row?.n ?? 0), oldest: row?.oldest === null || row?.oldest === undefined ? null : new Date(dayMs(row.oldest)) };
}

export interface DailyStat {
  /** Epoch ms of the day, UTC. */
  day: number;
  /** The plan's name, '' for none. */
  plan: string;
  sessions: number;
  seconds: number;
  inputOctets: number;
  outputOctets: number;
}

/** A folded month's statistics (no member in them), in one statement; a month folded again replaces its days. */
export async function insertDailyStats(tx: Queryable, tenantId: number, rows: readonly DailyStat[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO usage_daily_stats (tenant_id, day, plan, sessions, seconds, input_octets, output_octets)
     SELECT $1::integer, * FROM UNNEST($2::date[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
     ON CONFLICT (tenant_id, day, plan) DO UPDATE SET sessions = EXCLUDED.sessions, seconds = EXCLUDED.seconds,
       input_octets = EXCLUDED.input_octets, output_octets = EXCLUDED.output_octets`,
    [
      tenantId,
      rows.map((r) => iso(r.day).slice(0, 10)),
      rows.map((r) => r.plan),
      rows.map((r) => String(r.sessions)),
      rows.map((r) => String(r.seconds)),
      rows.map((r) => String(r.inputOctets)),
      rows.map((r) => String(r.outputOctets)),
    ],
  );
}

/** A tenant's statistics in [fromMs, toMs), by day then plan. */
export async function dailyStatsWithin(q: Queryable, tenantId: number, fromMs: number, toMs: number): Promise<DailyStat[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, plan, sessions, seconds, input_octets, output_octets FROM usage_daily_stats
      WHERE tenant_id = $1 AND day >= $2::date AND day < $3::date ORDER BY day, plan`,
    [tenantId, iso(fromMs).slice(0, 10), iso(toMs).slice(0, 10)],
  );
  return r.rows.map((row) => ({
    day: dayMs(row.day),
    plan: str(row.plan),
    sessions: num(row.sessions),
    seconds: num(row.seconds),
    inputOctets: num(row.input_octets),
    outputOctets: num(row.output_octets),
  }));
}

/** Deletes up to `batch` of the tenant's totals of months before `beforeMonthMs`. */
export async function pruneMonthlyTotalsBatch(q: Queryable, tenantId: number, beforeMonthMs: number, batch: number): Promise<number> {
  const r = await q.query(
    `WITH doomed AS (SELECT ctid FROM usage_monthly_totals WHERE tenant_id = $1 AND month < $2::date LIMIT $3)
     DELETE FROM usage_monthly_totals m USING doomed WHERE m.ctid = doomed.ctid`,
    [tenantId, iso(beforeMonthMs).slice(0, 10), batch],
  );
  return r.rowCount;
}

export async function countMonthlyTotalsBefore(q: Queryable, tenantId: number, beforeMonthMs: number): Promise<number> {
  const r = await q.query<{ n: unknown }>('SELECT count(*) AS n FROM usage_monthly_totals WHERE tenant_id = $1 AND month < $2::date', [tenantId, iso(beforeMonthMs).slice(0, 10)]);
  return num(r.rows[0]?.n ?? 0);
}

/** A tenant's statistics held: rows and the first day. */
export async function dailyStatsHeld(q: Queryable, tenantId: number): Promise<{ rows: number; oldest: Date | null }> {
  const r = await q.query<{ n: unknown; oldest: unknown }>("SELECT count(*) AS n, to_char(min(day), 'YYYY-MM-DD') AS oldest FROM usage_daily_stats WHERE tenant_id = $1", [tenantId]);
  const row = r.rows[0];
  return { rows: num(row?.n ?? 0), oldest: row?.oldest === null || row?.oldest === undefined ? null : new Date(dayMs(row.oldest)) };
}
