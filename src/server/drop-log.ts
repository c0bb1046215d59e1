/**
 * Drops made visible in the log without letting a flood fill the disk: the
 * first drop per (source address, reason) is logged at once with its likely
 * cause; further ones are counted and reported in one line per period (a
 * minute by default). A source quiet for a whole period is forgotten, so the
 * next drop from it is logged at once again. Only drops come here: an
 * answered request costs nothing.
 *
 * The line carries the source, the NAS name when known, the reason, the
 * packet id and the cause in words (domain/drop-causes.ts): never the
 * packet's content, so never a password or a secret.
 */
import type { Logger } from 'pino';
import { dropCause, type DropContext } from '../domain/drop-causes.js';
import type { DropReason } from '../protocol/index.js';

export interface DropLogOptions {
  /** How often the count of further drops is logged (default 60 s). */
  everyMs?: number;
  /** Sources followed one by one; beyond, drops are counted together (default 10,000). */
  maxSources?: number;
  now?: () => number;
}

export interface DropNotice extends DropContext {
  reason: DropReason;
  address: string;
  nas?: string | undefined;
  id?: number | undefined;
}

interface Followed {
  notice: DropNotice;
  since: number;
  count: number;
}

/** Unknown sources are noise as often as a mistake (scanners): info. Everything else is a NAS misconfigured: warn. */
const INFO_REASONS: ReadonlySet<DropReason> = new Set(['unknown-nas', 'unknown-code', 'datagram-too-short', 'length-too-small', 'length-too-large', 'length-exceeds-datagram', 'bad-attribute-length']);

export class DropLog {
  private readonly followed = new Map<string, Followed>();
  private readonly everyMs: number;
  private readonly maxSources: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  /** Drops not followed because maxSources was reached, since the last sweep. */
  private untracked = 0;

  constructor(
    private readonly log: Logger,
    opts: DropLogOptions = {},
  ) {
    this.everyMs = opts.everyMs ?? 60_000;
    this.maxSources = opts.maxSources ?? 10_000;
    this.now = opts.now ?? Date.now;
    // Swept several times a period, so each source's count line comes about one period after its first line.
    this.timer = setInterval(() => this.sweep(false), Math.max(50, Math.floor(this.everyMs / 6)));
    this.timer.unref();
  }

  note(n: DropNotice): void {
    const key = `${n.reason} ${n.address}`;
    const seen = this.followed.get(key);
    if (seen) {
      seen.count++;
      return;
    }
    if (this.followed.size >= this.maxSources) {
      this.untracked++;
      return;
    }
    this.followed.set(key, { notice: n, since: this.now(), count: 0 });
    this.write(n, `dropped request from ${n.address}${n.nas ? ` (NAS ${n.nas})` : ''}: ${dropCause(n.reason, n)}`, {});
  }

  /** Logs what is still counted (at shutdown) and stops the timer. */
  close(): void {
    clearInterval(this.timer);
    this.sweep(true);
  }

  private sweep(all: boolean): void {
    const now = this.now();
    for (const [key, f] of this.followed) {
      if (!all && now - f.since < this.everyMs) continue;
      if (f.count === 0) {
        this.followed.delete(key);
        continue;
      }
      const { notice: n } = f;
      const seconds = Math.max(1, Math.round((now - f.since) / 1000));
      this.write(n, `dropped ${f.count} more from ${n.address}${n.nas ? ` (NAS ${n.nas})` : ''} in ${seconds} s: ${dropCause(n.reason, n)}`, { dropped: f.count, seconds });
      f.since = now;
      f.count = 0;
    }
    if (this.untracked > 0) {
      this.log.warn({ dropped: this.untracked }, 'requests dropped from too many different sources to log each one');
      this.untracked = 0;
    }
  }

  private write(n: DropNotice, msg: string, extra: Record<string, unknown>): void {
    const ctx = { from: n.address, nas: n.nas, reason: n.reason, id: n.id, port: n.port, ...extra };
    if (INFO_REASONS.has(n.reason)) this.log.info(ctx, msg);
    else this.log.warn(ctx, msg);
  }
}
