/**
 * Requisitions: which member had an address at an instant, for an
 * authority's request, and the yearly counts of them for the transparency
 * report. Every lookup, answered or not, is written to requisition_log
 * before its answer is returned (no answer without its record). A tenant's
 * scope answers within the tenant alone; the deployment-wide scope (the
 * operator, --all-tenants) across tenants, and the log says which.
 *
 * The register is written at flush (accounting/flusher.ts): a lookup first
 * asks for a flush, then reads the register, then the live sessions for any
 * open session the register does not hold yet. What it could not reach is
 * said in `warnings`, never silently left out.
 */
import type { LiveSession } from '../domain/session.js';
import { memberFacts, registerMatches, type RegisterMatch } from '../db/connection-register.js';
import { insertRequisition, requisitionsBetween, type RequisitionResultEntry } from '../db/requisitions.js';
import { fail, isRadassocError } from '../errors.js';
import { cidrContains, formatAddressInet, parseAddress, parseCidr } from '../net/ip.js';
import { configuredIdentityKey, openIdentity, type IdentityKey } from '../privacy/identity-key.js';
import { registerAddresses } from '../privacy/register-addresses.js';
import { bothTimes, parseInstant } from '../privacy/requisition-time.js';
import type { ReadScope, ServiceDeps } from './deps.js';

/** Sessions ending or starting this close to the instant are candidates too: a NAS may hand an address on within seconds. */
export const REUSE_WINDOW_MS = 60_000;
const MAX_REFERENCE = 200;

export interface LookupInput {
  ip: string;
  at: string;
  /** A NAS-Port to narrow to (number or its text). */
  port?: number | string | null;
  ref: string;
}

export interface TimePair {
  utc: string;
  local: string;
}

export interface RequisitionMatch {
  tenant: string | null;
  username: string | null;
  member_id: number | null;
  nas: string;
  nas_address: string | null;
  nas_port: number | null;
  nas_port_id: string | null;
  line: string | null;
  session_start: TimePair;
  session_end: TimePair | null;
  matched: { kind: string; address: string };
  /** The session was on at the very instant (else it ended or started within a minute of it). */
  at_instant: boolean;
  session: string;
}

export interface LookupAnswer {
  requisition_id: number;
  reference: string;
  scope: string;
  query: { ip: string; at: TimePair; port: number | null };
  matches: RequisitionMatch[];
  warnings: string[];
}

function checkReference(ref: string): string {
  const r = ref.trim();
  if (r === '' || r.length > MAX_REFERENCE || /[\u0000-\u001f\u007f]/.test(r)) throw fail('INVALID_REQUISITION', { problem: 'ref' });
  return r;
}

function checkPort(port: LookupInput['port']): number | null {
  if (port === undefined || port === null || port === '') return null;
  const text = String(port).trim();
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw fail('INVALID_REQUISITION', { problem: 'port', value: String(port) });
  return Number(text);
}

function checkAddress(ip: string): { bytes: Buffer; text: string } {
  const bytes = parseAddress(ip.trim());
  if (!bytes) throw fail('INVALID_REQUISITION', { problem: 'ip', value: ip });
  return { bytes, text: formatAddressInet(bytes) };
}

/** A candidate before its identity is opened: from the register, or a live session not flushed yet. */
interface Candidate {
  row: Omit<RegisterMatch, 'tenantId'> & { tenantId: number | null };
}

/** Open live sessions holding the address, not yet in the register. */
async function liveCandidates(deps: ServiceDeps, scope: ReadScope, address: Buffer, toMs: number, known: ReadonlySet<string>): Promise<Candidate[]> {
  const sessions: LiveSession[] = await deps.sessions.listOpen(scope.tenant === 'all' ? {} : { tenantId: scope.tenant.id });
  const out: Candidate[] = [];
  const names = scope.tenant === 'all' ? await tenantNames(deps) : new Map([[scope.tenant.id, scope.tenant.name]]);
  for (const s of sessions) {
    if (known.has(s.uniqueId) || s.startTime > toMs) continue;
    const hit = registerAddresses(s)
      .map((a) => ({ ...a, cidr: parseCidr(a.address) }))
      .filter((a) => a.cidr.ok && cidrContains(a.cidr.value, address))
      .sort((a, b) => (b.cidr.ok ? b.cidr.value.prefixLength : 0) - (a.cidr.ok ? a.cidr.value.prefixLength : 0))[0];
    if (!hit) continue;
    const tenantId = s.tenantId === undefined ? 1 : s.tenantId;
    const member = tenantId !== null && s.username !== '' ? await memberFacts(deps.db, tenantId, s.username) : null;
    out.push({
      row: {
        uniqueId: s.uniqueId,
        tenantId,
        tenant: tenantId === null ? '' : (names.get(tenantId) ?? ''),
        username: s.username === '' ? null : s.username,
        memberId: member?.id ?? null,
        sealed: null,
        keyId: null,
        nas: s.nas,
        nasAddress: s.nasIpAddress,
        nasPort: s.nasPort,
        nasPortId: s.nasPortId,
        lineId: member?.lineId ?? null,
        startTime: s.startTime,
        stopTime: null,
        kind: hit.kind,
        matched: hit.address,
      },
    });
  }
  return out;
}

