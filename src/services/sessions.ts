/**
 * Live sessions: who is online, and cutting sessions at their NAS
 * (Disconnect-Request, RFC 5176 §2.1) without suspending anyone: the member
 * may log in again at once. Every request is recorded in disconnect_log (for
 * `diagnose`) and the disconnect as a whole in the audit log.
 *
 * A scope sees and cuts only its tenant's sessions: another tenant's session
 * is "not found", exactly as one that does not exist, and the same username
 * in another tenant is another member.
 */
import { disconnectSessions, type DisconnectAttempt } from '../coa/disconnect.js';
import { insertAudit } from '../db/audit.js';
import { memberExistsIn } from '../db/members.js';
import { tenantNames } from './tenant-names.js';
import { sessionTenant, type LiveSession } from '../domain/session.js';
import { fail } from '../errors.js';
import type { Scope, LiveSessionSource, ReadScope, ServiceDeps } from './deps.js';
import { checkReasonLength } from './field-text.js';
import { coaDeps } from './lifecycle.js';
import { visibleNas } from './nas.js';

export interface SessionFilter {
  /** Only this member's sessions. */
  username?: string;
  /** Only sessions on this NAS. */
  nas?: string;
}

export interface ListedSession extends LiveSession {
  /** Seconds online at the time of listing. */
  seconds: number;
  /** Deployment-wide listings only: the tenant's name, null for a session held unattributed. */
  tenant?: string | null;
}

type ListDeps = Pick<ServiceDeps, 'db' | 'sessions' | 'now'>;

/** Open sessions of the scope's tenant (or, deployment-wide, of every tenant, each marked), by member then start time. */
export async function listSessions(deps: ListDeps, scope: ReadScope, filter: SessionFilter = {}): Promise<ListedSession[]> {
  const nas = filter.nas !== undefined ? { nas: filter.nas } : {};
  let sessions: LiveSession[];
  let names: Map<number, string> | null = null;
  if (scope.tenant === 'all') {
    // A username is per tenant: deployment-wide, every tenant's member of that name.
    sessions = (await deps.sessions.listOpen(nas)).filter((s) => filter.username === undefined || s.username === filter.username);
    names = await tenantNames(deps.db);
  } else {
    sessions = await deps.sessions.listOpen({ ...nas, tenantId: scope.tenant.id, ...(filter.username !== undefined ? { username: filter.username } : {}) });
  }
  const now = deps.now();
  const tenantName = (s: LiveSession): string | null => {
    const id = sessionTenant(s);
    return id === null ? null : (names?.get(id) ?? String(id));
  };
  const listed: ListedSession[] = sessions.map((s) => ({
    ...s,
    seconds: Math.max(0, Math.round((now - s.startTime) / 1000)),
    ...(names ? { tenant: tenantName(s) } : {}),
  }));
  return listed.sort(listOrder);
}

/** Where a page of sessions ends: the listing order's key of its last session. */
export interface SessionCursor {
  tenant: string | null;
  username: string;
  startTime: number;
  uniqueId: string;
}

/** The listing order: tenant (deployment-wide), member, start, then the unique id, so that every session has one place. */
function listOrder(x: SessionCursor | ListedSession, y: SessionCursor | ListedSession): number {
  const tx = ('tenant' in x ? x.tenant : null) ?? '';
  const ty = ('tenant' in y ? y.tenant : null) ?? '';
  return tx.localeCompare(ty) || x.username.localeCompare(y.username) || x.startTime - y.startTime || (x.uniqueId < y.uniqueId ? -1 : x.uniqueId > y.uniqueId ? 1 : 0);
}

export interface SessionPage {
  sessions: ListedSession[];
  /** Open sessions matching the filter, on every page. */
  open: number;
  /** The key of this page's last session when more follow; null on the last page. */
  next: SessionCursor | null;
}

/**
 * One page of listSessions, after `after` in the same order. Each page reads
 * the scope's open sessions (one script call over the tenant's own index,
 * lua/common.ts), then sorts and cuts: the page bounds what a client
 * receives; what Redis reads is one tenant's sessions, not the deployment's.
 */
export async function pageSessions(deps: ListDeps, scope: ReadScope, filter: SessionFilter, page: { after?: SessionCursor; limit: number }): Promise<SessionPage> {
  const all = await listSessions(deps, scope, filter);
  const after = page.after;
  const from = after === undefined ? 0 : all.findIndex((s) => listOrder(s, after) > 0);
  const rest = from < 0 ? [] : all.slice(from);
  const sessions = rest.slice(0, page.limit);
  const last = sessions[sessions.length - 1];
  const more = rest.length > sessions.length && last !== undefined;
  return {
    sessions,
    open: all.length,
    next: more ? { tenant: last.tenant ?? null, username: last.username, startTime: last.startTime, uniqueId: last.uniqueId } : null,
  };
}

