/**
 * Every kind of data radassoc keeps about members, with how long it is kept
 * (docs/privacy.md): one entry per kind, each able to say what it holds
 * (`retention show`) and to delete what is past its period (`retention run`
 * and the daily job). Adding a kind is adding an entry to RETENTION_KINDS.
 *
 * Deletes go a batch at a time (one statement, one short transaction each),
 * so that RADIUS never waits on a lock. Open sessions are never touched.
 */
import type { Db, Queryable } from '../db/db.js';
import { logRowsHeld, pruneLogBatch, type LogTable } from '../db/log-retention.js';
import { clearIdentifiersBatch, countEndedSessions, countIdentifiers, deleteEndedSessionsBatch, usageDetailHeld } from '../db/usage-retention.js';
import {
  countMonthlyTotalsBefore,
  dailyStatsHeld,
  foldHorizons,
  monthlyTotalsHeld,
  pruneMonthlyTotalsBatch,
} from '../db/usage-totals.js';
import { countExpiredRegister, registerHeld } from '../db/connection-register.js';
import { DEFAULT_REGISTER_RETENTION_DAYS, type RetentionPolicy } from '../services/tenant-settings.js';
import { purgeExpiredRegister } from './register-purge.js';
import { addMonths, detailCutoff, foldExpiredMonths, monthStart, monthsToFold } from './usage-fold.js';

const DAY_MS = 86_400_000;

/** Whose rows: a tenant, or (tenantId null) the rows of no tenant, kept by the deployment's periods. */
export interface RetentionOwner {
  tenantId: number | null;
  /** The tenant's name; null for the deployment's own rows. */
  tenant: string | null;
  policy: RetentionPolicy;
}

export interface HeldRows {
  rows: number;
  oldest: Date | null;
}

/** What one kind removed (or, in a dry run, would remove) of one owner's rows. */
export interface KindOutcome {
  tenantId: number | null;
  rows: number;
  batches: number;
  /** What went was older than this; null when the period is "forever" (nothing went). */
  cutoff: Date | null;
  /** Counts beside `rows`, e.g. snapshots deleted with their sessions, months folded. */
  also?: Record<string, number>;
}

export interface PurgeOptions {
  now: number;
  batchSize: number;
  /** Count only: nothing is changed. */
  dryRun: boolean;
}

