/**
 * Moves usage from the live-session store to Postgres (design.md: "finished
 * sessions and counters are flushed to Postgres by a scheduled, idempotent
 * job").
 *
 * Per batch: read what is pending (finished sessions, open sessions'
 * progress, their interim snapshots) → upsert it in ONE Postgres transaction
 * → only after COMMIT, ack it in the store. Hence:
 *  - Postgres down: the transaction fails, this throws, nothing is acked or
 *    removed; the next run sends the same (or newer) data again.
 *  - Crash between COMMIT and ack: the next run re-sends what Postgres already
 *    has; the upserts (db/usage.ts) never lower a counter and ignore known
 *    snapshots, so the replay changes nothing: exactly-once in effect.
 *  - Every row names the session's tenant (usage_sessions.tenant_id).
 *  - The connection register (db/connection-register.ts) is written in the
 *    same transaction, from the same sessions: what billing holds, the
 *    register holds, with the same idempotent rules.
 *  - Several daemons flushing at once: no lock. They may upsert the same rows;
 *    the upserts are commutative and idempotent, rows are written in a fixed
 *    order (no deadlocks), and an ack only clears a session whose version did
 *    not move since it was read. Duplicated work, never duplicated usage.
 */
import type { Db } from '../db/db.js';
import { sessionTenant, type LiveSession } from '../domain/session.js';
import { upsertSessions, upsertSnapshots, type SnapshotRow } from '../db/usage.js';
import { upsertRegister } from '../db/connection-register.js';
import type { IdentityKey } from '../privacy/identity-key.js';
import type { FlushAck, SessionStore } from './store.js';

export interface FlushOptions {
  /** Clock (epoch ms), recorded as updated_at. */
  now?: () => number;
  /** Sessions per transaction (default 500). */
  batchSize?: number;
  /** Stop after this many batches, leaving the rest to the next run (default 100). */
  maxBatches?: number;
  /** Seals the register's identities (config retention.keyFile, privacy/identity-key.ts); absent or null: in clear. */
  identityKey?: IdentityKey | null;
}

export interface FlushReport {
  batches: number;
  sessions: number;
  finished: number;
  snapshots: number;
}

/** The first half of a batch: what to write, and the acks that will clear it. */
export interface PreparedFlush {
  sessions: LiveSession[];
  snapshots: SnapshotRow[];
  acks: FlushAck[];
}

export async function prepareFlush(store: SessionStore, limit: number): Promise<PreparedFlush> {
  // The stores keep unattributed sessions out of pendingFlush; should one slip through, it stays pending, unacked.
  const items = (await store.pendingFlush(limit)).filter((i) => sessionTenant(i.session) !== null);
  return {
    sessions: items.map((i) => i.session),
    snapshots: items.flatMap((i) =>
      i.snapshots.map((p) => ({ uniqueId: i.session.uniqueId, at: p.at, seconds: p.sessionTime, inputOctets: p.inputOctets, outputOctets: p.outputOctets })),
    ),
    acks: items.map((i) => ({ uniqueId: i.session.uniqueId, version: i.version, snapshotAts: i.snapshots.map((p) => p.at) })),
  };
}

/** The second half: one transaction; throws (and commits nothing) when Postgres fails. */
export async function commitFlush(db: Db, batch: PreparedFlush, updatedAt: number, identityKey: IdentityKey | null = null): Promise<void> {
  await db.transaction(async (tx) => {
    await upsertSessions(tx, batch.sessions, updatedAt);
    await upsertSnapshots(tx, batch.snapshots);
    await upsertRegister(tx, batch.sessions, updatedAt, identityKey);
  });
}

export async function flushUsage(store: SessionStore, db: Db, opts: FlushOptions = {}): Promise<FlushReport> {
  const now = opts.now ?? Date.now;
  const batchSize = opts.batchSize ?? 500;
  const maxBatches = opts.maxBatches ?? 100;
  const report: FlushReport = { batches: 0, sessions: 0, finished: 0, snapshots: 0 };
  while (report.batches < maxBatches) {
    const batch = await prepareFlush(store, batchSize);
    if (batch.sessions.length === 0) break;
    await commitFlush(db, batch, now(), opts.identityKey ?? null);
    const cleared = await store.ackFlushed(batch.acks);
    report.batches++;
    report.sessions += batch.sessions.length;
    report.finished += batch.sessions.filter((s) => s.stopTime !== null).length;
    report.snapshots += batch.snapshots.length;
    // A short batch means nothing else was pending; newer changes wait for the next run.
    // Nothing cleared: every session changed meanwhile; the next run picks them up.
    if (batch.sessions.length < batchSize || cleared === 0) break;
  }
  return report;
}
