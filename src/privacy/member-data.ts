/**
 * Everything radassoc holds about one member of one tenant, as one JSON
 * document (a member's right of access, GDPR art. 15; docs/privacy.md names
 * the sections). Never a password, a password hash, a token's digest or a
 * shared secret: the account is the member as people see it (the kind of
 * credential kept, not the credential), plan attributes such as
 * Tunnel-Password are redacted, audit entries were redacted when written.
 */
import { listAudit, type JsonValue } from '../db/audit.js';
import { authLogOf } from '../db/auth-log.js';
import type { Queryable } from '../db/db.js';
import { recentDisconnects } from '../db/disconnect-log.js';
import { getMember } from '../db/members.js';
import { memberSpaceLogins } from '../db/member-space.js';
import { getPlan } from '../db/plans.js';
import { memberSessions } from '../db/usage-history.js';
import { memberMonthlyTotals } from '../db/usage-totals.js';
import type { PlanAttribute } from '../domain/plan.js';
import type { TenantRef } from '../domain/tenant.js';
import { memberView, type MemberView } from '../lifecycle/member-view.js';
import { shownAttributes } from '../services/plan-attributes.js';

/** The section names, stable: scripts and the association's own answers rely on them. */
export const MEMBER_DATA_SECTIONS = [
  'account',
  'plan',
  'sessions',
  'monthly_totals',
  'authentication_attempts',
  'audit_entries',
  'disconnects',
  'member_space_logins',
] as const;

export interface MemberData {
  username: string;
  tenant: string;
  /** When the export was made, ISO 8601 UTC. */
  generated_at: string;
  /** The member record, without its credential; null once the member was removed. */
  account: MemberView | null;
  plan: { name: string; attributes: PlanAttribute[] } | null;
  sessions: Array<{
    unique_id: string;
    nas: string;
    acct_session_id: string;
    start: string;
    stop: string | null;
    last_update: string;
    seconds: number;
    input_octets: number;
    output_octets: number;
    input_packets: number;
    output_packets: number;
    terminate_cause: string | null;
    framed_ip: string | null;
    calling_station_id: string | null;
    nas_port_id: string | null;
    class_hex: string | null;
  }>;
  monthly_totals: Array<{ month: string; sessions: number; seconds: number; input_octets: number; output_octets: number }>;
  authentication_attempts: Array<{ time: string; nas: string; method: string; result: string; reason: string | null; calling_station_id: string | null }>;
  audit_entries: Array<{ time: string; actor: string; action: string; target: string; before: JsonValue; after: JsonValue }>;
  disconnects: Array<{
    time: string;
    nas: string;
    kind: string;
    outcome: string;
    acct_session_id: string | null;
    reason: string | null;
    actor: string;
  }>;
  member_space_logins: Array<{ created_at: string; expires_at: string; revoked_at: string | null }>;
}

/** Enough for a lifetime of rows under any retention: `member data` reads everything, not a page. */
const EVERYTHING = 1_000_000;

export async function memberData(q: Queryable, tenant: TenantRef, username: string, now: number): Promise<MemberData> {
  const member = await getMember(q, tenant.id, username);
  const plan = member?.plan ? await getPlan(q, tenant.id, member.plan) : null;
  const iso = (d: Date): string => d.toISOString();
  return {
    username,
    tenant: tenant.name,
    generated_at: new Date(now).toISOString(),
    account: member ? memberView(member) : null,
    plan: plan ? { name: plan.name, attributes: shownAttributes(plan.attributes) } : null,
    sessions: (await memberSessions(q, tenant.id, username)).map((s) => ({
      unique_id: s.uniqueId,
      nas: s.nas,
      acct_session_id: s.acctSessionId,
      start: iso(s.startTime),
      stop: s.stopTime ? iso(s.stopTime) : null,
      last_update: iso(s.lastUpdate),
      seconds: s.seconds,
      input_octets: s.inputOctets,
      output_octets: s.outputOctets,
      input_packets: s.inputPackets,
      output_packets: s.outputPackets,
      terminate_cause: s.terminateCause,
      framed_ip: s.framedIp,
      calling_station_id: s.callingStationId,
      nas_port_id: s.nasPortId,
      class_hex: s.classHex,
    })),
    monthly_totals: (await memberMonthlyTotals(q, tenant.id, username)).map((t) => ({
      month: new Date(t.month).toISOString().slice(0, 7),
      sessions: t.sessions,
      seconds: t.seconds,
      input_octets: t.inputOctets,
      output_octets: t.outputOctets,
    })),
    authentication_attempts: (await authLogOf(q, tenant.id, username)).map((a) => ({
      time: iso(a.time),
      nas: a.nas,
      method: a.method,
      result: a.result,
      reason: a.reason,
      calling_station_id: a.callingStationId,
    })),
    audit_entries: (await listAudit(q, tenant.id, { target: `member:${username}`, limit: EVERYTHING }))
      .reverse()
      .map((e) => ({ time: iso(e.time), actor: e.actor, action: e.action, target: e.target, before: e.before, after: e.after })),
    disconnects: (await recentDisconnects(q, username, EVERYTHING, tenant.id)).reverse().map((d) => ({
      time: iso(d.time),
      nas: d.nas,
      kind: d.kind,
      outcome: d.outcome,
      acct_session_id: d.acctSessionId,
      reason: d.reason,
      actor: d.actor,
    })),
    member_space_logins: (await memberSpaceLogins(q, tenant.id, username)).map((l) => ({
      created_at: iso(l.createdAt),
      expires_at: iso(l.expiresAt),
      revoked_at: l.revokedAt ? iso(l.revokedAt) : null,
    })),
  };
}

/** Whether anything at all is held: a name that never was a member (nor left anything) is "not found". */
export function holdsAnything(d: MemberData): boolean {
  return d.account !== null || MEMBER_DATA_SECTIONS.some((s) => Array.isArray(d[s]) && (d[s] as unknown[]).length > 0);
}
