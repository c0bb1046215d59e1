/**
 * Moving in from FreeRADIUS: a source's rows planned (migrate/import-plan.ts),
 * compared with the scope's tenant, and written in one transaction: members,
 * plans, NAS clients and finished sessions, or nothing. A dry run does the
 * same work and rolls it back, so its report counts exactly what a real run
 * would change. A re-run (FreeRADIUS still serving during the move) updates
 * what changed in FreeRADIUS and adds the sessions finished since; the
 * sessions' stable ids (migrate/radacct-usage.ts) mean none is counted twice.
 */
import { analyseAfterBulkWrite } from '../db/planner-statistics.js';
import { insertAudit } from '../db/audit.js';
import {
  allNasClients,
  insertImportedMember,
  insertImportedNas,
  insertImportedSessions,
  tenantMembers,
  tenantPlans,
  updateImportedMember,
  updateImportedNas,
  upsertImportedPlan,
  type ImportedMemberRow,
  type TargetMember,
  type TargetNas,
} from '../db/freeradius-import.js';
import type { Queryable } from '../db/db.js';
import { fail, isRadassocError } from '../errors.js';
import { parseCidr, parseAddress, cidrContains } from '../net/ip.js';
import {
  blocksOverlap,
  IMPORT_SUSPENSION_PREFIX,
  planImport,
  type ImportPlan,
  type Loss,
  type PlannedMember,
  type PlannedNas,
  type PlanOptions,
} from '../migrate/import-plan.js';
import { lossesPerTable, methodsTable, UNKNOWN_ATTRIBUTE, type Change, type ImportReport, type ObjectCounts, type SessionCounts } from '../migrate/import-report.js';
import { radacctToSession, type ImportedSession } from '../migrate/radacct-usage.js';
import type { NasRow, RadAcctRow, RlmSqlRows } from '../migrate/rlm-sql-rows.js';
import { SOURCE_TABLES, type FreeRadiusSource } from '../migrate/source.js';
import type { Scope, ServiceDeps } from './deps.js';

/** What an import reads, whatever it came from (a database, a users file). */
export interface ImportInput {
  /** For the report: where the rows came from, never a password. */
  where: string;
  /** Rows per table read (null: no such table). */
  counts: Record<string, number | null>;
  nas: NasRow[];
  rows: RlmSqlRows;
  caseInsensitiveUsernames: boolean;
  /** radacct a batch at a time; null when the source has no accounting. */
  radacct: (() => AsyncIterable<RadAcctRow[]>) | null;
  origin?: PlanOptions['origin'];
  /** Found while reading (a users file's DEFAULT entries...). */
  losses?: Loss[];
  notes?: string[];
}

export interface ImportOptions {
  dryRun: boolean;
}

/** Every table of a FreeRADIUS database, read for an import. */
export async function readFreeRadiusSource(source: FreeRadiusSource): Promise<ImportInput> {
  const counts = await source.counts();
  if (SOURCE_TABLES.every((t) => t === 'radpostauth' || counts[t] === null)) throw fail('IMPORT_SOURCE', { problem: 'no-tables', where: source.where });
  const nas = await source.nas();
  const rows: RlmSqlRows = {
    radcheck: await source.radcheck(),
    radreply: await source.radreply(),
    radgroupcheck: await source.radgroupcheck(),
    radgroupreply: await source.radgroupreply(),
    radusergroup: await source.radusergroup(),
  };
  const notes: string[] = [];
  if ((counts.radpostauth ?? 0) > 0) {
    notes.push(`radpostauth (${counts.radpostauth} rows) is not imported: in FreeRADIUS's default configuration it holds the passwords of failed logins, and radassoc keeps its own authentication log`);
  }
  if (counts.nas === null) notes.push('the database has no nas table: add the NAS from clients.conf with `radassoc nas add`');
  return { where: source.where, counts, nas, rows, caseInsensitiveUsernames: source.caseInsensitiveUsernames, radacct: () => source.radacct(), notes };
}

/** Thrown inside the transaction of a dry run, so that it rolls back; never leaves this module. */
class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

