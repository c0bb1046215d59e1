/**
 * The embedded live-session store: the session machine over in-process maps,
 * made durable by journal.ts (every mutation is journaled, fsynced, then
 * applied; the journal is replayed at start and compacted after each flush).
 * Without a journal (tests, or a caller that accepts losing live state) it is
 * purely in memory. One process owns it: no cross-daemon atomicity needed.
 */
import { join } from 'node:path';
import { sessionTenant, type LiveSession } from '../domain/session.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import { Journal } from './journal.js';
import type { MinimalLogger } from './logger.js';
import { OpenIndex } from './open-index.js';
import { normalize } from './normalize.js';
import { isNasReset, type AccountingRecord } from './record.js';
import { applyNormalized, forceClose, isStale, nasResetTime, NAS_REBOOT, STALE_SESSION, type UsageSnapshot } from './session-machine.js';
import {
  DEFAULT_SNAPSHOT_LIMIT,
  DEFAULT_TOMBSTONE_TTL_S,
  type ApplyResult,
  type FlushAck,
  type FlushItem,
  type OpenFilter,
  type SessionCounts,
  type SessionStore,
} from './store.js';

interface Entry {
  session: LiveSession;
  version: number;
  /** lastUpdate when it first became dirty (flush order), null when flushed. */
  dirtySince: number | null;
  /** Tombstone expiry (ms), null while open or not yet flushed. */
  expiresAt: number | null;
  snapshots: UsageSnapshot[];
}

export type JournalEntry =
  | { t: 'rec'; rec: AccountingRecord }
  | { t: 'nas'; nas: string; cause: string; at: number }
  | { t: 'stale'; now: number; multiple: number; interval: number }
  | { t: 'state'; entries: Entry[]; index: [string, string][] };

export interface MemoryStoreOptions {
  tombstoneTtlS?: number;
  snapshotLimit?: number;
  /** Clock for tombstone expiry only (session times come from the records). */
  now?: () => number;
  /** Told about journal lines that could not be replayed. */
  log?: Pick<MinimalLogger, 'warn'>;
}

export const JOURNAL_FILE = 'accounting.journal';

const byStart = (a: LiveSession, b: LiveSession): number => a.startTime - b.startTime || (a.uniqueId < b.uniqueId ? -1 : 1);

const indexKey = (nas: string, acctSessionId: string): string => `${nas}\u0000${acctSessionId}`;

export class MemoryStore implements SessionStore {
  private readonly sessions = new Map<string, Entry>();
  private readonly index = new Map<string, string>();
  private readonly open = new OpenIndex();
  /** Finished sessions not yet acked as flushed: the flush backlog, kept so /metrics need not scan. */
  private readonly finishedDirty = new Set<string>();
  private readonly ttlMs: number;
  private readonly snapshotLimit: number;
  private readonly now: () => number;

  constructor(
    opts: MemoryStoreOptions = {},
    private readonly journal: Journal<JournalEntry> | null = null,
  ) {
    this.ttlMs = (opts.tombstoneTtlS ?? DEFAULT_TOMBSTONE_TTL_S) * 1000;
    this.snapshotLimit = opts.snapshotLimit ?? DEFAULT_SNAPSHOT_LIMIT;
    this.now = opts.now ?? Date.now;
  }

  /** Opens `<dataDir>/accounting.journal`, replays it, and compacts it (dropping a torn tail). */
  static async openJournaled(dataDir: string, opts: MemoryStoreOptions = {}): Promise<MemoryStore> {
    const { journal, contents } = await Journal.open<JournalEntry>(join(dataDir, JOURNAL_FILE));
    const store = new MemoryStore(opts, journal);
    let failed = 0;
    for (const e of contents.entries) {
      try {
        store.replay(e);
      } catch {
        failed++; // one bad entry must not keep the daemon from starting with the rest
      }
    }
    if (contents.skipped + failed > 0) {
      opts.log?.warn({ unreadable: contents.skipped, failed }, 'accounting journal: some entries could not be replayed (a torn last line after a crash is normal)');
    }
    await journal.rewrite(() => [store.stateEntry()]);
    return store;
  }

  applyRecord(rec: AccountingRecord): Promise<ApplyResult> {
    return this.mutate({ t: 'rec', rec }, () => this.applyNow(rec));
  }

  closeAllForNas(nas: string, cause: string, at: number): Promise<string[]> {
    return this.mutate({ t: 'nas', nas, cause, at }, () => this.closeNasNow(nas, cause, at));
  }

