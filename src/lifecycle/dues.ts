/**
 * Dues: members have a paid-until date; once it is more than `graceDays`
 * behind, the dues job suspends them with the reason "dues lapsed" and
 * disconnects them. A new paid-until on a member suspended for dues resumes
 * it (member-change.ts). Dates are calendar days in UTC, as the cron jobs run.
 */
import type { Queryable } from '../db/db.js';
import { listMembers } from '../db/members.js';
import type { Member } from '../domain/member.js';
import { isIsoDate } from '../domain/validate.js';
import { RadassocError } from '../errors.js';
import { addDays, daysBetween, nowOf, utcDate, type LifecycleDeps } from './deps.js';
import { suspend, type SuspendReport } from './suspend.js';

/** The suspension reason the job writes, and the one a new paid-until undoes. */
export const DUES_REASON = 'dues lapsed';

/** The first day a member paid until `paidUntil` is suspended: the day after the grace period. */
export function suspendsOn(paidUntil: string, graceDays: number): string {
  return addDays(paidUntil, graceDays + 1);
}

/** Past paid-until plus grace on `today`. A member without a paid-until has no dues tracked. */
export function isLapsed(paidUntil: string | null, today: string, graceDays: number): boolean {
  return paidUntil !== null && suspendsOn(paidUntil, graceDays) <= today;
}

function checkDay(day: string, what: string): string {
  if (!isIsoDate(day)) throw new RadassocError('INVALID_DATE', `${what} ${JSON.stringify(day)} is not a date in the form YYYY-MM-DD`);
  return day;
}

/** Active members the dues job would suspend on `today` (YYYY-MM-DD). */
export async function findLapsed(db: Queryable, today: string, graceDays: number): Promise<Member[]> {
  checkDay(today, 'today');
  // paid_until + grace < today  ⇔  paid_until < today − grace
  return listMembers(db, { status: 'active', lapsingBefore: addDays(today, -graceDays) });
}

export interface LapsingMember {
  username: string;
  paidUntil: string;
  /** Days from today to paid-until; negative once it has passed (in the grace period). */
  daysLeft: number;
  /** The day the dues job will suspend the member unless paid-until moves. */
  suspendsOn: string;
  plan: string | null;
}

/**
 * Active members whose dues run out within `days` days of `today` (paid-until
 * on or before today + days), including those already in their grace
 * period; soonest first. For `member list --lapsing-within 30d`.
 */
export async function lapsingWithin(db: Queryable, today: string, days: number, graceDays: number): Promise<LapsingMember[]> {
  checkDay(today, 'today');
  if (!Number.isInteger(days) || days < 0) throw new RadassocError('INVALID_ARGUMENT', `--lapsing-within must be a whole number of days (got ${days})`);
  const members = await listMembers(db, { status: 'active', lapsingBefore: addDays(today, days + 1) });
  return members
    .filter((m): m is Member & { paidUntil: string } => m.paidUntil !== null)
    .map((m) => ({ username: m.username, paidUntil: m.paidUntil, daysLeft: daysBetween(today, m.paidUntil), suspendsOn: suspendsOn(m.paidUntil, graceDays), plan: m.plan }))
    .sort((a, b) => (a.paidUntil < b.paidUntil ? -1 : a.paidUntil > b.paidUntil ? 1 : a.username < b.username ? -1 : 1));
}

/** "30d", "30" or "2w" → days. */
export function parseDays(text: string): number {
  const m = /^\s*(\d{1,5})\s*(d|w)?\s*$/i.exec(text);
  if (!m) throw new RadassocError('INVALID_ARGUMENT', `'${text}' is not a number of days; write e.g. 30d or 2w`);
  return Number(m[1]) * (m[2]?.toLowerCase() === 'w' ? 7 : 1);
}

export interface DuesRunOptions {
  graceDays: number;
  dryRun: boolean;
  /** YYYY-MM-DD; default: today in UTC by deps.now. */
  today?: string;
}

export interface DuesRunReport {
  today: string;
  graceDays: number;
  dryRun: boolean;
  /** Who is past paid-until plus grace (the dry run's answer). */
  lapsed: Array<{ username: string; paidUntil: string; suspendsOn: string }>;
  /** What was done, one per lapsed member (empty in a dry run). */
  suspended: SuspendReport[];
}

/**
 * Suspends every active member past paid-until plus grace with the reason
 * "dues lapsed" and disconnects them; the dry run only lists them. Each
 * member is re-checked under its lock, so a payment recorded meanwhile, or
 * another daemon running the same job, is not overridden.
 */
export async function runDues(deps: LifecycleDeps, opts: DuesRunOptions): Promise<DuesRunReport> {
  const today = checkDay(opts.today ?? utcDate(nowOf(deps)), 'today');
  const lapsedMembers = await findLapsed(deps.db, today, opts.graceDays);
  const lapsed = lapsedMembers.map((m) => ({ username: m.username, paidUntil: m.paidUntil ?? '', suspendsOn: suspendsOn(m.paidUntil ?? today, opts.graceDays) }));
  const report: DuesRunReport = { today, graceDays: opts.graceDays, dryRun: opts.dryRun, lapsed, suspended: [] };
  if (opts.dryRun) return report;
  const stillLapsed = (m: Member): boolean => m.status === 'active' && isLapsed(m.paidUntil, today, opts.graceDays);
  // One at a time: a daily job over a handful of members; each disconnect waits for its NAS anyway.
  for (const m of lapsedMembers) {
    try {
      const r = await suspend(deps, m.username, DUES_REASON, { onlyIf: stillLapsed });
      if (!r.skipped) report.suspended.push(r);
    } catch (e) {
      // One member deleted meanwhile must not stop the others.
      deps.log.error({ user: m.username, err: e instanceof Error ? e.message : String(e) }, 'dues: could not suspend');
    }
  }
  return report;
}
