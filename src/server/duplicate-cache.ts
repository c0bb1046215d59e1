/**
 * RFC 5080 §2.2.2 duplicate detection with a response cache. The key is the
 * source address and port, the identifier and the receiving socket; a request
 * with the same key but another authenticator is a new request. Entries live
 * for at least one window: two generations of Maps are rotated, so expiry
 * costs nothing per packet.
 */
export type CachedAnswer =
  /** The original is still being processed: drop the retransmission, the answer is coming. */
  | { state: 'pending'; authenticator: Buffer }
  | { state: 'answered'; authenticator: Buffer; response: Buffer };

export type DuplicateVerdict = { kind: 'new' } | { kind: 'pending' } | { kind: 'replay'; response: Buffer };

// Verdicts without data are shared: classifying a request allocates only its pending entry.
const NEW: DuplicateVerdict = Object.freeze({ kind: 'new' });
const PENDING: DuplicateVerdict = Object.freeze({ kind: 'pending' });

export class DuplicateCache {
  private current = new Map<string, CachedAnswer>();
  private previous = new Map<string, CachedAnswer>();
  private readonly timer: NodeJS.Timeout | null;

  constructor(windowMs: number) {
    this.timer = windowMs > 0 ? setInterval(() => this.rotate(), windowMs) : null;
    this.timer?.unref();
  }

  static key(address: string, port: number, identifier: number, socket: string): string {
    return `${address}|${port}|${identifier}|${socket}`;
  }

  /** Classifies a verified request and, when it is new, marks it pending. */
  check(key: string, authenticator: Buffer): DuplicateVerdict {
    const entry = this.current.get(key) ?? this.previous.get(key);
    if (entry && entry.authenticator.equals(authenticator)) {
      return entry.state === 'pending' ? PENDING : { kind: 'replay', response: entry.response };
    }
    this.current.set(key, { state: 'pending', authenticator });
    return NEW;
  }

  answered(key: string, authenticator: Buffer, response: Buffer): void {
    this.current.set(key, { state: 'answered', authenticator, response });
  }

  /** Forget a request we did not answer, so its retransmission is processed afresh. */
  unanswered(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  rotate(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