  closeStale(now: number, multiple: number, defaultIntervalS: number): Promise<LiveSession[]> {
    return this.mutate({ t: 'stale', now, multiple, interval: defaultIntervalS }, () =>
      this.closeStaleNow(now, multiple, defaultIntervalS),
    );
  }

  async listOpen(filter: OpenFilter = {}): Promise<LiveSession[]> {
    const ids = filter.username !== undefined ? this.open.ofUser(filter.tenantId ?? DEFAULT_TENANT_ID, filter.username)
      : filter.nas !== undefined ? this.open.ofNas(filter.nas) : this.open.all;
    const out: LiveSession[] = [];
    for (const id of ids) {
      const s = this.sessions.get(id)?.session;
      if (!s || (filter.nas !== undefined && s.nas !== filter.nas)) continue;
      if (filter.tenantId !== undefined && sessionTenant(s) !== filter.tenantId) continue;
      out.push({ ...s });
    }
    return out.sort(byStart);
  }

  async countOpenForUser(username: string, tenantId: number): Promise<number> {
    return this.open.ofUser(tenantId, username).size;
  }

  async getSession(uniqueId: string): Promise<LiveSession | null> {
    const e = this.live(uniqueId);
    return e ? { ...e.session } : null;
  }

  async pendingFlush(limit: number): Promise<FlushItem[]> {
    const dirty = [...this.sessions.values()].filter((e) => e.dirtySince !== null);
    dirty.sort((a, b) => (a.dirtySince ?? 0) - (b.dirtySince ?? 0) || (a.session.uniqueId < b.session.uniqueId ? -1 : 1));
    return dirty.slice(0, Math.max(0, limit)).map((e) => ({
      session: { ...e.session },
      version: e.version,
      snapshots: e.snapshots.map((p) => ({ ...p })),
    }));
  }

  async ackFlushed(acks: readonly FlushAck[]): Promise<number> {
    if (!this.journal) return this.ackNow(acks);
    // Compaction after a flush: what Postgres now holds need not be replayed.
    let cleared = 0;
    await this.journal.rewrite(() => {
      cleared = this.ackNow(acks);
      return [this.stateEntry()];
    });
    return cleared;
  }

  /** Journal write+fsync count and entries (null without a journal): shows group commit at work. */
  journalStats(): { writes: number; entries: number } | null {
    return this.journal?.stats ?? null;
  }

  async counts(): Promise<SessionCounts> {
    let held = 0;
    for (const id of this.open.all) {
      const s = this.sessions.get(id)?.session;
      if (s && sessionTenant(s) === null) held++;
    }
    return { live: this.open.all.size, flushBacklog: this.finishedDirty.size, held };
  }

  async oldestUnflushedAt(): Promise<number | null> {
    let oldest: number | null = null;
    for (const e of this.sessions.values()) if (e.dirtySince !== null && (oldest === null || e.dirtySince < oldest)) oldest = e.dirtySince;
    return oldest;
  }

  async ping(): Promise<void> {
    /* in-process: always reachable; journal errors surface on append */
  }

  async close(): Promise<void> {
    await this.journal?.close();
  }

