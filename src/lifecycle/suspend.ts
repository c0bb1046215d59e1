/**
 * Suspending a member: the member row (which every daemon's directory cache
 * picks up through NOTIFY, so the next Access-Request is refused, or
 * accepted into the restricted plan), its audit entry, then a
 * Disconnect-Request for every live session (RFC 5176 §2.1) so the
 * suspension bites now rather than at the member's next login.
 */
import { auditView } from './member-view.js';
import { disconnectSessions, type DisconnectAttempt } from '../coa/disconnect.js';
import { insertAudit } from '../db/audit.js';
import { lockMember } from '../db/member-lock.js';
import { unknownMember } from '../db/member-rows.js';
import { getMember, suspendMember } from '../db/members.js';
import type { Member, SuspensionKind } from '../domain/member.js';
import type { LiveSession } from '../domain/session.js';
import { RadassocError } from '../errors.js';
import { nowOf, type LifecycleDeps } from './deps.js';

export interface SuspendOptions {
  /** Who suspends: 'manual' (an admin, the default) or 'dues' (the dues job; a new paid-until lifts it). */
  kind?: SuspensionKind;
  /** Act only if this holds for the member as read under the lock (the dues job: still active and still lapsed). */
  onlyIf?: (member: Member) => boolean;
}

export interface SuspendReport {
  username: string;
  /** The guard declined: nothing changed, nothing was disconnected. */
  skipped: boolean;
  /** The row changed (false when already suspended for the same reason and kind). */
  changed: boolean;
  before: Member;
  after: Member;
  disconnects: DisconnectAttempt[];
  /** Live sessions could not be read, so none were disconnected: the words say why. */
  sessionsError: string | null;
}

export async function suspend(deps: LifecycleDeps, username: string, reason: string, opts: SuspendOptions = {}): Promise<SuspendReport> {
  const why = reason.trim();
  if (why === '') throw new RadassocError('INVALID_ARGUMENT', 'say why with --reason TEXT, e.g. --reason "dues unpaid since March"');
  const kind = opts.kind ?? 'manual';
  const at = new Date(nowOf(deps));
  const step = await deps.db.transaction(async (tx) => {
    await lockMember(tx, username);
    const before = await getMember(tx, username);
    if (!before) throw unknownMember(username);
    if (opts.onlyIf && !opts.onlyIf(before)) return { before, after: before, skipped: true, changed: false };
    if (before.status === 'suspended' && before.suspendedReason === why && before.suspensionKind === kind) {
      return { before, after: before, skipped: false, changed: false };
    }
    // A new reason or kind for a member already suspended keeps the original date: "suspended since" is when logins stopped.
    const after = await suspendMember(tx, username, why, before.suspendedAt ?? at, kind);
    await insertAudit(tx, { actor: deps.actor, action: 'member.suspend', target: `member:${username}`, before: auditView(before), after: auditView(after) });
    return { before, after, skipped: false, changed: true };
  });
  const report: SuspendReport = { username, ...step, disconnects: [], sessionsError: null };
  if (step.skipped) return report;
  // Even when the row did not change: a session left over from a failed disconnect is cut now.
  const live = await liveSessions(deps, username);
  if ('error' in live) report.sessionsError = live.error;
  else report.disconnects = await disconnectSessions(deps, live.sessions, why);
  return report;
}

/** The member's open sessions, or why they cannot be known (daemon not running in embedded mode, Redis down). */
export async function liveSessions(deps: Pick<LifecycleDeps, 'store'>, username: string): Promise<{ sessions: LiveSession[] } | { error: string }> {
  try {
    return { sessions: await deps.store.listOpen({ username }) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