const sameAttributes = (a: readonly { name: string; value: string }[], b: readonly { name: string; value: string }[]): boolean =>
  a.length === b.length && a.every((x, i) => x.name === b[i]!.name && x.value === b[i]!.value);

function memberRow(p: PlannedMember, current: TargetMember | undefined): ImportedMemberRow {
  let suspension: ImportedMemberRow['suspension'] = null;
  const ours = current?.suspendedReason?.startsWith(IMPORT_SUSPENSION_PREFIX) === true;
  if (p.suspension !== null) {
    // An admin's own suspension stands; one this import made follows FreeRADIUS.
    if (current === undefined || current.status === 'active' || (ours && current.suspendedReason !== p.suspension.reason)) suspension = p.suspension;
  } else if (current?.status === 'suspended' && ours) {
    suspension = 'resume';
  }
  return {
    username: p.username,
    cleartext: p.credential.cleartext,
    ntHash: p.credential.ntHash,
    strongHash: p.credential.strongHash,
    legacyHash: p.credential.legacyHash ?? null,
    authMethods: p.authMethods,
    plan: p.plan,
    replyAttributes: p.replyAttributes,
    ipv4: p.ipv4,
    ipv6Prefix: p.ipv6Prefix,
    maxSessions: p.maxSessions,
    paidUntil: p.paidUntil,
    suspension,
  };
}

/** What differs between the member as it is and as FreeRADIUS has it; names only. */
function memberChanges(row: ImportedMemberRow, t: TargetMember): string[] {
  const out: string[] = [];
  const nt = row.ntHash === null ? null : row.ntHash.toString('hex');
  if (t.cleartext !== row.cleartext || t.ntHash !== nt || t.legacyHash !== row.legacyHash || t.strongHash !== row.strongHash) out.push('password');
  if (t.authMethods.join(',') !== row.authMethods.join(',')) out.push('auth');
  if (t.plan !== row.plan) out.push('plan');
  if (!sameAttributes(t.replyAttributes, row.replyAttributes)) out.push('reply attributes');
  if (t.ipv4 !== row.ipv4) out.push('ipv4');
  if (t.ipv6Prefix !== row.ipv6Prefix) out.push('ipv6 prefix');
  if (t.maxSessions !== row.maxSessions) out.push('max sessions');
  if (t.paidUntil !== row.paidUntil) out.push('paid until');
  if (row.suspension === 'resume') out.push('resumed');
  else if (row.suspension !== null) out.push('suspended');
  return out;
}

interface Tally {
  members: ObjectCounts;
  plans: ObjectCounts;
  nas: ObjectCounts;
  changes: Change[];
  losses: Loss[];
}

const zero = (): ObjectCounts => ({ new: 0, changed: 0, unchanged: 0 });

async function writeNas(tx: Queryable, tenantId: number, planned: readonly PlannedNas[], existing: readonly TargetNas[], tally: Tally): Promise<PlannedNas[]> {
  const kept: PlannedNas[] = [];
  for (const n of planned) {
    const lose = (reason: string) => tally.losses.push({ ...n.from, name: n.name, attribute: null, reason });
    const current = existing.find((e) => e.name === n.name);
    const clash = existing.find((e) => e.name !== n.name && blocksOverlap(e.address, n.address));
    if (current !== undefined && current.tenantId !== tenantId) {
      lose(`NAS name ${n.name} is already used by ${current.tenantId === null ? 'a NAS shared by the deployment' : "another tenant's NAS"}: not imported`);
      continue;
    }
    if (clash !== undefined) {
      lose(clash.tenantId === tenantId ? `its address ${n.address} is already served by NAS ${clash.name}: not imported` : `its address ${n.address} is already served by a NAS outside this tenant: not imported`);
      continue;
    }
    kept.push(n);
    const row = { name: n.name, address: n.address, secret: n.secret, disconnectProfile: n.disconnectProfile, requireMessageAuthenticator: n.requireMessageAuthenticator };
    if (current === undefined) {
      await insertImportedNas(tx, tenantId, row);
      tally.nas.new++;
      tally.changes.push({ kind: 'nas', name: n.name, change: 'new', fields: [] });
      continue;
    }
    const fields: string[] = [];
    if (canonical(current.address) !== n.address) fields.push('address');
    if (current.secret !== n.secret) fields.push('secret');
    if (current.disconnectProfile !== n.disconnectProfile) fields.push('disconnect profile');
    if (fields.length === 0) {
      tally.nas.unchanged++;
      continue;
    }
    await updateImportedNas(tx, row);
    tally.nas.changed++;
    tally.changes.push({ kind: 'nas', name: n.name, change: 'changed', fields });
  }
  return kept;
}

