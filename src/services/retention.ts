/**
 * `retention show` and `retention run`: what each kind of data holds now and
 * for how long it is kept, per tenant; and deleting what is past its period
 * now (what the daily job does). One tenant's, or with the deployment-wide
 * scope every tenant's and the rows of none (docs/privacy.md).
 */
import { RETENTION_KINDS } from '../privacy/retention-kinds.js';
import { retentionOwners, runRetention, type RetentionRunReport } from '../privacy/retention-run.js';
import type { ReadScope, ServiceDeps } from './deps.js';
import { deploymentRetention } from './tenant-settings.js';

/** One kind of one tenant (null: the rows of no tenant), as `retention show` prints it. */
export interface RetentionShowRow {
  tenant: string | null;
  kind: string;
  table: string;
  what: string;
  kept_for: string;
  rows: number;
  /** ISO 8601 UTC of the oldest row held; null with none. */
  oldest: string | null;
}

export async function showRetention(deps: Pick<ServiceDeps, 'db' | 'config'>, scope: ReadScope): Promise<RetentionShowRow[]> {
  const owners = await retentionOwners(deps.db, deploymentRetention(deps.config), scope.tenant);
  const out: RetentionShowRow[] = [];
  for (const owner of owners) {
    for (const kind of RETENTION_KINDS) {
      if (owner.tenantId === null && !kind.ofNoTenant) continue;
      const held = await kind.held(deps.db, owner);
      // The rows of no tenant are shown only where there are some.
      if (owner.tenantId === null && held.rows === 0) continue;
      out.push({
        tenant: owner.tenant,
        kind: kind.kind,
        table: kind.table,
        what: kind.what,
        kept_for: kind.keptFor(owner.policy),
        rows: held.rows,
        oldest: held.oldest?.toISOString() ?? null,
      });
    }
  }
  return out;
}

export interface RetentionRunInput {
  dryRun?: boolean;
}

/** Deletes now what is past its period in the scope; a dry run counts the same and changes nothing. */
export async function retentionRun(deps: Pick<ServiceDeps, 'db' | 'config' | 'now' | 'log'>, scope: ReadScope, input: RetentionRunInput = {}): Promise<RetentionRunReport> {
  const owners = await retentionOwners(deps.db, deploymentRetention(deps.config), scope.tenant);
  return runRetention(deps.db, {
    now: deps.now(),
    batchSize: deps.config.retention.batchSize,
    dryRun: input.dryRun === true,
    actor: scope.actor.name,
    owners,
    deploymentWide: scope.tenant === 'all',
    log: deps.log,
  });
}
