/**
 * What a webhook may announce, and the data each event carries. A body is
 * `{ id, type, created_at, tenant, data }`; `data` is built here and never
 * holds a password, a shared secret or a token.
 */
import type { LiveSession } from '../domain/session.js';

export const HOOK_EVENTS = ['session.started', 'session.stopped', 'member.suspended', 'member.resumed', 'member.lapsing'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export const isHookEvent = (s: string): s is HookEvent => (HOOK_EVENTS as readonly string[]).includes(s);

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** session.started / session.stopped: who, where, since when, how much (RFC 2866 counters, Gigawords included). */
export function sessionData(s: LiveSession): Record<string, unknown> {
  return {
    username: s.username,
    nas: s.nas,
    session_id: s.acctSessionId,
    unique_id: s.uniqueId,
    framed_ip: s.framedIp,
    calling_station_id: s.callingStationId,
    start_time: iso(s.startTime),
    stop_time: iso(s.stopTime),
    seconds: s.sessionTime,
    input_octets: s.inputOctets,
    output_octets: s.outputOctets,
    terminate_cause: s.terminateCause,
  };
}

export interface SuspendedData {
  username: string;
  reason: string | null;
  kind: string | null;
  suspended_at: string | null;
}

export interface LapsingData {
  username: string;
  paid_until: string;
  days_left: number;
  suspends_on: string;
  plan: string | null;
}

/** The body as sent: built from the queued row alone, so that every attempt sends the same bytes. */
export function eventBody(row: { eventId: string; event: string; createdAt: Date; tenant: string; payload: unknown }): string {
  return JSON.stringify({ id: row.eventId, type: row.event, created_at: row.createdAt.toISOString(), tenant: row.tenant, data: row.payload });
}

/** A URL a hook may POST to: http or https, at most 2000 characters. */
export function isHookUrl(text: string): boolean {
  if (text.length > 2000) return false;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
