/**
 * LISTEN on one dedicated connection that survives connection loss: after the
 * backend goes away (restart, failover, pg_terminate_backend) it reconnects
 * with capped exponential backoff and re-issues LISTEN for every channel.
 * Notifications sent while disconnected are lost (PostgreSQL does not queue
 * them for absent listeners), so a 'reconnected' event tells the caller to
 * reload whatever it caches. Nothing is logged here: events go to a callback.
 */
import pg from 'pg';

export type ListenerEvent =
  | { type: 'lost'; error: Error }
  | { type: 'retry-failed'; error: Error; attempt: number; nextDelayMs: number }
  | { type: 'reconnected'; attempt: number };

export interface ListenerOptions {
  onEvent?: (event: ListenerEvent) => void;
  /** First retry delay; doubles up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

type Callback = (payload: string) => void;

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Channels are identifiers, which cannot be bound as parameters: accept only plain names. */
export function quoteChannel(channel: string): string {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid LISTEN channel name ${JSON.stringify(channel)}`);
  return `"${channel}"`;
}

export class ReconnectingListener {
  readonly #connect: () => Promise<pg.Client>;
  readonly #opts: Required<Omit<ListenerOptions, 'onEvent'>> & Pick<ListenerOptions, 'onEvent'>;
  readonly #channels = new Map<string, Set<Callback>>();
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(connect: () => Promise<pg.Client>, opts: ListenerOptions = {}) {
    this.#connect = connect;
    this.#opts = { baseDelayMs: opts.baseDelayMs ?? 100, maxDelayMs: opts.maxDelayMs ?? 10_000, onEvent: opts.onEvent };
  }

  async listen(channel: string, cb: Callback): Promise<() => Promise<void>> {
    const quoted = quoteChannel(channel);
    const client = await this.#ensureClient();
    let set = this.#channels.get(channel);
    if (!set) {
      set = new Set();
      this.#channels.set(channel, set);
      await this.#serially(() => client.query(`LISTEN ${quoted}`));
    }
    set.add(cb);
    return async () => {
      const s = this.#channels.get(channel);
      if (!s?.delete(cb) || s.size > 0) return;
      this.#channels.delete(channel);
      const c = this.#client;
      if (c) await this.#serially(() => c.query(`UNLISTEN ${quoted}`)).catch(() => undefined);
    };
  }

  /** One query at a time on the connection (pg deprecates overlapping queries on a client). */
  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    const c = this.#client;
    this.#client = null;
    await c?.end().catch(() => undefined);
  }

  /** First use connects and lets a failure propagate (the caller reports it); later losses are retried. */
  async #ensureClient(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #open(): Promise<pg.Client> {
    const client = await this.#connect();
    if (this.#closed) {
      await client.end().catch(() => undefined);
      throw new Error('listener closed');
    }
    client.on('notification', (msg) => {
      const set = this.#channels.get(msg.channel);
      if (!set) return;
      for (const cb of set) cb(msg.payload ?? '');
    });
    const lost = (error: Error): void => this.#onLost(client, error);
    client.on('error', lost);
    client.on('end', () => lost(new Error('connection ended')));
    try {
      for (const channel of this.#channels.keys()) await client.query(`LISTEN ${quoteChannel(channel)}`);
    } catch (e) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw e;
    }
    this.#client = client;
    return client;
  }

  #onLost(client: pg.Client, error: Error): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = null;
    client.removeAllListeners('notification');
    void client.end().catch(() => undefined);
    this.#opts.onEvent?.({ type: 'lost', error });
    this.#scheduleRetry(1);
  }

  #scheduleRetry(attempt: number): void {
    if (this.#closed) return;
    const exp = Math.min(this.#opts.maxDelayMs, this.#opts.baseDelayMs * 2 ** (attempt - 1));
    const delay = Math.round(exp / 2 + Math.random() * (exp / 2));
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#ensureClient().then(
        () => this.#opts.onEvent?.({ type: 'reconnected', attempt }),
        (error: Error) => {
          if (this.#closed) return;
          const next = Math.min(this.#opts.maxDelayMs, this.#opts.baseDelayMs * 2 ** attempt);
          this.#opts.onEvent?.({ type: 'retry-failed', error, attempt, nextDelayMs: next });
          this.#scheduleRetry(attempt + 1);
        },
      );
    }, delay);
    this.#retryTimer.unref();
  }
}
