/**
 * The authentication log, off the hot path: `record()` only appends to a
 * bounded in-memory queue; a timer writes batches with one INSERT each.
 * While the database is away the queue keeps the entries and retries with
 * backoff; if it fills up, the oldest entries are dropped and counted (an
 * Access-Request is never delayed or refused because its log line could not
 * be written: the log is for diagnosis, not billing).
 */
import type { AuthLogEntry } from '../domain/auth-result.js';
import type { Queryable } from './db.js';
import { insertAuthLogRows } from './auth-log.js';
import { AuthLogRows } from './auth-log-rows.js';
import { dbErrorInfo } from './pg-errors.js';

export interface AuthLogWriterOptions {
  /** Queue bound (default 50,000); beyond it the oldest entries are dropped. */
  maxBuffered?: number;
  /** Flush at least this often (default 500 ms)... */
  flushIntervalMs?: number;
  /** ...and as soon as this many are waiting; also the most per INSERT (default 250). */
  batchSize?: number;
  /** First retry delay after a failed write; doubles up to maxRetryDelayMs (defaults 500 ms, 30 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** How long close() keeps trying to write what is left (default 5 s). */
  closeTimeoutMs?: number;
  /** Told about each failed write: a pino logger fits. */
  log?: { warn(obj: Record<string, unknown>, msg: string): void };
}

export interface AuthLogWriterStats {
  buffered: number;
  written: number;
  dropped: number;
  failures: number;
}

/**
 * What waits to be written: full batches in order, then the one being filled.
 * A batch handed to the database is out of here until it succeeds or comes
 * back in front.
 */
class Backlog {
  #full: AuthLogRows[] = [];
  #filling = new AuthLogRows();
  #spare: AuthLogRows | null = null;
  size = 0;

  constructor(private readonly batchSize: number) {}