function canonical(cidr: string): string {
  const p = parseCidr(cidr);
  return p.ok ? p.value.text : cidr;
}

async function writePlans(tx: Queryable, tenantId: number, plan: ImportPlan, tally: Tally): Promise<void> {
  const existing = await tenantPlans(tx, tenantId);
  for (const p of plan.plans) {
    const current = existing.get(p.name);
    if (current !== undefined && sameAttributes(current.attributes, p.attributes)) {
      tally.plans.unchanged++;
      continue;
    }
    await upsertImportedPlan(tx, tenantId, p.name, p.attributes);
    if (current === undefined) tally.plans.new++;
    else tally.plans.changed++;
    tally.changes.push({ kind: 'plan', name: p.name, change: current === undefined ? 'new' : 'changed', fields: current === undefined ? [] : ['attributes'] });
  }
}

async function writeMembers(tx: Queryable, tenantId: number, plan: ImportPlan, tally: Tally): Promise<void> {
  const existing = await tenantMembers(tx, tenantId);
  const holders = new Map<string, string>();
  for (const m of existing.values()) if (m.ipv4 !== null) holders.set(m.ipv4, m.username);
  for (const p of plan.members) {
    const current = existing.get(p.username);
    const row = memberRow(p, current);
    const holder = row.ipv4 === null ? undefined : holders.get(row.ipv4);
    if (holder !== undefined && holder !== p.username) {
      tally.losses.push({ table: 'radreply', id: null, name: p.username, attribute: 'Framed-IP-Address', reason: `address ${row.ipv4} is already ${holder}'s in radassoc: not imported for ${p.username}` });
      row.ipv4 = current?.ipv4 ?? null;
    }
    if (current === undefined) {
      await insertImportedMember(tx, tenantId, row);
      tally.members.new++;
      tally.changes.push({ kind: 'member', name: p.username, change: 'new', fields: [] });
      continue;
    }
    const fields = memberChanges(row, current);
    if (fields.length === 0) {
      tally.members.unchanged++;
      continue;
    }
    await updateImportedMember(tx, tenantId, row);
    tally.members.changed++;
    tally.changes.push({ kind: 'member', name: p.username, change: 'changed', fields });
  }
}

const SESSION_BATCH = 1000;

/** Which NAS name a radacct row's NAS-IP-Address belongs to: the most specific block holding it. */
function nasNamer(nas: readonly { name: string; address: string }[]): (address: string) => string | null {
  const blocks = nas.flatMap((n) => {
    const c = parseCidr(n.address);
    return c.ok ? [{ name: n.name, cidr: c.value }] : [];
  }).sort((a, b) => b.cidr.prefixLength - a.cidr.prefixLength);
  const cache = new Map<string, string | null>();
  return (address) => {
    let name = cache.get(address);
    if (name === undefined) {
      const bytes = parseAddress(address);
      name = bytes === undefined ? null : (blocks.find((b) => cidrContains(b.cidr, bytes))?.name ?? null);
      cache.set(address, name);
    }
    return name;
  };
}

