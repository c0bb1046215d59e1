/**
 * What `import freeradius` reads of the target and writes to it: members,
 * plans and NAS clients of one tenant as the import compares them, and
 * imported sessions. Writes run in the caller's transaction.
 */
import type { AuthMethod, SuspensionKind } from '../domain/member.js';
import type { PlanAttribute } from '../domain/plan.js';
import type { ImportedSession } from '../migrate/radacct-usage.js';
import type { Queryable } from './db.js';
import { num, numOrNull, str, strArray, strOrNull } from './rows.js';

/** A member as the import compares it. */
export interface TargetMember {
  username: string;
  cleartext: string | null;
  /** 32 hex digits. */
  ntHash: string | null;
  strongHash: string | null;
  legacyHash: string | null;
  authMethods: AuthMethod[];
  plan: string | null;
  replyAttributes: PlanAttribute[];
  ipv4: string | null;
  ipv6Prefix: string | null;
  maxSessions: number | null;
  paidUntil: string | null;
  status: 'active' | 'suspended';
  suspendedReason: string | null;
}

function attributes(v: unknown): PlanAttribute[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((a): a is PlanAttribute => typeof a === 'object' && a !== null && typeof a.name === 'string' && typeof a.value === 'string')
    .map((a) => ({ name: a.name, value: a.value }));
}

