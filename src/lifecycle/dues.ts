/**
 * The dues rules: members have a paid-until date; once it is more than
 * `graceDays` behind, the dues run (services/lifecycle.ts runDues) suspends
 * them (kind 'dues', reason "dues lapsed") and disconnects them. A new
 * paid-until on a member suspended by the job resumes it (memberChanged
 * there); the kind decides, never the reason text. Dates are calendar days in
 * UTC, as the cron jobs run.
 */
import type { Queryable } from '../db/db.js';
import { listMembers } from '../db/members.js';
import type { Member } from '../domain/member.js';
import { isIsoDate } from '../domain/validate.js';
import { fail } from '../errors.js';
import { addDays, daysBetween } from './days.js';

/** The suspension reason the job writes: words for people; the kind 'dues' is what a payment undoes. */
export const DUES_REASON = 'dues lapsed';

/** The first day a member paid until `paidUntil` is suspended: the day after the grace period. */
export function suspendsOn(paidUntil: string, graceDays: number): string {
  return addDays(paidUntil, graceDays + 1);
}

/** Past paid-until plus grace on `today`. A member without a paid-until has no dues tracked. */
export function isLapsed(paidUntil: string | null, today: string, graceDays: number): boolean {
  return paidUntil !== null && suspendsOn(paidUntil, graceDays) <= today;
}

/** The day a dues run or listing acts as if on, checked. */
export function checkDay(day: string): string {
  if (!isIsoDate(day)) throw fail('INVALID_DATE', { field: 'today', value: day });
  return day;
}

/** Active members of the tenant the dues job would suspend on `today` (YYYY-MM-DD). */
export async function findLapsed(db: Queryable, tenantId: number, today: string, graceDays: number): Promise<Member[]> {
  checkDay(today);
  // paid_until + grace < today  ⇔  paid_until < today − grace
  return listMembers(db, tenantId, { status: 'active', lapsingBefore: addDays(today, -graceDays) });
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
export async function lapsingWithin(db: Queryable, tenantId: number, today: string, days: number, graceDays: number): Promise<LapsingMember[]> {
  checkDay(today);
  if (!Number.isInteger(days) || days < 0) throw fail('INVALID_DAYS', { days });
  const members = await listMembers(db, tenantId, { status: 'active', lapsingBefore: addDays(today, days + 1) });
  return members
    .filter((m): m is Member & { paidUntil: string } => m.paidUntil !== null)
    .map((m) => ({ username: m.username, paidUntil: m.paidUntil, daysLeft: daysBetween(today, m.paidUntil), suspendsOn: suspendsOn(m.paidUntil, graceDays), plan: m.plan }))
    .sort((a, b) => (a.paidUntil < b.paidUntil ? -1 : a.paidUntil > b.paidUntil ? 1 : a.username < b.username ? -1 : 1));
}

/** "30d", "30" or "2w" → days. */
export function parseDays(text: string): number {
  const m = /^\s*(\d{1,5})\s*(d|w)?\s*$/i.exec(text);
  if (!m) throw fail('INVALID_DAYS', { value: text });
  return Number(m[1]) * (m[2]?.toLowerCase() === 'w' ? 7 : 1);
}
