/**
 * Per-NAS activity for `nas diagnose`: counters in memory per (NAS name, or
 * source address when no NAS matches; minute; outcome), added to the
 * nas_activity table (db/nas-activity.ts) every few seconds and at shutdown.
 *
 * An answered request costs a clock read, one Map lookup and two integer
 * writes; the database sees one statement per flush, never one per request.
 * Drops, refusals and unanswered requests take the slower general path: they
 * are the exception. A failed write keeps its deltas for the next flush, so a
 * database outage loses nothing but very old counts (beyond MAX_PENDING_ROWS).
 */
import type { Logger } from 'pino';
import type { Queryable } from '../db/db.js';
import { addNasActivity, pruneNasActivity, type ActivityRow, type ActivitySourceKind } from '../db/nas-activity.js';

const MINUTE_MS = 60_000;
const KEEP_MS = 24 * 60 * MINUTE_MS;
const PRUNE_EVERY_MS = 60 * MINUTE_MS;
/** Unknown source addresses followed one by one between flushes; beyond, they count as one. */
const MAX_UNKNOWN_SOURCES = 1_000;
const OTHER_SOURCES = 'other addresses';
/** Rows kept for retry while the database is away. */
const MAX_PENDING_ROWS = 100_000;

export interface NasActivityOptions {
  /** How often counts are written (default 10 s). */
  flushMs?: number;
  now?: () => number;
}

/** One source's counts in one minute. */
class Tally {
  answered = 0;
  answeredAt = 0;
  /** Outcomes other than answered: rare, so a Map made on first use. */
  others: Map<string, { count: number; lastAt: number }> | null = null;

  constructor(
    readonly kind: ActivitySourceKind,
    readonly source: string,
    readonly minute: number,
  ) {}

  add(outcome: string, now: number): void {
    const others = (this.others ??= new Map());
    const o = others.get(outcome);
    if (o) {
      o.count++;
      o.lastAt = now;
    } else others.set(outcome, { count: 1, lastAt: now });
  }

  get empty(): boolean {
    return this.answered === 0 && this.others === null;
  }

  rows(out: ActivityRow[]): void {
    const at = this.minute * MINUTE_MS;
    if (this.answered > 0) out.push({ kind: this.kind, source: this.source, minute: at, outcome: 'answered', count: this.answered, lastAt: this.answeredAt });
    for (const [outcome, o] of this.others ?? []) out.push({ kind: this.kind, source: this.source, minute: at, outcome, count: o.count, lastAt: o.lastAt });
  }
}

export class NasActivity {
  private known = new Map<string, Tally>();
  private unknown = new Map<string, Tally>();
  /** Tallies of past minutes, and rows whose write failed, waiting for the next flush. */
  private finished: Tally[] = [];
  private retry: ActivityRow[] = [];
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | null;
  private flushing: Promise<void> | null = null;
  private lastPrune = 0;
  private failing = false;

  constructor(
    private readonly db: Queryable,
    private readonly log: Logger,
    opts: NasActivityOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    const every = opts.flushMs ?? 10_000;
    this.timer = every > 0 ? setInterval(() => void this.flush(), every) : null;
    this.timer?.unref();
  }

  /** The hot path: one more request of this NAS answered. */
  answered(nas: string, now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    let t = this.known.get(nas);
    if (t === undefined || t.minute !== minute) t = this.roll(this.known, 'nas', nas, minute);
    t.answered++;
    t.answeredAt = now;
  }

  /** A drop, a refusal ('reject:<reason>') or an unanswered request; `nas` null for a source that matches no NAS. */
  note(nas: string | null, address: string, outcome: string, now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    const [map, kind] = nas === null ? [this.unknown, 'address' as const] : [this.known, 'nas' as const];
    let source = nas ?? address;
    if (nas === null && !map.has(source) && map.size >= MAX_UNKNOWN_SOURCES) source = OTHER_SOURCES;
    let t = map.get(source);
    if (t === undefined || t.minute !== minute) t = this.roll(map, kind, source, minute);
    t.add(outcome, now);
  }

  /** Writes what was counted since the last flush; never rejects. Concurrent calls share one write. */
  flush(): Promise<void> {
    return (this.flushing ??= this.write().finally(() => (this.flushing = null)));
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  private roll(map: Map<string, Tally>, kind: ActivitySourceKind, source: string, minute: number): Tally {
    const old = map.get(source);
    if (old && !old.empty) this.finished.push(old);
    const t = new Tally(kind, source, minute);
    map.set(source, t);
    return t;
  }

  private take(): ActivityRow[] {
    const tallies = this.finished;
    this.finished = [];
    for (const t of this.known.values()) if (!t.empty) tallies.push(t);
    for (const t of this.unknown.values()) if (!t.empty) tallies.push(t);
    // Fresh maps: counting goes on into new tallies while this batch is written.
    this.known = new Map();
    this.unknown = new Map();
    const rows = this.retry;
    this.retry = [];
    for (const t of tallies) t.rows(rows);
    return merge(rows);
  }

  private async write(): Promise<void> {
    const rows = this.take();
    try {
      await addNasActivity(this.db, rows);
      if (this.failing) this.log.info({ rows: rows.length }, 'NAS activity written again');
      this.failing = false;
    } catch (e) {
      this.retry = rows.slice(-MAX_PENDING_ROWS);
      if (!this.failing) this.log.warn({ err: (e as Error).message, rows: rows.length }, 'NAS activity not written; kept for the next try');
      this.failing = true;
      return;
    }
    const now = this.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    try {
      await pruneNasActivity(this.db, new Date(now - KEEP_MS));
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'old NAS activity not pruned');
    }
  }
}

/** One row per key: an upsert cannot touch the same row twice in one statement. */
function merge(rows: ActivityRow[]): ActivityRow[] {
  const byKey = new Map<string, ActivityRow>();
  for (const r of rows) {
    const key = `${r.kind}\u0000${r.source}\u0000${r.minute}\u0000${r.outcome}`;
    const had = byKey.get(key);
    if (had) {
      had.count += r.count;
      had.lastAt = Math.max(had.lastAt, r.lastAt);
    } else byKey.set(key, { ...r });
  }
  return [...byKey.values()];
}