  private mutate<T>(entry: JournalEntry, run: () => T): Promise<T> {
    if (!this.journal) {
      try {
        return Promise.resolve(run());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.journal.append(entry, run);
  }

  private replay(e: JournalEntry): void {
    if (e.t === 'rec') this.applyNow(e.rec);
    else if (e.t === 'nas') this.closeNasNow(e.nas, e.cause, e.at);
    else if (e.t === 'stale') this.closeStaleNow(e.now, e.multiple, e.interval);
    else this.loadState(e);
  }

  /** A session entry unless it is an expired tombstone. */
  private live(uniqueId: string | undefined): Entry | undefined {
    if (uniqueId === undefined) return undefined;
    const e = this.sessions.get(uniqueId);
    if (e && e.expiresAt !== null && e.expiresAt <= this.now()) return undefined;
    return e;
  }

  private applyNow(rec: AccountingRecord): ApplyResult {
    if (isNasReset(rec.statusType)) {
      const closed = this.closeNasNow(rec.nas, NAS_REBOOT, nasResetTime(rec));
      return { action: 'nas-reset', changed: closed.length > 0, uniqueId: null, closed };
    }
    const n = normalize(rec);
    const key = indexKey(n.nas, n.acctSessionId);
    // The index finds the latest session of this (nas, Acct-Session-Id); the candidate
    // uniqueId finds it too when the index entry has expired but the session has not.
    const existing = this.live(this.index.get(key)) ?? this.live(n.uniqueId) ?? null;
    const r = applyNormalized(existing?.session ?? null, n);
    if (r.superseded) this.put(r.superseded, null);
    if (r.changed && r.session) {
      this.put(r.session, r.snapshot);
      this.index.set(key, r.session.uniqueId);
    }
    const held = r.session !== null && sessionTenant(r.session) === null;
    return { action: r.action, changed: r.changed, uniqueId: r.session?.uniqueId ?? null, closed: r.superseded ? [r.superseded.uniqueId] : [], ...(held ? { held } : {}) };
  }

  private closeNasNow(nas: string, cause: string, at: number): string[] {
    const closed: string[] = [];
    for (const id of [...this.open.ofNas(nas)]) {
      const s = this.sessions.get(id)?.session;
      // A session that started after the reboot belongs to the NAS's new life.
      if (s && s.stopTime === null && s.startTime <= at) {
        this.put(forceClose(s, cause, at), null);
        closed.push(s.uniqueId);
      }
    }
    return closed.sort();
  }

  private closeStaleNow(now: number, multiple: number, interval: number): LiveSession[] {
    this.purgeExpired();
    const closed: LiveSession[] = [];
    for (const id of [...this.open.all]) {
      const s = this.sessions.get(id)?.session;
      if (s && isStale(s, now, multiple, interval)) {
        const c = forceClose(s, STALE_SESSION, s.lastUpdate);
        this.put(c, null);
        closed.push({ ...c });
      }
    }
    return closed.sort(byStart);
  }

  private ackNow(acks: readonly FlushAck[]): number {
    let cleared = 0;
    for (const a of acks) {
      const e = this.sessions.get(a.uniqueId);
      if (!e) continue;
      const flushed = new Set(a.snapshotAts);
      e.snapshots = e.snapshots.filter((p) => !flushed.has(p.at));
      if (e.version !== a.version || e.dirtySince === null) continue;
      e.dirtySince = null;
      this.finishedDirty.delete(a.uniqueId);
      cleared++;
      if (e.session.stopTime !== null) e.expiresAt = this.now() + this.ttlMs;
    }
    this.purgeExpired();
    return cleared;
  }

  private put(s: LiveSession, snapshot: UsageSnapshot | null): void {
    const prev = this.sessions.get(s.uniqueId);
    const e: Entry = prev ?? { session: s, version: 0, dirtySince: null, expiresAt: null, snapshots: [] };
    const before = prev?.session;
    e.session = s;
    e.version++;
    e.expiresAt = null;
    // An unattributed session waits for its tenant before it can go to PostgreSQL (usage_sessions.tenant_id).
    if (sessionTenant(s) !== null) {
      e.dirtySince ??= s.lastUpdate;
      // A finished session never reopens: once in the backlog it leaves only when acked.
      if (s.stopTime !== null) this.finishedDirty.add(s.uniqueId);
    }
    if (snapshot) {
      // Kept ordered by time, the oldest dropped beyond the limit (as the Redis sorted set does).
      const i = e.snapshots.findIndex((p) => p.at > snapshot.at);
      e.snapshots.splice(i === -1 ? e.snapshots.length : i, 0, snapshot);
      if (e.snapshots.length > this.snapshotLimit) e.snapshots.splice(0, e.snapshots.length - this.snapshotLimit);
    }
    this.sessions.set(s.uniqueId, e);
    this.open.link(s, before);
  }

  private purgeExpired(): void {
    const now = this.now();
    for (const [id, e] of this.sessions) {
      if (e.expiresAt !== null && e.expiresAt <= now) this.sessions.delete(id);
    }
    for (const [k, id] of this.index) if (!this.sessions.has(id)) this.index.delete(k);
  }

  private stateEntry(): JournalEntry {
    return { t: 'state', entries: [...this.sessions.values()], index: [...this.index] };
  }

  private loadState(e: Extract<JournalEntry, { t: 'state' }>): void {
    this.sessions.clear();
    this.index.clear();
    this.open.clear();
    this.finishedDirty.clear();
    for (const entry of e.entries) {
      // A journal written before tenancy holds the default tenant's sessions.
      if (entry.session.tenantId === undefined) entry.session = { ...entry.session, tenantId: DEFAULT_TENANT_ID };
      this.sessions.set(entry.session.uniqueId, entry);
      this.open.link(entry.session);
      if (entry.dirtySince !== null && entry.session.stopTime !== null) this.finishedDirty.add(entry.session.uniqueId);
    }
    for (const [k, id] of e.index) this.index.set(k, id);
  }
}
