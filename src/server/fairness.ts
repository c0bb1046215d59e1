/**
 * Fair admission of requests to the dispatcher, so that a flood from one NAS
 * cannot starve the others.
 *
 * Each NAS (per port) is a tenant with a bounded queue of requests waiting to
 * start and a cap on its requests in flight (started, awaiting the thread
 * pool's scrypt, Redis or PostgreSQL). Waiting requests are started
 * round-robin, one per tenant per pass, at most `batch` per event-loop turn.
 *
 * Why the batch matters: all NASes share one socket, and the kernel's
 * receive buffer is a single FIFO that cannot be fair: once it is full, a
 * quiet NAS's datagram is dropped there as readily as a flooder's, and
 * otherwise it waits behind thousands of them. So reading must outpace the
 * flood. libuv reads at most 32 datagrams per socket per loop turn; when a
 * turn brought that many (the kernel holds more: we are behind), the next
 * turn starts only `pressure.batch` requests, so most of the time goes to
 * reading. The flooding NAS's queue then fills and its excess is refused at
 * the cost of a Map lookup, while every other NAS's datagrams are read at
 * once and served round-robin. A refused request is counted by the caller as
 * 'overload' and gets no answer: the NAS retransmits or fails over (RFC 2865
 * §2.4 leaves that to the client).
 *
 * A tenant the login guard calls throttled (its NAS is over the failed-login
 * threshold) is also held to a request rate (token bucket) and tighter caps.
 */

export interface FairnessLimits {
  /** Requests of one tenant waiting to start; beyond it new ones are refused. */
  queued: number;
  /** Requests of one tenant started and not finished. */
  inFlight: number;
}

export interface FairQueueOptions {
  normal: FairnessLimits;
  throttled: FairnessLimits & { perSecond: number };
  /** Requests started per event-loop turn, all tenants together (see above). */
  batch: number;
  /** When at least `arrivals` datagrams came in since the last turn, start only `batch` this turn. */
  pressure: { arrivals: number; batch: number };
  /** Waiting requests of all tenants together; past it a tenant only gets its fair share. */
  totalQueued: number;
  isThrottled?: (tenant: string) => boolean;
  now?: () => number;
}

/** The defaults the daemon uses. Sized for the bench's 64-request window with room to spare. */
export const DEFAULT_FAIRNESS: FairQueueOptions = {
  normal: { queued: 1024, inFlight: 32 },
  throttled: { queued: 64, inFlight: 4, perSecond: 100 },
  batch: 16,
  pressure: { arrivals: 32, batch: 4 },
  totalQueued: 16_384,
};

/** A growable FIFO ring: push and shift in O(1) without reallocating per item. */
class Ring<T> {
  private items: Array<T | undefined> = new Array<T | undefined>(16);
  private head = 0;
  size = 0;

  push(x: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = x;
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const x = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size--;
    return x;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = next;
    this.head = 0;
  }
}

interface Tenant<T> {
  readonly name: string;
  readonly queue: Ring<T>;
  inFlight: number;
  /** In the ready ring (has waiting requests and may start one). */
  ready: boolean;
  tokens: number;
  refilledAt: number;
  /** Bound once per tenant: completing a request allocates no closure. */
  readonly done: () => void;
}

export interface FairQueueStats {
  tenants: number;
  queued: number;
  inFlight: number;
}

export class FairQueue<T> {
  private readonly tenants = new Map<string, Tenant<T>>();
  private readonly readyRing = new Ring<Tenant<T>>();
  private queued = 0;
  private inFlight = 0;
  private scheduled = false;
  /** Offers since the last turn, refused ones included: how fast datagrams are coming in. */
  private arrivals = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly now: () => number;

  constructor(
    private readonly run: (job: T) => Promise<void>,
    private readonly o: FairQueueOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  /** Queues a request of `tenant`; false when it is refused (the caller counts an 'overload' drop). */
  offer(tenant: string, job: T): boolean {
    this.arrivals++;
    const t = this.tenants.get(tenant) ?? this.add(tenant);
    const throttled = this.o.isThrottled?.(tenant) ?? false;
    const limits = throttled ? this.o.throttled : this.o.normal;
    if (t.queue.size >= limits.queued) return false;
    if (this.queued >= this.o.totalQueued && t.queue.size >= this.fairShare()) return false;
    if (throttled && !this.takeToken(t)) return false;
    t.queue.push(job);
    this.queued++;
    this.makeReady(t, limits);
    return true;
  }

  stats(): FairQueueStats {
    return { tenants: this.tenants.size, queued: this.queued, inFlight: this.inFlight };
  }

  /** Resolves once nothing waits and nothing is in flight (shutdown). */
  idle(): Promise<void> {
    if (this.queued === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private add(name: string): Tenant<T> {
    const t: Tenant<T> = {
      name,
      queue: new Ring<T>(),
      inFlight: 0,
      ready: false,
      tokens: this.o.throttled.perSecond,
      refilledAt: this.now(),
      done: () => this.finished(t),
    };
    // Tenants are NAS names (the caller refuses unknown sources first), so this map stays as small as the NAS table.
    this.tenants.set(name, t);
    return t;
  }

  private fairShare(): number {
    return Math.max(1, Math.floor(this.o.totalQueued / Math.max(1, this.tenants.size)));
  }

  private takeToken(t: Tenant<T>): boolean {
    const now = this.now();
    const rate = this.o.throttled.perSecond;
    t.tokens = Math.min(rate, t.tokens + ((now - t.refilledAt) * rate) / 1000);
    t.refilledAt = now;
    if (t.tokens < 1) return false;
    t.tokens--;
    return true;
  }

  private limitsOf(t: Tenant<T>): FairnessLimits {
    return this.o.isThrottled?.(t.name) ? this.o.throttled : this.o.normal;
  }

  private makeReady(t: Tenant<T>, limits: FairnessLimits): void {
    if (t.ready || t.queue.size === 0 || t.inFlight >= limits.inFlight) return;
    t.ready = true;
    this.readyRing.push(t);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  }

  /** One event-loop turn's work: up to `batch` requests, one per ready tenant per pass. */
  private readonly turn = (): void => {
    this.scheduled = false;
    const batch = this.arrivals >= this.o.pressure.arrivals ? this.o.pressure.batch : this.o.batch;
    this.arrivals = 0;
    for (let started = 0; started < batch && this.readyRing.size > 0; ) {
      const t = this.readyRing.shift()!;
      t.ready = false;
      const limits = this.limitsOf(t);
      if (t.inFlight >= limits.inFlight) continue; // back in the ring when one of its requests finishes
      const job = t.queue.shift();
      if (job === undefined) continue;
      this.queued--;
      t.inFlight++;
      this.inFlight++;
      started++;
      // run() never rejects (the dispatcher answers or drops); done runs either way all the same.
      this.run(job).then(t.done, t.done);
      this.makeReady(t, limits);
    }
    if (this.readyRing.size > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  };

  private finished(t: Tenant<T>): void {
    t.inFlight--;
    this.inFlight--;
    this.makeReady(t, this.limitsOf(t));
    if (this.queued === 0 && this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