export interface RetentionKind {
  /** Stable name, in `retention show|run` output and the retention log. */
  readonly kind: string;
  /** Where it is kept. */
  readonly table: string;
  /** What it holds, in a few words. */
  readonly what: string;
  /** Whether rows of no tenant exist (the deployment's own audit entries, requests no tenant was found for). */
  readonly ofNoTenant: boolean;
  /** A kind whose purge covers every tenant at once: it runs only in a deployment-wide run. */
  readonly deploymentOnly?: boolean;
  /** For how long, in words, under this policy. */
  keptFor(policy: RetentionPolicy): string;
  held(db: Queryable, owner: RetentionOwner): Promise<HeldRows>;
  /** Deletes what is past its period for each owner; one outcome per owner. */
  purge(db: Db, owners: readonly RetentionOwner[], opts: PurgeOptions): Promise<KindOutcome[]>;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const daysOrForever = (days: number): string => (days === 0 ? 'forever (0: no limit)' : plural(days, 'day'));

/** Runs one-batch `step` until a batch comes back short; counts the batches that removed something. */
async function inBatches(batch: number, step: () => Promise<number>): Promise<{ rows: number; batches: number }> {
  let rows = 0;
  let batches = 0;
  for (;;) {
    const n = await step();
    if (n > 0) batches++;
    rows += n;
    if (n < batch) return { rows, batches };
  }
}

/** A kind purged one owner at a time. */
function eachOwner(
  purgeOne: (db: Db, owner: RetentionOwner, opts: PurgeOptions) => Promise<Omit<KindOutcome, 'tenantId'> | null>,
): RetentionKind['purge'] {
  return async (db, owners, opts) => {
    const out: KindOutcome[] = [];
    for (const owner of owners) {
      const r = await purgeOne(db, owner, opts);
      if (r) out.push({ tenantId: owner.tenantId, ...r });
    }
    return out;
  };
}

/** A log deleted by age: auth_log, audit_log, disconnect_log. */
function logKind(kind: string, table: LogTable, what: string, days: (p: RetentionPolicy) => number): RetentionKind {
  return {
    kind,
    table,
    what,
    ofNoTenant: true,
    keptFor: (p) => daysOrForever(days(p)),
    held: (db, owner) => logRowsHeld(db, table, owner.tenantId),
    purge: eachOwner(async (db, owner, opts) => {
      const d = days(owner.policy);
      if (d === 0) return { rows: 0, batches: 0, cutoff: null };
      const cutoff = new Date(opts.now - d * DAY_MS);
      if (opts.dryRun) return { rows: (await logRowsHeld(db, table, owner.tenantId, cutoff)).rows, batches: 0, cutoff };
      return { ...(await inBatches(opts.batchSize, () => pruneLogBatch(db, table, cutoff, opts.batchSize, owner.tenantId))), cutoff };
    }),
  };
}

const authLog = logKind(
  'auth-log',
  'auth_log',
  'one row per Access-Request: user name, NAS, method, result and reason, Calling-Station-Id, Class',
  (p) => p.authLogDays,
);

const usageDetail: RetentionKind = {
  kind: 'usage-detail',
  table: 'usage_sessions, usage_snapshots',
  what: 'one row per session (start, stop, counters, NAS, address) and its interim counters, for billing',
  ofNoTenant: false,
  keptFor: (p) => `the current month and ${plural(p.usageDetailMonths, 'whole month')} before it, then folded into monthly totals`,
  held: async (db, owner) => (owner.tenantId === null ? { rows: 0, oldest: null } : usageDetailHeld(db, owner.tenantId)),
  purge: eachOwner(async (db, owner, opts) => {
    const tenantId = owner.tenantId;
    if (tenantId === null) return null;
    const months = owner.policy.usageDetailMonths;
    const before = (await foldHorizons(db, tenantId)).get(tenantId) ?? null;
    if (opts.dryRun) {
      const due = await monthsToFold(db, tenantId, before, opts.now, months);
      const last = due[due.length - 1];
      const horizon = last === undefined ? before : addMonths(last, 1);
      if (horizon === null) return { rows: 0, batches: 0, cutoff: new Date(detailCutoff(opts.now, months)), also: { months_folded: 0, snapshots: 0 } };
      const n = await countEndedSessions(db, tenantId, horizon);
      return { rows: n.sessions, batches: 0, cutoff: new Date(horizon), also: { months_folded: due.length, snapshots: n.snapshots } };
    }
    const { folded, horizon } = await foldExpiredMonths(db, tenantId, before, opts.now, months);
    if (horizon === null) return { rows: 0, batches: 0, cutoff: new Date(detailCutoff(opts.now, months)), also: { months_folded: 0, snapshots: 0 } };
    let snapshots = 0;
    const done = await inBatches(opts.batchSize, async () => {
      const r = await deleteEndedSessionsBatch(db, tenantId, horizon, opts.batchSize);
      snapshots += r.snapshots;
      return r.sessions;
    });
    return { ...done, cutoff: new Date(horizon), also: { months_folded: folded, snapshots } };
  }),
};

const usageTotals: RetentionKind = {
  kind: 'usage-totals',
  table: 'usage_monthly_totals',
  what: "one row per member and month of folded usage: sessions, seconds, octets (the billing export's summary)",
  ofNoTenant: false,
  keptFor: (p) => (p.usageTotalsMonths === 0 ? 'forever (0: no limit)' : `${plural(p.usageTotalsMonths, 'month')} after the month`),
  held: async (db, owner) => (owner.tenantId === null ? { rows: 0, oldest: null } : monthlyTotalsHeld(db, owner.tenantId)),
  purge: eachOwner(async (db, owner, opts) => {
    const tenantId = owner.tenantId;
    if (tenantId === null) return null;
    const months = owner.policy.usageTotalsMonths;
    if (months === 0) return { rows: 0, batches: 0, cutoff: null };
    // A month's totals go once the month ended `months` months ago.
    const before = addMonths(monthStart(opts.now), -months);
    if (opts.dryRun) return { rows: await countMonthlyTotalsBefore(db, tenantId, before), batches: 0, cutoff: new Date(before) };
    return { ...(await inBatches(opts.batchSize, () => pruneMonthlyTotalsBatch(db, tenantId, before, opts.batchSize))), cutoff: new Date(before) };
  }),
};

const identifiers: RetentionKind = {
  kind: 'identifiers',
  table: 'usage_sessions (calling_station_id, nas_port_id, class_hex)',
  what: "what the NAS says of the subscriber's equipment and line on each session: Calling-Station-Id, NAS-Port-Id, Class",
  ofNoTenant: false,
  keptFor: (p) => (p.identifierDays === 0 ? 'while the session is open (cleared at the next run after it ends)' : `${plural(p.identifierDays, 'day')} after the session ends`),
  held: async (db, owner) => (owner.tenantId === null ? { rows: 0, oldest: null } : countIdentifiers(db, owner.tenantId, null)),
  purge: eachOwner(async (db, owner, opts) => {
    const tenantId = owner.tenantId;
    if (tenantId === null) return null;
    const cutoff = opts.now - owner.policy.identifierDays * DAY_MS;
    if (opts.dryRun) return { rows: (await countIdentifiers(db, tenantId, cutoff)).rows, batches: 0, cutoff: new Date(cutoff) };
    return { ...(await inBatches(opts.batchSize, () => clearIdentifiersBatch(db, tenantId, cutoff, opts.batchSize))), cutoff: new Date(cutoff) };
  }),
};

const auditLog = logKind('audit-log', 'audit_log', 'who changed what, and when (members, plans, NAS, settings); never a password or secret', (p) => p.auditDays);

const disconnectLog = logKind(
  'disconnect-log',
  'disconnect_log',
  'one row per Disconnect-Request or CoA-Request sent to a NAS: member, session, outcome, who asked',
  (p) => p.disconnectLogDays,
);

const statistics: RetentionKind = {
  kind: 'statistics',
  table: 'usage_daily_stats',
  what: 'sessions and traffic per day and plan, made when usage detail is folded: no member in them',
  ofNoTenant: false,
  keptFor: () => 'without limit: they name no member',
  held: async (db, owner) => (owner.tenantId === null ? { rows: 0, oldest: null } : dailyStatsHeld(db, owner.tenantId)),
  purge: async () => [],
};

/**
 * The connection register (who had which address when: src/privacy/ and
 * docs/requisitions.md). One purge covers every tenant, each by its own
 * period (purgeExpiredRegister), hence a deployment-wide run only, as the
 * daily job is; its outcome belongs to no one tenant.
 */
const connectionRegister: RetentionKind = {
  kind: 'connection-register',
  table: 'connection_register, connection_register_addresses',
  what: 'who had which address when: member, NAS and port or line, start and end, every address assigned (requisitions)',
  ofNoTenant: false,
  deploymentOnly: true,
  keptFor: (p) => `${plural(p.registerDays, 'day')} after the connection ends (décret 2021-1362 art. 5)`,
  held: async (db, owner) => (owner.tenantId === null ? { rows: 0, oldest: null } : registerHeld(db, owner.tenantId)),
  purge: async (db, _owners, opts) => {
    if (opts.dryRun) {
      const due = await countExpiredRegister(db, opts.now, DEFAULT_REGISTER_RETENTION_DAYS);
      return [{ tenantId: null, rows: [...due.values()].reduce((a, n) => a + n, 0), batches: 0, cutoff: null }];
    }
    const r = await purgeExpiredRegister(db, opts.now, { batchSize: opts.batchSize });
    return [{ tenantId: null, rows: r.sessions, batches: r.batches, cutoff: null, also: { addresses: r.addresses } }];
  },
};

/**
 * Every kind, in the order a run takes them: identifiers before the detail
 * they sit on, the detail (which fills the statistics and totals) before the
 * totals.
 */
export const RETENTION_KINDS: readonly RetentionKind[] = [
  authLog,
  identifiers,
  usageDetail,
  usageTotals,
  statistics,
  auditLog,
  disconnectLog,
  connectionRegister,
];