async function writeSessions(tx: Queryable, tenantId: number, input: ImportInput, nasName: (a: string) => string | null, losses: Loss[]): Promise<SessionCounts> {
  const counts: SessionCounts = { finished: 0, new: 0, already: 0, open: 0, refused: 0 };
  if (input.radacct === null) return counts;
  for await (const batch of input.radacct()) {
    const sessions: ImportedSession[] = [];
    for (const row of batch) {
      const out = radacctToSession(row, tenantId, nasName);
      if (out.kind === 'open') counts.open++;
      else if (out.kind === 'refused') {
        counts.refused++;
        losses.push({ table: 'radacct', id: Number(row.radacctid), name: row.username, attribute: null, reason: `${out.reason}: not imported` });
      } else sessions.push(out.session);
    }
    // One row per id per statement: a source without a unique acctuniqueid could repeat one.
    const unique = [...new Map(sessions.map((s) => [s.uniqueId, s])).values()];
    for (let i = 0; i < unique.length; i += SESSION_BATCH) {
      const part = unique.slice(i, i + SESSION_BATCH);
      const added = await insertImportedSessions(tx, tenantId, part);
      counts.new += added;
      counts.already += part.length - added;
    }
    counts.finished += sessions.length;
    counts.already += sessions.length - unique.length;
  }
  return counts;
}

/**
 * Plans `input`, writes it into the scope's tenant in one transaction (or,
 * with dryRun, rolls it back) and reports. A failure while writing leaves
 * the target as it was and says so (IMPORT_WRITE_FAILED).
 */
export async function importFromFreeRadius(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  scope: Scope,
  input: ImportInput,
  opts: ImportOptions,
): Promise<ImportReport> {
  const tenantId = scope.tenant.id;
  const plan = planImport(input.nas, input.rows, {
    now: new Date(deps.now()),
    caseInsensitiveUsernames: input.caseInsensitiveUsernames,
    ...(input.origin ? { origin: input.origin } : {}),
  });
  const notes = [...(input.notes ?? []), ...plan.notes];
  const run = async (tx: Queryable): Promise<ImportReport> => {
    const tally: Tally = { members: zero(), plans: zero(), nas: zero(), changes: [], losses: [...(input.losses ?? []), ...plan.losses] };
    const existingNas = await allNasClients(tx);
    const keptNas = await writeNas(tx, tenantId, plan.nas, existingNas, tally);
    await writePlans(tx, tenantId, plan, tally);
    await writeMembers(tx, tenantId, plan, tally);
    const namer = nasNamer([...keptNas, ...existingNas.filter((e) => !keptNas.some((k) => k.name === e.name))]);
    const sessions = await writeSessions(tx, tenantId, input, namer, tally.losses);
    if (sessions.open > 0) notes.push(`${sessions.open} radacct row(s) have no stop time: FreeRADIUS's live sessions are not imported; a later run brings them once finished`);
    const { methods, papOnly } = methodsTable(plan.members);
    const perTable = lossesPerTable(tally.losses);
    const tables: ImportReport['tables'] = {};
    for (const [t, rows] of Object.entries(input.counts)) tables[t] = { rows, not_imported: t === 'radpostauth' ? (rows ?? 0) : (perTable.get(t) ?? 0) };
    for (const [t, n] of perTable) tables[t] ??= { rows: null, not_imported: n };
    const report: ImportReport = {
      source: input.where,
      tenant: scope.tenant.name,
      dry_run: opts.dryRun,
      tables,
      members: tally.members,
      plans: tally.plans,
      nas: tally.nas,
      sessions,
      changes: tally.changes,
      not_imported: tally.losses,
      unknown_attributes: tally.losses.filter((l) => UNKNOWN_ATTRIBUTE.test(l.reason)),
      methods,
      pap_only: papOnly,
      notes,
      lossless: tally.losses.length === 0,
    };
    await insertAudit(tx, {
      tenantId,
      actor: scope.actor.name,
      action: 'import.freeradius',
      target: `import:${input.where}`,
      after: { members: report.members, plans: report.plans, nas: report.nas, sessions: report.sessions, not_imported: report.not_imported.length },
    });
    if (opts.dryRun) throw new DryRunRollback(report);
    return report;
  };
  try {
    const report = await deps.db.transaction(run);
    await analyseAfterBulkWrite(deps.db, report.members.new + report.members.changed, ['members']);
    await analyseAfterBulkWrite(deps.db, report.sessions.new, ['usage_sessions']);
    return report;
  } catch (e) {
    if (e instanceof DryRunRollback) return e.report;
    if (isRadassocError(e)) throw e;
    throw fail('IMPORT_WRITE_FAILED', { reason: e instanceof Error ? e.message : String(e) }, { cause: e });
  }
}