async function tenantNames(deps: ServiceDeps): Promise<Map<number, string>> {
  const r = await deps.db.query<{ id: number; name: string }>('SELECT id, name FROM tenants');
  return new Map(r.rows.map((t) => [Number(t.id), String(t.name)]));
}

/** The identity of one matched row: in clear, or opened with the configured key (only matched rows are opened). */
function identityOf(row: Candidate['row'], k: IdentityKey | null): { username: string | null; memberId: number | null } {
  if (row.sealed === null) return { username: row.username, memberId: row.memberId };
  if (k === null || k.id !== row.keyId) throw fail('REGISTER_KEY', { problem: 'other-key', rowKeyId: row.keyId ?? '?', keyId: k?.id ?? null });
  return openIdentity(k, row.uniqueId, row.sealed);
}

const describe = (e: unknown): string => (isRadassocError(e) ? e.text : e instanceof Error ? e.message : String(e));

function toMatch(r: Candidate['row'], who: { username: string | null; memberId: number | null }, atInstant: boolean, offsetMinutes: number): RequisitionMatch {
  return {
    tenant: r.tenantId === null ? null : r.tenant,
    username: who.username,
    member_id: who.memberId,
    nas: r.nas,
    nas_address: r.nasAddress,
    nas_port: r.nasPort,
    nas_port_id: r.nasPortId,
    line: r.lineId,
    session_start: bothTimes(r.startTime, offsetMinutes),
    session_end: r.stopTime === null ? null : bothTimes(r.stopTime, offsetMinutes),
    matched: { kind: r.kind, address: r.matched },
    at_instant: atInstant,
    session: r.uniqueId,
  };
}

