/**
 * `retention rotate-key`: every identity of the connection register sealed
 * anew under a new key, in batches, each batch one transaction (a crash
 * leaves whole batches done, and a second run does only the rest: rows
 * already under the new key are skipped). Identities kept in clear (no key
 * configured when they were flushed) are sealed too. Rows of a key that is
 * neither the old nor the new one stop the run before anything changes.
 */
import type { Db } from '../db/db.js';
import { identitiesNotUnder, otherKeyIds, resealIdentities } from '../db/connection-register.js';
import { fail } from '../errors.js';
import { openIdentity, sealIdentity, type IdentityKey } from './identity-key.js';

export interface RotateReport {
  /** Rows moved from the old key to the new one. */
  resealed: number;
  /** Rows that were in clear and are sealed now. */
  sealed: number;
  batches: number;
  key_id: string;
}

export async function rotateRegisterKey(db: Db, oldKey: IdentityKey | null, newKey: IdentityKey, opts: { batchSize?: number } = {}): Promise<RotateReport> {
  const batchSize = opts.batchSize ?? 500;
  const known = [newKey.id, ...(oldKey ? [oldKey.id] : [])];
  const strangers = await otherKeyIds(db, known);
  if (strangers.size > 0) {
    throw fail('REGISTER_KEY', { problem: 'unknown-key-rows', count: [...strangers.values()].reduce((a, b) => a + b, 0), keyIds: [...strangers.keys()] });
  }
  const report: RotateReport = { resealed: 0, sealed: 0, batches: 0, key_id: newKey.id };
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const rows = await identitiesNotUnder(tx, newKey.id, batchSize);
      const resealed = rows.map((r) => {
        let identity: { username: string; memberId: number | null };
        if (r.sealed === null) identity = { username: r.username ?? '', memberId: r.memberId };
        else if (oldKey !== null && r.keyId === oldKey.id) identity = openIdentity(oldKey, r.uniqueId, r.sealed);
        // Sealed meanwhile by a daemon with yet another key: refused as before the run.
        else throw fail('REGISTER_KEY', { problem: 'unknown-key-rows', count: 1, keyIds: [r.keyId ?? '?'] });
        return { uniqueId: r.uniqueId, sealed: sealIdentity(newKey, r.uniqueId, identity), wasClear: r.sealed === null };
      });
      await resealIdentities(tx, newKey.id, resealed);
      return { rows: rows.length, clear: resealed.filter((r) => r.wasClear).length };
    });
    if (done.rows === 0) break;
    report.batches++;
    report.sealed += done.clear;
    report.resealed += done.rows - done.clear;
    if (done.rows < batchSize) break;
  }
  return report;
}
