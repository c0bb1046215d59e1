/**
 * `radassoc diagnose <username>`: everything a volunteer needs to answer "my
 * line doesn't work", gathered into one typed Diagnosis (the --json output)
 * with a summary in plain sentences: status and why, plan and addresses,
 * dues, the last authentication attempts with their reason, live and
 * finished sessions, the last Disconnect/CoA requests.
 */
import { servedMethods } from './member-view.js';
import { describeAttempt } from '../coa/disconnect.js';
import type { Queryable } from '../db/db.js';
import { recentAuthLog } from '../db/auth-log.js';
import { recentDisconnects, type DisconnectKind, type DisconnectOutcome } from '../db/disconnect-log.js';
import { getMember } from '../db/members.js';
import { getPlan } from '../db/plans.js';
import { recentFinishedSessions } from '../db/usage-history.js';
import type { RejectReason } from '../domain/auth-result.js';
import type { AuthMethod, MemberStatus, SuspensionKind } from '../domain/member.js';
import type { PlanAttribute } from '../domain/plan.js';
import type { LiveSessionSource } from '../services/deps.js';
import { nowOf, utcDate } from './days.js';
import { attemptWords } from './diagnose-words.js';
import { suspendsOn } from './dues.js';
import { summarize } from './diagnose-summary.js';
import { recentNasDrops, type NasDrops } from './nas-diagnose.js';
import { sessionsOfTenant } from './tenant-sessions.js';

export interface DiagnoseDeps {
  db: Queryable;
  /** The tenant whose member is diagnosed: nothing of another tenant's is read. */
  tenantId: number;
  store: LiveSessionSource;
  /** The tenant's reply messages over config.replyMessages: what the member's router is told on a reject. */
  replyMessages: Record<RejectReason, string>;
  /** The tenant's restricted plan, else config.restrictedPlan */
  restrictedPlan: string | null;
  /** The tenant's dues grace, else config.dues.graceDays */
  graceDays: number;
  now?: () => number;
}

export type DuesState = 'untracked' | 'paid' | 'grace' | 'lapsed';

export interface Diagnosis {
  username: string;
  /** ISO 8601, when this was gathered. */
  at: string;
  found: boolean;
  status: MemberStatus | 'unknown';
  /** Plain sentences, the most important first. */
  summary: string[];
  member: {
    plan: string | null;
    /** The plan's reply attributes; null when the member has no plan. */
    planAttributes: PlanAttribute[] | null;
    ipv4: string | null;
    ipv6Prefix: string | null;
    maxSessions: number | null;
    /** Methods the member is allowed, and those its stored password can check. */
    authMethods: AuthMethod[];
    serves: AuthMethod[];
    suspendedReason: string | null;
    /** 'dues': the dues job suspended, a new paid-until resumes; 'manual': only `member resume` does. */
    suspensionKind: SuspensionKind | null;
    suspendedSince: string | null;
  } | null;
  dues: { paidUntil: string | null; state: DuesState; suspendsOn: string | null; graceDays: number };
  logins: Array<{ time: string; nas: string; method: string; result: 'accept' | 'reject'; reason: string | null; words: string }>;
  /** null when they could not be read (see liveSessionsError). */
  liveSessions: Array<{
    nas: string;
    acctSessionId: string;
    uniqueId: string;
    framedIp: string | null;
    callingStationId: string | null;
    startedAt: string;
    seconds: number;
    lastUpdate: string;
  }> | null;
  liveSessionsError: string | null;
  finishedSessions: Array<{
    nas: string;
    acctSessionId: string;
    start: string;
    stop: string;
    seconds: number;
    terminateCause: string | null;
    inputOctets: number;
    outputOctets: number;
    framedIp: string | null;
  }>;
  disconnects: Array<{
    time: string;
    nas: string;
    acctSessionId: string | null;
    uniqueId: string | null;
    kind: DisconnectKind;
    outcome: DisconnectOutcome;
    errorCause: number | null;
    attempts: number;
    actor: string;
    reason: string | null;
    words: string;
  }>;
  /** Drops in the last hour by the NAS this member logs in or is online through (`nas diagnose` tells more). */
  nasDrops: NasDrops[];
}

export interface DiagnoseLimits {
  logins?: number;
  finished?: number;
  disconnects?: number;
}

