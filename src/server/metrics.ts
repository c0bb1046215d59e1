/**
 * In-process counters of the daemon: what came in, what was answered, what was
 * dropped and why. Plain integers on the hot path; exposition formats read them.
 */
import { Histogram } from 'prom-client';
import { DROP_REASONS, type DropReason } from '../protocol/decode.js';

/** Why a valid request got no answer: the NAS will retransmit or fail over. */
export type UnansweredReason = 'storage-unavailable' | 'internal-error' | 'shutting-down' | 'reply-too-long';

export class ServerMetrics {
  readonly drops: Record<DropReason, number> = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  readonly unanswered: Record<UnansweredReason, number> = { 'storage-unavailable': 0, 'internal-error': 0, 'shutting-down': 0, 'reply-too-long': 0 };
  /** Requests answered, by "<request>:<result>", e.g. "access:accept". */
  readonly answered = new Map<string, number>();
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

  drop(reason: DropReason): void {
    this.drops[reason]++;
  }

  answer(kind: string, ms: number): void {
    this.answered.set(kind, (this.answered.get(kind) ?? 0) + 1);
    this.latency.observe({ kind }, ms / 1000);
  }

  totalDrops(): number {
    let n = 0;
    for (const r of DROP_REASONS) n += this.drops[r];
    return n;
  }
}
