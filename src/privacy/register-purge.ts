/**
 * The connection register's legal period: a closed connection's rows go
 * once its end is older than the tenant's registerRetentionDays (365 unless
 * the tenant says otherwise; décret 2021-1362 art. 5 counts from the end of
 * the connection). An open session is never purged, however old its start.
 * `retention run` and the daily job call it as the connection-register kind (retention-kinds.ts).
 */
import type { Db } from '../db/db.js';
import { purgeRegisterBatch } from '../db/connection-register.js';
import { DEFAULT_REGISTER_RETENTION_DAYS } from '../services/tenant-settings.js';

export interface RegisterPurgeReport {
  /** Sessions deleted from the register. */
  sessions: number;
  /** Their address rows. */
  addresses: number;
  batches: number;
}

/**
 * Deletes expired register rows as of `now` (epoch ms), `batchSize` sessions
 * per transaction (default 1000) so that the tables are never locked long.
 */
export async function purgeExpiredRegister(db: Db, now: number, opts: { batchSize?: number } = {}): Promise<RegisterPurgeReport> {
  const batchSize = opts.batchSize ?? 1000;
  const report: RegisterPurgeReport = { sessions: 0, addresses: 0, batches: 0 };
  for (;;) {
    const batch = await db.transaction((tx) => purgeRegisterBatch(tx, now, batchSize, DEFAULT_REGISTER_RETENTION_DAYS));
    if (batch.sessions === 0) break;
    report.sessions += batch.sessions;
    report.addresses += batch.addresses;
    report.batches++;
    if (batch.sessions < batchSize) break;
  }
  return report;
}
