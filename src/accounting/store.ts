/**
 * The live-session store: Redis in production (redis-store.ts), in-process
 * with a local journal when embedded (memory-store.ts). Same contract, tested
 * by test/accounting/store-contract.ts against both.
 *
 * Durability contract (design.md "Durability", RFC 2866 §4.1): the server
 * awaits applyRecord() and sends the Accounting-Response only after it
 * resolves. Resolved means stored (Redis with appendonly; journal fsynced).
 * When the store cannot store, applyRecord REJECTS, quickly: the server then
 * sends nothing and the NAS retransmits, which is better than acknowledging a
 * record that was not kept. Every operation is idempotent, so a record the
 * store did keep but could not confirm is harmless when it comes again.
 *
 * Flush protocol (two-phase, for flusher.ts): pendingFlush() lists sessions
 * with changes not yet in Postgres (open ones' progress and finished ones),
 * each with a version and the interim snapshots kept since the last flush;
 * after Postgres committed them, ackFlushed() clears exactly what was
 * written. A session changed in between keeps its newer version pending.
 * A finished session, once acked, stays as a tombstone for tombstoneTtl so
 * that a late retransmitted Stop is still recognised (and not counted twice).
 */
import type { LiveSession } from '../domain/session.js';
import type { AccountingRecord } from './record.js';
import type { ApplyAction, UsageSnapshot } from './session-machine.js';

export type { UsageSnapshot, ApplyAction } from './session-machine.js';

export interface ApplyResult {
  action: ApplyAction;
  changed: boolean;
  /** The session the record landed in (null for Accounting-On/Off). */
  uniqueId: string | null;
  /** Unique ids of the sessions this record closed besides its own: Accounting-On/Off, or a reused Acct-Session-Id. */
  closed: string[];
  /**
   * The record's session is held unattributed: no record of it so far could
   * be routed to a tenant (a shared NAS, no realm it carries). Stored, listed
   * only deployment-wide, not flushed until a record of it names its tenant.
   * Absent otherwise.
   */
  held?: true;
}

export interface FlushItem {
  session: LiveSession;
  /** Store-internal change counter, handed back in the ack. */
  version: number;
  /** Interim snapshots recorded since the last acknowledged flush, oldest first. */
  snapshots: UsageSnapshot[];
}

export interface FlushAck {
  uniqueId: string;
  version: number;
  /** `at` of the snapshots that were written (others stay pending). */
  snapshotAts: number[];
}

/** What /metrics shows of the store: the whole store's figures, not one process's. */
export interface SessionCounts {
  /** Open sessions (what `radassoc sessions` lists). */
  live: number;
  /** Finished sessions whose usage is not yet in PostgreSQL (what the next flush reports as finished). */
  flushBacklog: number;
  /** Open sessions held unattributed: no record of them could be routed to a tenant (ApplyResult.held). */
  held: number;
}

export interface OpenFilter {
  /**
   * Only this tenant's sessions; absent, every tenant's (unattributed ones
   * included). With `username`, absent means the default tenant: a username
   * names a member within one tenant only.
   */
  tenantId?: number;
  username?: string;
  nas?: string;
}

export interface SessionStore {
  /** Atomic per record, across every daemon sharing the store. Rejects when it could not store. */
  applyRecord(rec: AccountingRecord): Promise<ApplyResult>;
  /** Closes every open session of `nas`, in every tenant, that started at or before `at` (ms); returns how many. */
  closeAllForNas(nas: string, cause: string, at: number): Promise<string[]>;
  listOpen(filter?: OpenFilter): Promise<LiveSession[]>;
  /** For simultaneous-use at authentication time: O(1), a per-member set (default tenant unless given). */
  countOpenForUser(username: string, tenantId: number): Promise<number>;
  /** Open, closed or tombstoned session by uniqueId (for `disconnect --session`). */
  getSession(uniqueId: string): Promise<LiveSession | null>;
  /** Up to `limit` sessions with changes not yet acknowledged as flushed, oldest change first. */
  pendingFlush(limit: number): Promise<FlushItem[]>;
  /** After Postgres committed: clears what was written; returns how many sessions became clean. */
  ackFlushed(acks: readonly FlushAck[]): Promise<number>;
  /**
   * Closes open sessions not updated for `multiple` × their interim interval
   * (or `defaultIntervalS` when unknown) before `now` (ms), with terminate
   * cause STALE_SESSION and stop time = last update; returns them.
   */
  closeStale(now: number, multiple: number, defaultIntervalS: number): Promise<LiveSession[]>;
  /** Constant time (counters and set sizes, no scan); rejects rather than waits when the store is slow or down. */
  counts(): Promise<SessionCounts>;
  /**
   * When the oldest change still waiting for the flush happened (epoch ms:
   * the session's last update when it became pending), null when nothing
   * waits: how far PostgreSQL's usage lags behind. Rejects like counts().
   */
  oldestUnflushedAt(): Promise<number | null>;
  /** Rejects when the store cannot store (for /healthz and startup). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Defaults shared by both stores. */
export const DEFAULT_TOMBSTONE_TTL_S = 24 * 3600;
/** Interim snapshots kept per session between flushes; the oldest go first beyond this. */
export const DEFAULT_SNAPSHOT_LIMIT = 256;