export interface DisconnectInput {
  /** Every open session of this member… */
  username?: string;
  /** …or one session: our unique id, or the NAS's Acct-Session-Id. */
  session?: string;
  /**
   * Only sessions on this NAS, one the tenant has (else UNKNOWN_NAS): with
   * `username`, the member's there; with `session`, the one there when
   * several NAS use the same Acct-Session-Id.
   */
  nas?: string;
  /** Recorded with each request, at most REASON_MAX (500) characters; default "disconnect requested". */
  reason?: string;
}

export interface DisconnectReport {
  /** The member named, or the one the session belongs to. */
  username: string;
  reason: string;
  /** One per session: which NAS, and what it answered. */
  disconnects: DisconnectAttempt[];
  /** How many were not acknowledged (NAK, timeout, not sent). */
  unconfirmed: number;
}

export const DEFAULT_DISCONNECT_REASON = 'disconnect requested';

export async function disconnect(deps: Pick<ServiceDeps, 'db' | 'sessions' | 'coa' | 'log'>, scope: Scope, input: DisconnectInput): Promise<DisconnectReport> {
  if ((input.username === undefined) === (input.session === undefined)) throw fail('MEMBER_OR_SESSION', {});
  const reason = input.reason === undefined ? DEFAULT_DISCONNECT_REASON : checkReasonLength(input.reason, 'reason');
  const tenantId = scope.tenant.id;
  // A NAS name mistyped would otherwise find no session and send nothing, as if all were well.
  if (input.nas !== undefined) await visibleNas(deps.db, tenantId, input.nas);
  const sessions =
    input.session !== undefined
      ? [await findSession(deps.sessions, tenantId, input.session, input.nas)]
      : await memberSessions(deps, tenantId, input.username ?? '', input.nas);
  const username = input.username ?? sessions[0]?.username ?? '';
  const disconnects = await disconnectSessions(coaDeps(deps, scope), sessions, reason);
  if (disconnects.length > 0) {
    await insertAudit(deps.db, {
      tenantId: scope.tenant.id,
      actor: scope.actor.name,
      action: 'session.disconnect',
      target: `member:${username}`,
      after: { reason, sessions: disconnects.map(attemptRecord) },
    });
  }
  return { username, reason, disconnects, unconfirmed: disconnects.filter((a) => a.outcome !== 'ack').length };
}

/** One attempt as a record: what the audit row keeps and what `--json` prints. */
export type AttemptRecord = {
  nas: string;
  acct_session_id: string;
  unique_id: string;
  kind: DisconnectAttempt['kind'];
  outcome: DisconnectAttempt['outcome'];
  error_cause: number | null;
  attempts: number;
  ms: number;
  detail: string | null;
};

export function attemptRecord(a: DisconnectAttempt): AttemptRecord {
  return {
    nas: a.nas,
    acct_session_id: a.acctSessionId,
    unique_id: a.uniqueId,
    kind: a.kind,
    outcome: a.outcome,
    error_cause: a.errorCause,
    attempts: a.attempts,
    ms: a.ms,
    detail: a.detail,
  };
}

/**
 * A session of `tenantId` by our unique id, else by the NAS's Acct-Session-Id
 * (narrowed by `nas` when several NAS use it; a unique id on another NAS is
 * not the one meant). Another tenant's session is not found, whatever its
 * state: nothing in the refusal says it exists.
 */
async function findSession(source: LiveSessionSource, tenantId: number, id: string, nas: string | undefined): Promise<LiveSession> {
  const found = await source.getSession(id);
  const byUnique = found && sessionTenant(found) === tenantId && (nas === undefined || found.nas === nas) ? found : null;
  if (byUnique && byUnique.stopTime === null) return byUnique;
  const open = (await source.listOpen({ tenantId, ...(nas === undefined ? {} : { nas }) })).filter((s) => s.acctSessionId === id);
  if (open.length === 1) return open[0]!;
  if (open.length > 1) throw fail('AMBIGUOUS_SESSION', { session: id, nas: open.map((s) => s.nas).sort() });
  throw fail('UNKNOWN_SESSION', { session: id, ended: byUnique !== null });
}

/**
 * The open sessions of `username` in `tenantId`, on `nas` only when given. A
 * name that is no member there is refused (usually a typo), unless sessions
 * are still open under it (a member removed while online): those can still
 * be cut.
 */
async function memberSessions(deps: Pick<ServiceDeps, 'db' | 'sessions'>, tenantId: number, username: string, nas: string | undefined): Promise<LiveSession[]> {
  const filter = { tenantId, username, ...(nas === undefined ? {} : { nas }) };
  if (await memberExistsIn(deps.db, tenantId, username)) return deps.sessions.listOpen(filter);
  const leftOver = await deps.sessions.listOpen(filter).catch(() => []);
  if (leftOver.length === 0) throw fail('UNKNOWN_MEMBER', { username });
  return leftOver;
}
