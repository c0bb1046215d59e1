/**
 * Folding usage detail past its retention (docs/privacy.md "Usage"): each
 * UTC month older than the tenant's usageDetailMonths becomes one row per
 * member in usage_monthly_totals, the figures the billing export gave for
 * that month, and rows of statistics per day and plan with no member in
 * them; then the month is behind the tenant's horizon, and the sessions that
 * ended before the horizon may go. One month per transaction.
 *
 * Unfinished export periods are never folded: the current month, and the
 * previous one until the current month ends (late Stops and sessions still
 * open across the boundary change it; the treasurer exports it in the first
 * days of the next). usageDetailMonths is at least 1, so the cutoff is never
 * later than the previous month's first day.
 */
import { exportUsage, usageWithin } from '../accounting/export.js';
import type { Db, Queryable } from '../db/db.js';
import { listMembers } from '../db/members.js';
import { sessionsOverlapping, snapshotsOf, type UsageSessionRow } from '../db/usage.js';
import { firstUsageStart } from '../db/usage-retention.js';
import { insertDailyStats, insertMonthlyTotals, lockFoldHorizon, setFoldHorizon, type DailyStat } from '../db/usage-totals.js';

const DAY_MS = 86_400_000;

export const monthStart = (ms: number): number => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

export const addMonths = (monthMs: number, n: number): number => {
  const d = new Date(monthMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
};

/** The first month whose detail is kept at `now`: the current month and `months` whole months before it are. */
export const detailCutoff = (now: number, months: number): number => addMonths(monthStart(now), -Math.max(1, months));

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The months a fold at `now` would fold for the tenant, oldest first. */
export async function monthsToFold(q: Queryable, tenantId: number, horizon: number | null, now: number, months: number): Promise<number[]> {
  const cutoff = detailCutoff(now, months);
  const first = horizon ?? (await firstUsageStart(q, tenantId));
  if (first === null) return [];
  const out: number[] = [];
  for (let m = monthStart(first); m < cutoff; m = addMonths(m, 1)) out.push(m);
  return out;
}

const overlaps = (s: UsageSessionRow, fromMs: number, toMs: number): boolean =>
  s.startTime < toMs && ((s.stopTime ?? s.lastUpdate) > fromMs || s.startTime >= fromMs);

/** Per day and plan, the sessions active and their usage within the day; snapshots are read a chunk of sessions at a time. */
async function dailyStats(q: Queryable, sessions: readonly UsageSessionRow[], plans: Map<string, string>, month: number): Promise<DailyStat[]> {
  const next = addMonths(month, 1);
  const stats = new Map<string, DailyStat>();
  for (let i = 0; i < sessions.length; i += 200) {
    const chunk = sessions.slice(i, i + 200);
    const snaps = await snapshotsOf(q, chunk.map((s) => s.uniqueId));
    for (const s of chunk) {
      const end = Math.max(s.startTime, s.stopTime ?? s.lastUpdate);
      const plan = plans.get(s.username) ?? '';
      for (let d = Math.max(month, s.startTime - (s.startTime % DAY_MS)); d < Math.min(next, end + 1); d += DAY_MS) {
        if (!overlaps(s, d, d + DAY_MS)) continue;
        const u = usageWithin(s, snaps.get(s.uniqueId) ?? [], d, d + DAY_MS);
        const key = `${d}\u0000${plan}`;
        const st = stats.get(key) ?? { day: d, plan, sessions: 0, seconds: 0, inputOctets: 0, outputOctets: 0 };
        st.sessions++;
        st.seconds += u.seconds;
        st.inputOctets += u.inputOctets;
        st.outputOctets += u.outputOctets;
        stats.set(key, st);
      }
    }
  }
  return [...stats.values()];
}

/**
 * Folds one month of one tenant, if it is still at the horizon (another run
 * may have done it): totals from the billing export itself, so that a folded
 * month exports exactly as it did; statistics; the horizon moves on.
 */
async function foldMonth(db: Db, tenantId: number, month: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const horizon = await lockFoldHorizon(tx, tenantId);
    if (horizon !== null && horizon > month) return false;
    const next = addMonths(month, 1);
    const { summary } = await exportUsage(tx, { from: day(month), to: day(next - DAY_MS) }, tenantId);
    const sessions = await sessionsOverlapping(tx, month, next, tenantId);
    const carried = new Map<string, number>();
    for (const s of sessions) if (s.startTime < month) carried.set(s.username, (carried.get(s.username) ?? 0) + 1);
    await insertMonthlyTotals(
      tx,
      tenantId,
      month,
      summary.map((r) => ({
        username: r.username,
        sessions: r.sessions,
        sessionsCarried: carried.get(r.username) ?? 0,
        seconds: r.seconds,
        inputOctets: r.input_octets,
        outputOctets: r.output_octets,
      })),
    );
    const plans = new Map((await listMembers(tx, tenantId)).map((m) => [m.username, m.plan ?? '']));
    await insertDailyStats(tx, tenantId, await dailyStats(tx, sessions, plans, month));
    await setFoldHorizon(tx, tenantId, next);
    return true;
  });
}

/** Folds every month of the tenant past its detail retention; returns how many were folded and the horizon after. */
export async function foldExpiredMonths(db: Db, tenantId: number, horizon: number | null, now: number, months: number): Promise<{ folded: number; horizon: number | null }> {
  let folded = 0;
  let h = horizon;
  for (const m of await monthsToFold(db, tenantId, horizon, now, months)) {
    if (await foldMonth(db, tenantId, m)) folded++;
    h = addMonths(m, 1);
  }
  return { folded, horizon: h };
}
