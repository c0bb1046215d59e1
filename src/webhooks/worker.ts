/**
 * Delivers queued webhook events (db/hooks.ts): POST of the JSON body with
 * X-Radassoc-Event, X-Radassoc-Delivery (the event id, the same on every
 * attempt), X-Radassoc-Timestamp and X-Radassoc-Signature (signature.ts).
 * A 2xx answer is delivered; anything else (another status, a timeout, no
 * connection) is retried with exponential backoff and jitter until the event
 * is older than the maximum age. Every daemon runs one: claims are leases
 * taken with SKIP LOCKED, so a delivery is attempted by one daemon at a
 * time, and one whose daemon died is taken up again when its lease ends.
 * Delivery is at least once: a receiver drops a repeated delivery id.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/db.js';
import { claimDue, markDelivered, markFailed, releaseClaim, secondsToNextDue, type ClaimedDelivery } from '../db/hooks.js';
import { eventBody } from './events.js';
import { signature } from './signature.js';

export const DELIVERIES_CHANNEL = 'radassoc_hook_deliveries';

export interface HookWorkerOptions {
  db: Db;
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** Per attempt. */
  timeoutSeconds: number;
  /** First retry after about this long, doubling each attempt (with jitter), at most retryMaxSeconds. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** Undelivered past this age: given up. */
  maxAgeHours: number;
  /** Longest sleep between looks at the queue; a new event wakes the worker at once. */
  pollMs?: number;
  /** Deliveries attempted together. */
  batch?: number;
  random?: () => number;
}

/** Exponential backoff with "equal jitter": between half and all of base·2^(attempt-1), capped. */
export function retryDelaySeconds(attempt: number, baseSeconds: number, maxSeconds: number, random: () => number = Math.random): number {
  const full = Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return full / 2 + (random() * full) / 2;
}

export class HookWorker {
  private stopping = false;
  private readonly abort = new AbortController();
  private wake: (() => void) | null = null;
  private woken = false;
  private loop: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly opts: HookWorkerOptions) {}

  async start(): Promise<void> {
    this.unlisten = await this.opts.db.listen(DELIVERIES_CHANNEL, () => this.poke());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.poke();
    await this.loop;
    await this.unlisten?.().catch(() => undefined);
  }

  private poke(): void {
    this.woken = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { db, log } = this.opts;
    const pollMs = this.opts.pollMs ?? 5000;
    const lease = this.opts.timeoutSeconds + 30;
    while (!this.stopping) {
      this.woken = false;
      let claimed: ClaimedDelivery[] = [];
      try {
        claimed = await claimDue(db, this.opts.batch ?? 20, lease);
      } catch (e) {
        if (!this.stopping) log.warn({ err: (e as Error).message }, 'webhooks: cannot read the delivery queue; retrying');
        await this.sleep(pollMs);
        continue;
      }
      if (claimed.length > 0) {
        await Promise.all(claimed.map((d) => this.deliver(d)));
        continue;
      }
      const due = await secondsToNextDue(db).catch(() => null);
      await this.sleep(due === null ? pollMs : Math.min(pollMs, Math.max(50, Math.ceil(due * 1000))));
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const { db, log } = this.opts;
    const body = eventBody(d);
    const timestamp = Math.floor(Date.now() / 1000);
    // The hook by id and host: its URL may carry a token of the receiver's.
    const ctx = { hook: d.hookId, host: hostOf(d.url), event: d.event, delivery: d.eventId, tenant: d.tenant, attempt: d.attempts };
    let status: number | null = null;
    let error: string;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.opts.timeoutSeconds * 1000)]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'radassoc-webhooks/1',
          'x-radassoc-event': d.event,
          'x-radassoc-delivery': d.eventId,
          'x-radassoc-timestamp': String(timestamp),
          'x-radassoc-signature': signature(d.secret, timestamp, body),
        },
        body,
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (status >= 200 && status < 300) {
        await markDelivered(db, d.id, status);
        log.debug({ ...ctx, status }, 'webhook delivered');
        return;
      }
      error = `HTTP ${status}`;
    } catch (e) {
      if (this.stopping) {
        // Stopped mid-attempt: whichever daemon runs next sends it, with the same delivery id.
        await releaseClaim(db, d.id).catch(() => undefined);
        return;
      }
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      error = (e as Error).name === 'TimeoutError' ? `no answer within ${this.opts.timeoutSeconds} s` : (cause?.code ?? cause?.message ?? (e as Error).message);
    }
    try {
      const retryIn = retryDelaySeconds(d.attempts, this.opts.retryBaseSeconds, this.opts.retryMaxSeconds, this.opts.random);
      const outcome = await markFailed(db, d.id, { status, error, retryInSeconds: retryIn, maxAgeSeconds: this.opts.maxAgeHours * 3600 });
      if (outcome === 'given-up') log.error({ ...ctx, status, error }, 'webhook given up: undelivered past webhooks.maxAgeHours');
      else log.warn({ ...ctx, status, error, retryInSeconds: Math.round(retryIn) }, 'webhook not delivered; will retry');
    } catch (e) {
      // The lease runs out and the delivery is attempted again: nothing is lost.
      log.warn({ ...ctx, err: (e as Error).message }, 'webhooks: cannot record a failed attempt');
    }
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}
