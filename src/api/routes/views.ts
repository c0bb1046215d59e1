/** Service results as the API's bodies (schemas.ts): the CLI's --json field names, snake_case. */
import type { DisconnectAttempt } from '../../coa/disconnect.js';
import type { LiveSession } from '../../domain/session.js';
import { memberView } from '../../lifecycle/member-view.js';
import type { ResumeReport, SuspendReport } from '../../services/lifecycle.js';
import type { MemberChangeReport } from '../../services/members.js';
import { attemptRecord, type ListedSession } from '../../services/sessions.js';
import type { MemberFields } from '../../services/members.js';
import { ALL_AUTH_METHODS } from '../../domain/member.js';
import { fail } from '../../errors.js';

export const attempts = (list: readonly DisconnectAttempt[]): ReturnType<typeof attemptRecord>[] => list.map(attemptRecord);

export const suspendResult = (r: SuspendReport) => ({
  member: memberView(r.after),
  changed: r.changed,
  disconnects: attempts(r.disconnects),
  sessions_error: r.sessionsError,
});

export const resumeResult = (r: ResumeReport) => ({
  member: memberView(r.after),
  changed: r.changed,
  pushed: attempts(r.pushed),
  sessions_error: r.sessionsError,
});

export const followResult = (f: MemberChangeReport) => ({
  resumed: f.resumed?.changed ?? false,
  still_lapsed: f.stillLapsed,
  pushed: attempts([...(f.resumed?.pushed ?? []), ...f.pushed]),
  sessions_error: f.sessionsError,
});

export const sessionView = (s: ListedSession | (LiveSession & { seconds: number })) => ({
  unique_id: s.uniqueId,
  nas: s.nas,
  acct_session_id: s.acctSessionId,
  username: s.username,
  framed_ip: s.framedIp,
  calling_station_id: s.callingStationId,
  nas_port_id: s.nasPortId,
  start_time: new Date(s.startTime).toISOString(),
  last_update: new Date(s.lastUpdate).toISOString(),
  seconds: s.seconds,
  input_octets: s.inputOctets,
  output_octets: s.outputOctets,
});

/** The body's member fields as the services take them: absent stays, null clears. */
export function memberFields(b: {
  plan?: string | null | undefined;
  ipv4?: string | null | undefined;
  ipv6_prefix?: string | null | undefined;
  max_sessions?: number | null | undefined;
  paid_until?: string | null | undefined;
  line?: string | null | undefined;
}): MemberFields {
  const f: MemberFields = {};
  if (b.plan !== undefined) f.plan = b.plan;
  if (b.ipv4 !== undefined) f.ipv4 = b.ipv4;
  if (b.ipv6_prefix !== undefined) f.ipv6Prefix = b.ipv6_prefix;
  if (b.max_sessions !== undefined) f.maxSessions = b.max_sessions;
  if (b.paid_until !== undefined) f.paidUntil = b.paid_until;
  if (b.line !== undefined) f.lineId = b.line;
  return f;
}

/** "all" or a list, as the services' method list; undefined: the default (add) or unchanged (passwd, set). */
export const authMethods = (auth: 'all' | readonly string[] | undefined): readonly string[] | undefined =>
  auth === undefined ? undefined : auth === 'all' ? ALL_AUTH_METHODS : auth;

/** ?limit= of a listing (its schema took digits only): 1 to 1000, 100 when absent. */
export function pageSize(text: string | undefined): number {
  const n = text === undefined ? 100 : Number(text);
  if (n < 1 || n > 1000) throw fail('API_INVALID_REQUEST', { fields: [{ path: 'query.limit', message: 'a whole number from 1 to 1000' }] });
  return n;
}

/** Opaque page cursors: base64url of the last key of a page. */
export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return key === '' ? null : key;
}

/** The refusal of a cursor this API did not give (any page's). */
export const notOurCursor = () => fail('API_INVALID_REQUEST', { fields: [{ path: 'query.cursor', message: 'not a cursor this API gave' }] });

/** A cursor given as JSON (encodeCursor of JSON.stringify): the object in it, or null for anything else. */
export function decodeJsonCursor(cursor: string): Record<string, unknown> | null {
  const text = decodeCursor(cursor);
  if (text === null) return null;
  try {
    const k: unknown = JSON.parse(text);
    return typeof k === 'object' && k !== null && !Array.isArray(k) ? (k as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * A member page's cursor: the last username, in an object of that one key,
 * so that a cursor the API never gave is told apart (any text could be a
 * username); anything else is a field error.
 */
export const encodeMemberCursor = (username: string): string => encodeCursor(JSON.stringify({ u: username }));
export function decodeMemberCursor(cursor: string): string {
  const k = decodeJsonCursor(cursor);
  if (k === null || Object.keys(k).length !== 1 || typeof k.u !== 'string' || k.u === '') throw notOurCursor();
  return k.u;
}