  append(e: AuthLogEntry): void {
    this.#filling.append(e);
    this.size++;
    if (this.#filling.size >= this.batchSize) this.#seal();
  }

  /** A full batch is waiting. */
  get hasFull(): boolean {
    return this.#full.length > 0;
  }

  dropOldest(): void {
    const oldest = this.#full[0] ?? this.#filling;
    oldest.dropOldest();
    this.size--;
    if (oldest.size === 0 && oldest !== this.#filling) this.#full.shift();
  }

  /** The oldest batch, taken out (sealing a partial one if need be); null when empty. */
  take(): AuthLogRows | null {
    if (this.#full.length === 0 && this.#filling.size > 0) this.#seal();
    const batch = this.#full.shift() ?? null;
    if (batch) this.size -= batch.size;
    return batch;
  }

  /** A failed batch goes back in front, keeping order. */
  putBack(batch: AuthLogRows): void {
    this.#full.unshift(batch);
    this.size += batch.size;
  }

  /** A written batch's buffers are kept for the next one. */
  recycle(batch: AuthLogRows): void {
    batch.clear();
    this.#spare = batch;
  }

  #seal(): void {
    this.#full.push(this.#filling);
    this.#filling = this.#spare ?? new AuthLogRows();
    this.#spare = null;
  }
}

export class AuthLogWriter {
  readonly #q: Queryable;
  readonly #o: Required<Omit<AuthLogWriterOptions, 'log'>> & Pick<AuthLogWriterOptions, 'log'>;
  readonly #queue: Backlog;
  #written = 0;
  #dropped = 0;
  #failures = 0;
  #serial: Promise<boolean> = Promise.resolve(true);
  #pending = 0;
  /** Entries of the batch whose INSERT is under way. */
  #inFlight = 0;
  #timer: NodeJS.Timeout | null = null;
  #retryAt = 0;
  #consecutiveFailures = 0;
  #closed = false;

  constructor(q: Queryable, opts: AuthLogWriterOptions = {}) {
    this.#q = q;
    this.#o = {
      maxBuffered: opts.maxBuffered ?? 50_000,
      flushIntervalMs: opts.flushIntervalMs ?? 500,
      batchSize: opts.batchSize ?? 250,
      retryDelayMs: opts.retryDelayMs ?? 500,
      maxRetryDelayMs: opts.maxRetryDelayMs ?? 30_000,
      closeTimeoutMs: opts.closeTimeoutMs ?? 5000,
      log: opts.log,
    };
    this.#queue = new Backlog(this.#o.batchSize);
    this.#timer = setInterval(() => this.#tick(), this.#o.flushIntervalMs);
    this.#timer.unref();
  }

  /** Hot path: an array push, nothing else. */
  record(entry: AuthLogEntry): void {
    if (this.#closed) {
      this.#dropped++;
      return;
    }
    this.#queue.append(entry);
    if (this.#queue.size > this.#o.maxBuffered) {
      this.#queue.dropOldest();
      this.#dropped++;
    }
    if (this.#queue.hasFull && this.#pending === 0 && Date.now() >= this.#retryAt) {
      setImmediate(() => this.#tick());
    }
  }

  stats(): AuthLogWriterStats {
    return { buffered: this.#queue.size + this.#inFlight, written: this.#written, dropped: this.#dropped, failures: this.#failures };
  }

  /** Writes everything queued now (one attempt per batch); throws the first failure. */
  async flush(): Promise<void> {
    await this.#serial;
    while (this.#queue.size > 0) {
      const ok = await this.#writeBatch();
      if (!ok) throw new Error(`authentication log: ${this.#queue.size} entries not written (database unavailable)`);
    }
  }

  /** For SIGTERM: stop the timer, then keep trying to write the rest until closeTimeoutMs. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    const deadline = Date.now() + this.#o.closeTimeoutMs;
    await this.#serial;
    while (this.#queue.size > 0 && Date.now() < deadline) {
      if (await this.#writeBatch()) continue;
      const wait = Math.min(this.#backoff(), deadline - Date.now());
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    if (this.#queue.size > 0) {
      this.#o.log?.warn({ lost: this.#queue.size }, 'authentication log entries not written before shutdown');
    }
  }

  #tick(): void {
    if (this.#pending > 0 || this.#queue.size === 0 || Date.now() < this.#retryAt) return;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    while (!this.#closed && this.#queue.size > 0 && (await this.#writeBatch())) {
      if (!this.#queue.hasFull) break; // the rest waits for the next tick
    }
  }

  /** One INSERT of up to batchSize entries; true on success. Never throws. Writes run one at a time, in order. */
  #writeBatch(): Promise<boolean> {
    const run = this.#serial.then(() => this.#writeNext());
    this.#serial = run;
    this.#pending++;
    return run.finally(() => this.#pending--);
  }

  async #writeNext(): Promise<boolean> {
    const batch = this.#queue.take();
    if (batch === null) return true;
    // Still waiting to be written until the INSERT commits: /metrics must not say 0 while a batch is in flight.
    this.#inFlight = batch.size;
    try {
      await insertAuthLogRows(this.#q, batch);
      this.#written += batch.size;
      this.#queue.recycle(batch);
      this.#consecutiveFailures = 0;
      this.#retryAt = 0;
      return true;
    } catch (e) {
      return this.#failed(e, batch);
    } finally {
      this.#inFlight = 0;
    }
  }

  /** Keeps the batch for a retry, unless the data itself is refused (retrying could never succeed). */
  #failed(e: unknown, batch: AuthLogRows): boolean {
    this.#failures++;
    const sqlstate = dbErrorInfo(e)?.code ?? '';
    const refusedData = sqlstate.startsWith('22') || sqlstate.startsWith('23');
    const message = e instanceof Error ? e.message : String(e);
    if (refusedData) {
      this.#dropped += batch.size;
      this.#o.log?.warn({ err: message, dropped: batch.size }, 'authentication log batch refused by the database; dropped');
      return true;
    }
    this.#queue.putBack(batch);
    while (this.#queue.size > this.#o.maxBuffered) {
      this.#queue.dropOldest();
      this.#dropped++;
    }
    this.#consecutiveFailures++;
    this.#retryAt = Date.now() + this.#backoff();
    this.#o.log?.warn({ err: message, buffered: this.#queue.size }, 'authentication log write failed; will retry');
    return false;
  }

  #backoff(): number {
    const n = Math.max(0, this.#consecutiveFailures - 1);
    return Math.min(this.#o.maxRetryDelayMs, this.#o.retryDelayMs * 2 ** n);
  }
}