export async function lookupRequisition(deps: ServiceDeps, scope: ReadScope, input: LookupInput): Promise<LookupAnswer> {
  const reference = checkReference(input.ref);
  const address = checkAddress(input.ip);
  const instant = parseInstant(input.at);
  const port = checkPort(input.port);
  // A misconfigured key is the answer itself: said before anything is read or recorded.
  const key = configuredIdentityKey(deps.config);
  const warnings: string[] = [];
  try {
    await deps.flush();
  } catch (e) {
    warnings.push(`usage not yet flushed could not be written to the register (${describe(e)}): sessions of the last minutes may be missing`);
  }
  const from = instant.ms - REUSE_WINDOW_MS;
  const to = instant.ms + REUSE_WINDOW_MS;
  const tenantId = scope.tenant === 'all' ? null : scope.tenant.id;
  const fromRegister = await registerMatches(deps.db, address.text, from, to, tenantId);
  // One candidate per session: its most specific address (the rows come most specific first).
  const bySession = new Map<string, Candidate>();
  for (const row of fromRegister) if (!bySession.has(row.uniqueId)) bySession.set(row.uniqueId, { row });
  try {
    for (const c of await liveCandidates(deps, scope, address.bytes, to, new Set(bySession.keys()))) bySession.set(c.row.uniqueId, c);
  } catch (e) {
    warnings.push(`live sessions could not be read (${describe(e)}): an open session not yet flushed may be missing`);
  }
  let candidates = [...bySession.values()].map((c) => c.row);
  if (port !== null) candidates = candidates.filter((r) => r.nasPort === port || r.nasPortId === String(port));
  const atInstant = (r: Candidate['row']): boolean => r.startTime <= instant.ms && (r.stopTime === null || r.stopTime >= instant.ms);
  const query = { ip: address.text, at: new Date(instant.ms).toISOString(), port };
  const record = (result: RequisitionResultEntry[], failure?: string): Promise<number> =>
    insertRequisition(deps.db, {
      actor: scope.actor.name,
      reference,
      tenant: scope.tenant === 'all' ? null : { id: scope.tenant.id, name: scope.tenant.name },
      query,
      result,
      ...(failure ? { failure } : {}),
      at: deps.now(),
    });
  let matches: RequisitionMatch[];
  try {
    matches = candidates
      .sort((a, b) => Number(atInstant(b)) - Number(atInstant(a)) || a.startTime - b.startTime || (a.uniqueId < b.uniqueId ? -1 : 1))
      .map((r) => toMatch(r, identityOf(r, key), atInstant(r), instant.offsetMinutes));
  } catch (e) {
    // The register was read but its identities could not be opened: the lookup happened and is recorded, answering nothing.
    if (isRadassocError(e)) {
      const id = await record([], e.code);
      deps.log.warn({ requisition: id, actor: scope.actor.name, code: e.code }, 'requisition lookup failed');
    }
    throw e;
  }
  if (matches.length > 1) {
    warnings.push(`${matches.length} sessions held this address within a minute of the instant (the NAS handed it on): each is listed, and at_instant says which were on at that very moment`);
  }
  const result: RequisitionResultEntry[] = matches.map((m) => ({ tenant: m.tenant ?? '', username: m.username, member_id: m.member_id, unique_id: m.session }));
  const id = await record(result);
  deps.log.info({ requisition: id, actor: scope.actor.name, scope: scope.tenant === 'all' ? 'all' : scope.tenant.name, matches: matches.length }, 'requisition lookup');
  return {
    requisition_id: id,
    reference,
    scope: scope.tenant === 'all' ? 'all' : scope.tenant.name,
    query: { ip: address.text, at: bothTimes(instant.ms, instant.offsetMinutes), port },
    matches,
    warnings,
  };
}

export interface ReportCounts {
  requisitions: number;
  with_result: number;
  without_result: number;
  /** Of those without a result, the lookups that could not answer (the register's rows sealed with another key). */
  failed: number;
}

export interface RequisitionReport extends ReportCounts {
  year: number;
  scope: string;
  per_month: Array<ReportCounts & { month: string }>;
  /** By the scope's tenant; a deployment-wide lookup counts for each tenant it returned a member of, or under `(deployment)`. */
  per_tenant: Array<ReportCounts & { tenant: string }>;
}

const zero = (): ReportCounts => ({ requisitions: 0, with_result: 0, without_result: 0, failed: 0 });
const count = (c: ReportCounts, r: { results: number; failed: boolean }): void => {
  c.requisitions++;
  if (r.results > 0) c.with_result++;
  else c.without_result++;
  if (r.failed) c.failed++;
};

/** The deployment-wide lookups without a result, in the per-tenant counts. */
export const DEPLOYMENT_LABEL = '(deployment)';

export async function requisitionReport(deps: ServiceDeps, scope: ReadScope, input: { year: number | string }): Promise<RequisitionReport> {
  const text = String(input.year).trim();
  if (!/^\d{4}$/.test(text) || Number(text) < 1970) throw fail('INVALID_REQUISITION', { problem: 'year', value: text });
  const year = Number(text);
  const rows = await requisitionsBetween(deps.db, Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1), scope.tenant === 'all' ? null : scope.tenant.id);
  const total = zero();
  const months = Array.from({ length: 12 }, (_v, i) => ({ month: `${year}-${String(i + 1).padStart(2, '0')}`, ...zero() }));
  const tenants = new Map<string, ReportCounts>();
  for (const r of rows) {
    count(total, r);
    count(months[r.at.getUTCMonth()]!, r);
    const labels = r.tenant !== null ? [r.tenant] : r.resultTenants.length > 0 ? r.resultTenants : [DEPLOYMENT_LABEL];
    for (const label of labels) {
      const c = tenants.get(label) ?? zero();
      count(c, r);
      tenants.set(label, c);
    }
  }
  return {
    year,
    scope: scope.tenant === 'all' ? 'all' : scope.tenant.name,
    ...total,
    per_month: months,
    per_tenant: [...tenants.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([tenant, c]) => ({ tenant, ...c })),
  };
}
