/**
 * Resuming a member: the row (the next Access-Request is accepted, through
 * the NOTIFY-fed directory cache) and its audit entry. Where suspended
 * members are accepted into a restricted plan, their live sessions are still
 * in it: those get the member's own plan by CoA, or are disconnected so they
 * reconnect with it (coa/disconnect.ts pushChange).
 */
import { auditView } from './member-view.js';
import { pushChange, type DisconnectAttempt } from '../coa/disconnect.js';
import { insertAudit } from '../db/audit.js';
import { lockMember } from '../db/member-lock.js';
import { unknownMember } from '../db/member-rows.js';
import { getMember, resumeMember } from '../db/members.js';
import type { Member } from '../domain/member.js';
import type { LifecycleDeps } from './deps.js';
import { liveSessions } from './suspend.js';

export interface ResumeOptions {
  /** config.restrictedPlan: when set, live sessions of the suspended member sit in it and must be moved. */
  restrictedPlan?: string | null;
  /** Act only if this holds for the member as read under the lock. */
  onlyIf?: (member: Member) => boolean;
}

export interface ResumeReport {
  username: string;
  skipped: boolean;
  /** false when the member was not suspended. */
  changed: boolean;
  before: Member;
  after: Member;
  /** CoA or Disconnect sent to sessions still in the restricted plan. */
  pushed: DisconnectAttempt[];
  sessionsError: string | null;
}

export async function resume(deps: LifecycleDeps, username: string, opts: ResumeOptions = {}): Promise<ResumeReport> {
  const step = await deps.db.transaction(async (tx) => {
    await lockMember(tx, username);
    const before = await getMember(tx, username);
    if (!before) throw unknownMember(username);
    if (opts.onlyIf && !opts.onlyIf(before)) return { before, after: before, skipped: true, changed: false };
    if (before.status === 'active') return { before, after: before, skipped: false, changed: false };
    const after = await resumeMember(tx, username);
    await insertAudit(tx, { actor: deps.actor, action: 'member.resume', target: `member:${username}`, before: auditView(before), after: auditView(after) });
    return { before, after, skipped: false, changed: true };
  });
  const report: ResumeReport = { username, ...step, pushed: [], sessionsError: null };
  if (!step.changed || !opts.restrictedPlan) return report;
  const live = await liveSessions(deps, username);
  if ('error' in live) report.sessionsError = live.error;
  else if (live.sessions.length > 0) report.pushed = await pushChange(deps, step.after, live.sessions, 'resumed: leaving the restricted plan');
  return report;
}