function duesOf(paidUntil: string | null, today: string, graceDays: number): Diagnosis['dues'] {
  if (paidUntil === null) return { paidUntil, state: 'untracked', suspendsOn: null, graceDays };
  const on = suspendsOn(paidUntil, graceDays);
  const state: DuesState = paidUntil >= today ? 'paid' : on > today ? 'grace' : 'lapsed';
  return { paidUntil, state, suspendsOn: on, graceDays };
}

async function readLive(store: LiveSessionSource, tenantId: number, username: string, now: number): Promise<Pick<Diagnosis, 'liveSessions' | 'liveSessionsError'>> {
  try {
    const open = sessionsOfTenant(await store.listOpen({ username }), tenantId);
    return {
      liveSessionsError: null,
      liveSessions: open.map((s) => ({
        nas: s.nas,
        acctSessionId: s.acctSessionId,
        uniqueId: s.uniqueId,
        framedIp: s.framedIp,
        callingStationId: s.callingStationId,
        startedAt: new Date(s.startTime).toISOString(),
        seconds: Math.max(0, Math.round((now - s.startTime) / 1000)),
        lastUpdate: new Date(s.lastUpdate).toISOString(),
      })),
    };
  } catch (e) {
    return { liveSessions: null, liveSessionsError: e instanceof Error ? e.message : String(e) };
  }
}

export async function diagnose(deps: DiagnoseDeps, username: string, limits: DiagnoseLimits = {}): Promise<Diagnosis> {
  const now = nowOf(deps);
  const today = utcDate(now);
  const [member, logins, finished, disconnects, live] = await Promise.all([
    getMember(deps.db, deps.tenantId, username),
    recentAuthLog(deps.db, deps.tenantId, username, limits.logins ?? 10),
    recentFinishedSessions(deps.db, username, limits.finished ?? 5, deps.tenantId),
    recentDisconnects(deps.db, username, limits.disconnects ?? 5, deps.tenantId),
    readLive(deps.store, deps.tenantId, username, now),
  ]);
  const plan = member?.plan ? await getPlan(deps.db, deps.tenantId, member.plan) : null;
  const viaNas = new Set([...logins.map((l) => l.nas), ...(live.liveSessions ?? []).map((s) => s.nas), ...finished.map((s) => s.nas)]);
  const nasDrops = await recentNasDrops(deps.db, [...viaNas], now);
  const d: Diagnosis = {
    username,
    at: new Date(now).toISOString(),
    found: member !== null,
    status: member?.status ?? 'unknown',
    summary: [],
    member: member && {
      plan: member.plan,
      planAttributes: member.plan ? (plan?.attributes ?? []) : null,
      ipv4: member.ipv4,
      ipv6Prefix: member.ipv6Prefix,
      maxSessions: member.maxSessions,
      authMethods: member.authMethods,
      serves: servedMethods(member.credential).filter((m) => member.authMethods.includes(m)),
      suspendedReason: member.suspendedReason,
      suspensionKind: member.suspensionKind,
      suspendedSince: member.suspendedAt?.toISOString() ?? null,
    },
    dues: duesOf(member?.paidUntil ?? null, today, deps.graceDays),
    logins: logins.map((l) => ({
      time: l.time.toISOString(),
      nas: l.nas,
      method: l.method,
      result: l.result,
      reason: l.reason,
      words: attemptWords(l.result, l.reason, l.method),
    })),
    ...live,
    finishedSessions: finished.map((s) => ({
      nas: s.nas,
      acctSessionId: s.acctSessionId,
      start: s.startTime.toISOString(),
      stop: s.stopTime.toISOString(),
      seconds: s.seconds,
      terminateCause: s.terminateCause,
      inputOctets: s.inputOctets,
      outputOctets: s.outputOctets,
      framedIp: s.framedIp,
    })),
    disconnects: disconnects.map((x) => ({
      time: x.time.toISOString(),
      nas: x.nas,
      acctSessionId: x.acctSessionId,
      uniqueId: x.uniqueId,
      kind: x.kind,
      outcome: x.outcome,
      errorCause: x.errorCause,
      attempts: x.attempts,
      actor: x.actor,
      reason: x.reason,
      words: describeAttempt({ ...x, uniqueId: x.uniqueId ?? '', acctSessionId: x.acctSessionId ?? '?' }),
    })),
    nasDrops,
  };
  d.summary = summarize(d, { replyMessages: deps.replyMessages, restrictedPlan: deps.restrictedPlan, today });
  return d;
}
