/**
 * In-process counters of the daemon: what came in, what was answered, what was
 * dropped and why. Plain integers on the hot path; exposition formats read them.
 */
import { Histogram } from 'prom-client';
import { DROP_REASONS, type DropReason } from '../protocol/index.js';
import type { RejectReason } from '../domain/auth-result.js';

/** Why a valid request got no answer: the NAS will retransmit or fail over. */
export type UnansweredReason = 'storage-unavailable' | 'internal-error' | 'shutting-down' | 'reply-too-long';

/**
 * What an answer said, per kind of request: the Access-Request's answer code
 * (RFC 2865 §4.2-4.4); for accounting, whether the record was stored or only
 * acknowledged (no Acct-Status-Type or Acct-Session-Id to key it by); for
 * Status-Server (RFC 5997 §3), Access-Accept on the authentication port and
 * Accounting-Response on the accounting port.
 */
export const ANSWER_RESULTS = {
  access: ['accept', 'reject', 'challenge'],
  accounting: ['stored', 'not-stored'],
  status: ['accept', 'response'],
} as const;

export type AnswerKind = keyof typeof ANSWER_RESULTS;

type Observer = { observe(seconds: number): void };

/** One (kind, result) series, resolved once: answering bumps a field, no label lookup per request. */
export class AnswerCount {
  n = 0;
  constructor(
    readonly kind: AnswerKind,
    readonly result: string,
    private readonly latency: Observer | null,
  ) {}

  /** One answer sent, `ms` after its datagram came in. */
  add(ms: number): void {
    this.n++;
    this.latency?.observe(ms / 1000);
  }
}

export type AnswerCounts = { readonly [K in AnswerKind]: { readonly [R in (typeof ANSWER_RESULTS)[K][number]]: AnswerCount } };

/** Access-Requests decided for one tenant (tenant id 0: none could be determined), rejects by reason. */
export interface TenantAccessCount {
  accepts: number;
  rejects: Map<RejectReason, number>;
}

/** The tenant key of a request no tenant could be found for (routing refused it); tenant ids start at 1. */
export const NO_TENANT = 0;

export class ServerMetrics {
  readonly drops: Record<DropReason, number> = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  readonly unanswered: Record<UnansweredReason, number> = { 'storage-unavailable': 0, 'internal-error': 0, 'shutting-down': 0, 'reply-too-long': 0 };
  duplicatesReplayed = 0;
  duplicatesInFlight = 0;
  /** Time from datagram to answer; registered on the /metrics registry by prometheus.ts. */
  readonly latency = new Histogram({
    name: 'radassoc_request_duration_seconds',
    help: 'Time from datagram to answer, for answered Access and Accounting requests',
    labelNames: ['kind'],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [],
  });
  /** Requests answered, by kind and result: `answers.access.accept.add(ms)`. */
  readonly answers: AnswerCounts;
  /** Access decisions per tenant id; bounded by the number of tenants (prometheus.ts bounds the labels). */
  readonly tenants = new Map<number, TenantAccessCount>();

  constructor() {
    const access = this.latency.labels('access');
    const accounting = this.latency.labels('accounting');
    const series = <K extends AnswerKind>(kind: K, latency: Observer | null): AnswerCounts[K] =>
      Object.fromEntries(ANSWER_RESULTS[kind].map((r) => [r, new AnswerCount(kind, r, latency)])) as AnswerCounts[K];
    // Status-Server is answered at once, without work worth timing: it stays out of the histogram.
    this.answers = { access: series('access', access), accounting: series('accounting', accounting), status: series('status', null) };
  }

  /** Every (kind, result) series, zeros included, for exposition. */
  answerCounts(): AnswerCount[] {
    return Object.values(this.answers).flatMap((byResult) => Object.values(byResult) as AnswerCount[]);
  }

  /** Requests answered per kind, all results together. */
  get answered(): ReadonlyMap<AnswerKind, number> {
    const out = new Map<AnswerKind, number>();
    for (const a of this.answerCounts()) out.set(a.kind, (out.get(a.kind) ?? 0) + a.n);
    return out;
  }

  /** One Access-Request decided for `tenantId` (null: routing refused it), rejected for `reason` or accepted (null). */
  tenantAccess(tenantId: number | null, reason: RejectReason | null): void {
    const key = tenantId ?? NO_TENANT;
    let c = this.tenants.get(key);
    if (c === undefined) this.tenants.set(key, (c = { accepts: 0, rejects: new Map() }));
    if (reason === null) c.accepts++;
    else c.rejects.set(reason, (c.rejects.get(reason) ?? 0) + 1);
  }

  drop(reason: DropReason): void {
    this.drops[reason]++;
  }

  totalDrops(): number {
    let n = 0;
    for (const r of DROP_REASONS) n += this.drops[r];
    return n;
  }
}
