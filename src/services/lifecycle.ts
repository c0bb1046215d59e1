/**
 * A member's lifecycle: suspend, resume, the dues run and who lapses soon,
 * and what follows a change to a member (a payment, a new plan or address).
 * Each call is one transaction with its audit row, then the follow-up at the
 * NAS: Disconnect-Request for the live sessions of a suspended member (RFC
 * 5176 §2.1), CoA or Disconnect for those whose settings changed (§2.2).
 * Every daemon's directory cache picks the row up through NOTIFY, so the next
 * Access-Request sees it. The dues rules themselves (dates, grace) are in
 * lifecycle/dues.ts.
 */
import { disconnectSessions, pushChange, type CoaDeps, type DisconnectAttempt } from '../coa/disconnect.js';
import type { Config } from '../config/schema.js';
import { insertAudit } from '../db/audit.js';
import { enqueueEvent } from '../db/hooks.js';
import { lockMember } from '../db/member-lock.js';
import { getMember, resumeMember, suspendMember } from '../db/members.js';
import type { Member, SuspensionKind } from '../domain/member.js';
import type { LiveSession } from '../domain/session.js';
import { fail } from '../errors.js';
import { utcDate } from '../lifecycle/days.js';
import { checkDay, DUES_REASON, findLapsed, isLapsed, lapsingWithin, suspendsOn, type LapsingMember } from '../lifecycle/dues.js';
import { auditView } from '../lifecycle/member-view.js';
import { sessionsOfTenant } from '../lifecycle/tenant-sessions.js';
import type { Scope, ServiceDeps } from './deps.js';
import { checkReasonLength } from './field-text.js';
import { graceDaysOf, restrictedPlanOf } from './tenant-settings.js';

/** What acting on a member and its live sessions needs. */
export type LifecycleDeps = Pick<ServiceDeps, 'db' | 'sessions' | 'coa' | 'log' | 'now'>;
/** The configuration the dues rules read (the dues job has no more than this). */
type DuesConfig = { dues: Pick<Config['dues'], 'graceDays'> };
/** config.restrictedPlan: when set, suspended members' sessions sit in it and must be moved on resume. */
type RestrictedPlanConfig = Pick<Config, 'restrictedPlan'>;

/** What the Dynamic Authorization client needs of a service call: its deps and who acts. */
export const coaDeps = (deps: Pick<ServiceDeps, 'db' | 'coa' | 'log'>, scope: Scope): CoaDeps => ({ db: deps.db, coa: deps.coa, log: deps.log, actor: scope.actor.name });