export async function tenantMembers(q: Queryable, tenantId: number): Promise<Map<string, TargetMember>> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT username, cleartext, encode(nt_hash, 'hex') AS nt_hash, strong_hash, legacy_hash, auth_methods, plan,
       reply_attributes, host(ipv4) AS ipv4, ipv6_prefix::text AS ipv6_prefix, max_sessions,
       to_char(paid_until, 'YYYY-MM-DD') AS paid_until, status, suspended_reason
     FROM members WHERE tenant_id = $1`,
    [tenantId],
  );
  const out = new Map<string, TargetMember>();
  for (const row of r.rows) {
    const m: TargetMember = {
      username: str(row.username),
      cleartext: strOrNull(row.cleartext),
      ntHash: strOrNull(row.nt_hash),
      strongHash: strOrNull(row.strong_hash),
      legacyHash: strOrNull(row.legacy_hash),
      authMethods: strArray(row.auth_methods) as AuthMethod[],
      plan: strOrNull(row.plan),
      replyAttributes: attributes(row.reply_attributes),
      ipv4: strOrNull(row.ipv4),
      ipv6Prefix: strOrNull(row.ipv6_prefix),
      maxSessions: numOrNull(row.max_sessions),
      paidUntil: strOrNull(row.paid_until),
      status: str(row.status) === 'suspended' ? 'suspended' : 'active',
      suspendedReason: strOrNull(row.suspended_reason),
    };
    out.set(m.username, m);
  }
  return out;
}

export interface TargetPlan {
  name: string;
  attributes: PlanAttribute[];
}

export async function tenantPlans(q: Queryable, tenantId: number): Promise<Map<string, TargetPlan>> {
  const r = await q.query<Record<string, unknown>>('SELECT name, attributes FROM plans WHERE tenant_id = $1', [tenantId]);
  return new Map(r.rows.map((row) => [str(row.name), { name: str(row.name), attributes: attributes(row.attributes) }]));
}

export interface TargetNas {
  name: string;
  address: string;
  secret: string;
  disconnectProfile: string;
  requireMessageAuthenticator: boolean;
  /** null: shared by the deployment. */
  tenantId: number | null;
}

/** Every NAS of the deployment: names and addresses are unique across tenants. */
export async function allNasClients(q: Queryable): Promise<TargetNas[]> {
  const r = await q.query<Record<string, unknown>>(
    'SELECT name, address::text AS address, secret, disconnect_profile, require_message_authenticator, tenant_id FROM nas ORDER BY name',
  );
  return r.rows.map((row) => ({
    name: str(row.name),
    address: str(row.address),
    secret: str(row.secret),
    disconnectProfile: str(row.disconnect_profile),
    requireMessageAuthenticator: row.require_message_authenticator === true,
    tenantId: row.tenant_id === null || row.tenant_id === undefined ? null : num(row.tenant_id),
  }));
}

/** The member row the import writes: every column it owns. */
export interface ImportedMemberRow {
  username: string;
  cleartext: string | null;
  ntHash: Buffer | null;
  strongHash: string | null;
  legacyHash: string | null;
  authMethods: AuthMethod[];
  plan: string | null;
  replyAttributes: PlanAttribute[];
  ipv4: string | null;
  ipv6Prefix: string | null;
  maxSessions: number | null;
  paidUntil: string | null;
  /** null: leave the status as it is. */
  suspension: { kind: SuspensionKind; reason: string } | 'resume' | null;
}

const replyJson = (a: PlanAttribute[]): string | null => (a.length === 0 ? null : JSON.stringify(a));

export async function insertImportedMember(q: Queryable, tenantId: number, m: ImportedMemberRow): Promise<void> {
  const suspended = m.suspension !== null && m.suspension !== 'resume' ? m.suspension : null;
  await q.query(
    `INSERT INTO members (tenant_id, username, cleartext, nt_hash, strong_hash, legacy_hash, auth_methods, plan, reply_attributes,
       ipv4, ipv6_prefix, max_sessions, paid_until, status, suspended_reason, suspension_kind, suspended_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9::jsonb, $10::inet, $11::cidr, $12, $13::date,
       $14, $15, $16, CASE WHEN $14 = 'suspended' THEN now() END)`,
    [
      tenantId, m.username, m.cleartext, m.ntHash, m.strongHash, m.legacyHash, m.authMethods, m.plan, replyJson(m.replyAttributes),
      m.ipv4, m.ipv6Prefix, m.maxSessions, m.paidUntil,
      suspended ? 'suspended' : 'active', suspended?.reason ?? null, suspended?.kind ?? null,
    ],
  );
}

export async function updateImportedMember(q: Queryable, tenantId: number, m: ImportedMemberRow): Promise<void> {
  const suspended = m.suspension !== null && m.suspension !== 'resume' ? m.suspension : null;
  await q.query(
    `UPDATE members SET cleartext = $3, nt_hash = $4, strong_hash = $5, legacy_hash = $6, auth_methods = $7::text[], plan = $8,
       reply_attributes = $9::jsonb, ipv4 = $10::inet, ipv6_prefix = $11::cidr, max_sessions = $12, paid_until = $13::date,
       status = CASE $14::text WHEN 'suspend' THEN 'suspended' WHEN 'resume' THEN 'active' ELSE status END,
       suspended_reason = CASE $14::text WHEN 'suspend' THEN $15 WHEN 'resume' THEN NULL ELSE suspended_reason END,
       suspension_kind = CASE $14::text WHEN 'suspend' THEN $16 WHEN 'resume' THEN NULL ELSE suspension_kind END,
       suspended_at = CASE $14::text WHEN 'suspend' THEN now() WHEN 'resume' THEN NULL ELSE suspended_at END
     WHERE tenant_id = $1 AND username = $2`,
    [
      tenantId, m.username, m.cleartext, m.ntHash, m.strongHash, m.legacyHash, m.authMethods, m.plan, replyJson(m.replyAttributes),
      m.ipv4, m.ipv6Prefix, m.maxSessions, m.paidUntil,
      suspended ? 'suspend' : m.suspension === 'resume' ? 'resume' : 'keep', suspended?.reason ?? null, suspended?.kind ?? null,
    ],
  );
}

export async function upsertImportedPlan(q: Queryable, tenantId: number, name: string, attrs: PlanAttribute[]): Promise<void> {
  await q.query(
    `INSERT INTO plans (tenant_id, name, attributes) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (tenant_id, name) DO UPDATE SET attributes = EXCLUDED.attributes`,
    [tenantId, name, JSON.stringify(attrs)],
  );
}

export interface ImportedNasRow {
  name: string;
  address: string;
  secret: string;
  disconnectProfile: string;
  requireMessageAuthenticator: boolean;
}

export async function insertImportedNas(q: Queryable, tenantId: number, n: ImportedNasRow): Promise<void> {
  await q.query(
    `INSERT INTO nas (name, address, secret, disconnect_profile, require_message_authenticator, tenant_id)
     VALUES ($1, $2::cidr, $3, $4, $5, $6)`,
    [n.name, n.address, n.secret, n.disconnectProfile, n.requireMessageAuthenticator, tenantId],
  );
}

/** A re-run: the address, secret and profile FreeRADIUS has now; Message-Authenticator stays as an admin set it. */
export async function updateImportedNas(q: Queryable, n: ImportedNasRow): Promise<void> {
  await q.query('UPDATE nas SET address = $2::cidr, secret = $3, disconnect_profile = $4 WHERE name = $1', [
    n.name, n.address, n.secret, n.disconnectProfile,
  ]);
}

/** Inserts the sessions not there yet (by unique id); returns how many were new. One statement per batch. */
export async function insertImportedSessions(q: Queryable, tenantId: number, sessions: readonly ImportedSession[]): Promise<number> {
  if (sessions.length === 0) return 0;
  const col = <T>(f: (s: ImportedSession) => T): T[] => sessions.map(f);
  const r = await q.query(
    `INSERT INTO usage_sessions (unique_id, nas, acct_session_id, username, start_time, stop_time, last_update, seconds,
       input_octets, output_octets, terminate_cause, framed_ip, calling_station_id, nas_port_id, tenant_id)
     SELECT u.*, $15::integer FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
       $7::timestamptz[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[], $12::inet[], $13::text[], $14::text[]) AS u
     ON CONFLICT (unique_id) DO NOTHING`,
    [
      col((s) => s.uniqueId), col((s) => s.nas), col((s) => s.acctSessionId), col((s) => s.username),
      col((s) => s.startTime.toISOString()), col((s) => s.stopTime.toISOString()), col((s) => s.lastUpdate.toISOString()),
      col((s) => s.seconds), col((s) => s.inputOctets), col((s) => s.outputOctets), col((s) => s.terminateCause),
      col((s) => s.framedIp), col((s) => s.callingStationId), col((s) => s.nasPortId), tenantId,
    ],
  );
  return r.rowCount;
}
