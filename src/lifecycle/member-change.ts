/**
 * What follows a `member set` on a member with live sessions or lapsed
 * dues, once the change is committed:
 * - a new paid-until on a member the dues job suspended (kind 'dues'; an
 *   admin's suspension stays, whatever its reason says) resumes it, when the
 *   new date is not lapsed itself (else the job would suspend it again);
 * - a new plan is pushed to live sessions as CoA where the NAS supports it,
 *   else they are disconnected; a new address always disconnects
 *   (coa/disconnect.ts pushChange says why).
 */
import { pushChange, type DisconnectAttempt } from '../coa/disconnect.js';
import type { Member } from '../domain/member.js';
import { nowOf, utcDate, type LifecycleDeps } from './deps.js';
import { isLapsed } from './dues.js';
import { resume, type ResumeReport } from './resume.js';
import { liveSessions } from './suspend.js';

export interface MemberChangeOptions {
  graceDays: number;
  restrictedPlan?: string | null;
  /** YYYY-MM-DD; default: today in UTC by deps.now. */
  today?: string;
}

export interface MemberChangeReport {
  /** Resumed because the new paid-until covers today. */
  resumed: ResumeReport | null;
  /** Suspended for dues, and the new paid-until is still lapsed: left suspended. */
  stillLapsed: boolean;
  /** CoA / Disconnect sent to live sessions for a plan or address change. */
  pushed: DisconnectAttempt[];
  sessionsError: string | null;
}

export async function memberChanged(deps: LifecycleDeps, before: Member, after: Member, opts: MemberChangeOptions): Promise<MemberChangeReport> {
  const report: MemberChangeReport = { resumed: null, stillLapsed: false, pushed: [], sessionsError: null };
  const today = opts.today ?? utcDate(nowOf(deps));
  const restrictedPlan = opts.restrictedPlan ?? null;
  if (before.paidUntil !== after.paidUntil && after.status === 'suspended' && after.suspensionKind === 'dues') {
    if (isLapsed(after.paidUntil, today, opts.graceDays)) {
      report.stillLapsed = true;
    } else {
      const forDues = (m: Member): boolean => m.status === 'suspended' && m.suspensionKind === 'dues';
      report.resumed = await resume(deps, after.username, { onlyIf: forDues, restrictedPlan });
      report.sessionsError = report.resumed.sessionsError;
      // Leaving the restricted plan already pushed the member's (new) plan.
      if (report.resumed.pushed.length > 0) return report;
    }
  }
  const member = report.resumed?.changed ? report.resumed.after : after;
  const addressChanged = before.ipv4 !== after.ipv4 || before.ipv6Prefix !== after.ipv6Prefix;
  const planChanged = before.plan !== after.plan;
  // A suspended member's sessions are gone, or sit in the restricted plan: nothing to push.
  if (member.status !== 'active' || (!addressChanged && !planChanged)) return report;
  const live = await liveSessions(deps, member.username);
  if ('error' in live) {
    report.sessionsError = live.error;
    return report;
  }
  if (live.sessions.length === 0) return report;
  const reason = addressChanged ? 'address changed' : `plan changed to ${member.plan ?? 'none'}`;
  report.pushed = await pushChange(deps, member, live.sessions, reason, { addressChanged });
  return report;
}
