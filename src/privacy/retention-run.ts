/**
 * A retention run: every kind (retention-kinds.ts) for every owner in scope,
 * then what was removed, counted per tenant and kind (never what the rows
 * held), into the retention log and the audit log, one entry per tenant that
 * lost anything. A dry run counts the same and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { MinimalLogger } from '../accounting/logger.js';
import { insertAudit } from '../db/audit.js';
import type { Db, Queryable } from '../db/db.js';
import { insertRetentionLog } from '../db/retention-log.js';
import { listTenantRefs, tenantSettings } from '../db/tenants.js';
import type { TenantRef } from '../domain/tenant.js';
import { retentionPolicy, type RetentionPolicy } from '../services/tenant-settings.js';
import { RETENTION_KINDS, type RetentionKind, type RetentionOwner } from './retention-kinds.js';

/** The owners a run or a listing covers: one tenant, or every tenant and the rows of none. */
export async function retentionOwners(q: Queryable, deployment: RetentionPolicy, scope: TenantRef | 'all'): Promise<RetentionOwner[]> {
  const tenants = scope === 'all' ? await listTenantRefs(q) : [scope];
  const owners: RetentionOwner[] = [];
  for (const t of tenants) owners.push({ tenantId: t.id, tenant: t.name, policy: retentionPolicy(await tenantSettings(q, t.id), deployment) });
  if (scope === 'all') owners.push({ tenantId: null, tenant: null, policy: deployment });
  return owners;
}

export interface RetentionRunOptions {
  now: number;
  batchSize: number;
  dryRun: boolean;
  /** Who runs it, for the logs: the OS user or --by, or 'retention-job'. */
  actor: string;
  owners: readonly RetentionOwner[];
  /** Every tenant: kinds that purge the whole deployment at once run too. */
  deploymentWide: boolean;
  log?: MinimalLogger;
}

export interface RetentionRunRow {
  /** null: the rows of no tenant. */
  tenant: string | null;
  kind: string;
  rows: number;
  batches: number;
  cutoff: string | null;
  also?: Record<string, number>;
}

export interface RetentionRunReport {
  run_id: string;
  at: string;
  dry_run: boolean;
  results: RetentionRunRow[];
}

export async function runRetention(db: Db, opts: RetentionRunOptions, kinds: readonly RetentionKind[] = RETENTION_KINDS): Promise<RetentionRunReport> {
  const runId = randomUUID();
  const names = new Map(opts.owners.map((o) => [o.tenantId, o.tenant]));
  const results: Array<RetentionRunRow & { tenantId: number | null }> = [];
  for (const kind of kinds) {
    if (kind.deploymentOnly && !opts.deploymentWide) continue;
    const owners = opts.owners.filter((o) => o.tenantId !== null || kind.ofNoTenant);
    for (const r of await kind.purge(db, owners, { now: opts.now, batchSize: opts.batchSize, dryRun: opts.dryRun })) {
      const row = {
        tenantId: r.tenantId,
        tenant: names.get(r.tenantId) ?? null,
        kind: kind.kind,
        rows: r.rows,
        batches: r.batches,
        cutoff: r.cutoff?.toISOString() ?? null,
        ...(r.also ? { also: r.also } : {}),
      };
      results.push(row);
      if (r.rows > 0 && !opts.dryRun) opts.log?.info({ run: runId, tenant: row.tenant, kind: kind.kind, rows: r.rows, batches: r.batches }, 'retention: removed rows past their period');
    }
  }
  if (!opts.dryRun) await record(db, runId, opts, results);
  return { run_id: runId, at: new Date(opts.now).toISOString(), dry_run: opts.dryRun, results: results.map(({ tenantId: _id, ...r }) => r) };
}

/** The retention log rows and one audit entry per tenant that lost anything, in one transaction. */
async function record(db: Db, runId: string, opts: RetentionRunOptions, results: ReadonlyArray<RetentionRunRow & { tenantId: number | null }>): Promise<void> {
  const removed = results.filter((r) => r.rows > 0);
  if (removed.length === 0) return;
  await db.transaction(async (tx) => {
    await insertRetentionLog(
      tx,
      removed.map((r) => ({ runId, actor: opts.actor, tenantId: r.tenantId, kind: r.kind, rows: r.rows, batches: r.batches, cutoff: r.cutoff === null ? null : new Date(r.cutoff) })),
    );
    const byOwner = new Map<number | null, Array<RetentionRunRow & { tenantId: number | null }>>();
    for (const r of removed) byOwner.set(r.tenantId, [...(byOwner.get(r.tenantId) ?? []), r]);
    for (const [tenantId, rows] of byOwner) {
      const tenant = rows[0]?.tenant;
      await insertAudit(tx, {
        tenantId,
        actor: opts.actor,
        action: 'retention.run',
        target: tenant ? `tenant:${tenant}` : 'deployment',
        after: { run_id: runId, removed: Object.fromEntries(rows.map((r) => [r.kind, r.rows])) },
      });
    }
  });
}