export interface SuspendInput {
  username: string;
  /** Why, for whoever looks at the member later: required, at most REASON_MAX (500) characters once trimmed. */
  reason: string;
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

/** Suspends a member by an admin's hand (kind 'manual': only `resume` lifts it) and disconnects its live sessions. */
export async function suspend(deps: LifecycleDeps, scope: Scope, input: SuspendInput): Promise<SuspendReport> {
  const why = input.reason.trim();
  if (why === '') throw fail('INVALID_ARGUMENT', { missing: 'reason' });
  return suspendAs(deps, scope, input.username, checkReasonLength(why, 'reason'), 'manual');
}

/**
 * The suspension itself, by an admin ('manual') or the dues job ('dues'; a
 * new paid-until lifts it). `onlyIf` is checked on the member as read under
 * its lock: the dues job acts only on a member still active and still lapsed.
 */
async function suspendAs(deps: LifecycleDeps, scope: Scope, username: string, why: string, kind: SuspensionKind, onlyIf?: (m: Member) => boolean): Promise<SuspendReport> {
  const at = new Date(deps.now());
  const tenantId = scope.tenant.id;
  const step = await deps.db.transaction(async (tx) => {
    await lockMember(tx, tenantId, username);
    const before = await getMember(tx, tenantId, username);
    if (!before) throw fail('UNKNOWN_MEMBER', { username });
    if (onlyIf && !onlyIf(before)) return { before, after: before, skipped: true, changed: false };
    if (before.status === 'suspended' && before.suspendedReason === why && before.suspensionKind === kind) {
      return { before, after: before, skipped: false, changed: false };
    }
    // A new reason or kind for a member already suspended keeps the original date: "suspended since" is when logins stopped.
    const after = await suspendMember(tx, tenantId, username, why, before.suspendedAt ?? at, kind);
    await insertAudit(tx, { tenantId, actor: scope.actor.name, action: 'member.suspend', target: `member:${username}`, before: auditView(before), after: auditView(after) });
    // In the same transaction: the webhook event exists if and only if the suspension does.
    await enqueueEvent(tx, { tenantId: scope.tenant.id, event: 'member.suspended', data: { username, reason: why, kind, suspended_at: after.suspendedAt?.toISOString() ?? null } });
    return { before, after, skipped: false, changed: true };
  });
  const report: SuspendReport = { username, ...step, disconnects: [], sessionsError: null };
  if (step.skipped) return report;
  // Even when the row did not change: a session left over from a failed disconnect is cut now.
  const live = await liveSessions(deps, scope, username);
  if ('error' in live) report.sessionsError = live.error;
  else report.disconnects = await disconnectSessions(coaDeps(deps, scope), live.sessions, why);
  return report;
}

/** The member's open sessions (its tenant's only), or why they cannot be known (daemon not running in embedded mode, Redis down). */
async function liveSessions(deps: Pick<ServiceDeps, 'sessions'>, scope: Scope, username: string): Promise<{ sessions: LiveSession[] } | { error: string }> {
  try {
    return { sessions: sessionsOfTenant(await deps.sessions.listOpen({ username }), scope.tenant.id) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export interface ResumeInput {
  username: string;
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

/**
 * Lets a suspended member log in again. Where suspended members are accepted
 * into a restricted plan (the tenant's, else config.restrictedPlan), their
 * live sessions are still in it: those get the member's own plan by CoA, or
 * are disconnected so they reconnect with it (coa/disconnect.ts pushChange).
 */
export async function resume(deps: LifecycleDeps & { config: RestrictedPlanConfig }, scope: Scope, input: ResumeInput): Promise<ResumeReport> {
  return resumeAs(deps, scope, input.username, await restrictedPlanOf(deps.db, scope.tenant.id, deps.config.restrictedPlan));
}

async function resumeAs(deps: LifecycleDeps, scope: Scope, username: string, restrictedPlan: string | null, onlyIf?: (m: Member) => boolean): Promise<ResumeReport> {
  const tenantId = scope.tenant.id;
  const step = await deps.db.transaction(async (tx) => {
    await lockMember(tx, tenantId, username);
    const before = await getMember(tx, tenantId, username);
    if (!before) throw fail('UNKNOWN_MEMBER', { username });
    if (onlyIf && !onlyIf(before)) return { before, after: before, skipped: true, changed: false };
    if (before.status === 'active') return { before, after: before, skipped: false, changed: false };
    const after = await resumeMember(tx, tenantId, username);
    await insertAudit(tx, { tenantId, actor: scope.actor.name, action: 'member.resume', target: `member:${username}`, before: auditView(before), after: auditView(after) });
    await enqueueEvent(tx, { tenantId: scope.tenant.id, event: 'member.resumed', data: { username, was: { reason: before.suspendedReason, kind: before.suspensionKind } } });
    return { before, after, skipped: false, changed: true };
  });
  const report: ResumeReport = { username, ...step, pushed: [], sessionsError: null };
  if (!step.changed || !restrictedPlan) return report;
  const live = await liveSessions(deps, scope, username);
  if ('error' in live) report.sessionsError = live.error;
  else if (live.sessions.length > 0) report.pushed = await pushChange(coaDeps(deps, scope), step.after, live.sessions, 'resumed: leaving the restricted plan');
  return report;
}

export interface DuesRunInput {
  /** Only list who would be suspended. */
  dryRun?: boolean;
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
 * The dues run in the scope's tenant (its duesGraceDays, else config
 * dues.graceDays): suspends every active member past paid-until plus grace
 * with the reason "dues lapsed" (kind 'dues') and disconnects them; the dry
 * run only lists them. Each member is re-checked under its lock, so a
 * payment recorded meanwhile, or another daemon running the same job, is
 * not overridden.
 */
export async function runDues(deps: LifecycleDeps & { config: DuesConfig }, scope: Scope, input: DuesRunInput = {}): Promise<DuesRunReport> {
  const dryRun = input.dryRun ?? false;
  const today = checkDay(input.today ?? utcDate(deps.now()));
  const graceDays = await graceDaysOf(deps.db, scope.tenant.id, deps.config.dues.graceDays);
  const lapsedMembers = await findLapsed(deps.db, scope.tenant.id, today, graceDays);
  const lapsed = lapsedMembers.map((m) => ({ username: m.username, paidUntil: m.paidUntil ?? '', suspendsOn: suspendsOn(m.paidUntil ?? today, graceDays) }));
  const report: DuesRunReport = { today, graceDays, dryRun, lapsed, suspended: [] };
  if (dryRun) return report;
  const stillLapsed = (m: Member): boolean => m.status === 'active' && isLapsed(m.paidUntil, today, graceDays);
  // One at a time: a daily job over a handful of members; each disconnect waits for its NAS anyway.
  for (const m of lapsedMembers) {
    try {
      const r = await suspendAs(deps, scope, m.username, DUES_REASON, 'dues', stillLapsed);
      if (!r.skipped) report.suspended.push(r);
    } catch (e) {
      // One member deleted meanwhile must not stop the others.
      deps.log.error({ user: m.username, err: e instanceof Error ? e.message : String(e) }, 'dues: could not suspend');
    }
  }
  return report;
}

export interface LapsingInput {
  /** Whole days from today. */
  withinDays: number;
  /** YYYY-MM-DD; default: today in UTC by deps.now. */
  today?: string;
}

/** The tenant's active members whose dues run out within the period, or already in grace; soonest first (`dues list`, `member list --lapsing-within`). */
export async function listLapsing(deps: Pick<ServiceDeps, 'db' | 'now'> & { config: DuesConfig }, scope: Scope, input: LapsingInput): Promise<LapsingMember[]> {
  const graceDays = await graceDaysOf(deps.db, scope.tenant.id, deps.config.dues.graceDays);
  return lapsingWithin(deps.db, scope.tenant.id, input.today ?? utcDate(deps.now()), input.withinDays, graceDays);
}

export interface MemberChangeInput {
  /** The member before and after the committed change. */
  before: Member;
  after: Member;
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
export async function memberChanged(
  deps: LifecycleDeps & { config: DuesConfig & RestrictedPlanConfig },
  scope: Scope,
  input: MemberChangeInput,
): Promise<MemberChangeReport> {
  const { before, after } = input;
  const report: MemberChangeReport = { resumed: null, stillLapsed: false, pushed: [], sessionsError: null };
  const today = input.today ?? utcDate(deps.now());
  if (before.paidUntil !== after.paidUntil && after.status === 'suspended' && after.suspensionKind === 'dues') {
    if (isLapsed(after.paidUntil, today, await graceDaysOf(deps.db, scope.tenant.id, deps.config.dues.graceDays))) {
      report.stillLapsed = true;
    } else {
      const forDues = (m: Member): boolean => m.status === 'suspended' && m.suspensionKind === 'dues';
      const restrictedPlan = await restrictedPlanOf(deps.db, scope.tenant.id, deps.config.restrictedPlan);
      report.resumed = await resumeAs(deps, scope, after.username, restrictedPlan, forDues);
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
  const live = await liveSessions(deps, scope, member.username);
  if ('error' in live) {
    report.sessionsError = live.error;
    return report;
  }
  if (live.sessions.length === 0) return report;
  const reason = addressChanged ? 'address changed' : `plan changed to ${member.plan ?? 'none'}`;
  report.pushed = await pushChange(coaDeps(deps, scope), member, live.sessions, reason, { addressChanged });
  return report;
}
