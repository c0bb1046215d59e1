/**
 * Usage over time, bucket by bucket (an hour, a day, a month, UTC), for the
 * console's graphs: each session's counters split at the buckets' edges the
 * way the billing export splits them at a period's (export.ts usageWithin:
 * linear between the two records around an edge: the session's start, its
 * interim snapshots, its stop or last update). So a bucket holds what was
 * carried in it to within one interim interval, and the buckets of a
 * session add up to its totals. Usage not flushed yet (the last minute,
 * by default) is not there; an open session counts up to its last record.
 */
import type { Queryable } from '../db/db.js';
import { sessionsOverlapping, snapshotsAround, type UsageTenant } from '../db/usage.js';
import { usageWithin } from './export.js';

export type SeriesRange = '24h' | '30d' | '12m' | 'month';
export type BucketUnit = 'hour' | 'day' | 'month';

export interface UsageBucket {
  /** Epoch ms of the bucket's start (UTC). */
  start: number;
  inputOctets: number;
  outputOctets: number;
  seconds: number;
}

export interface UsageSeries {
  range: SeriesRange;
  unit: BucketUnit;
  from: number;
  to: number;
  buckets: UsageBucket[];
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The edges of the range's buckets ending with the one holding `now`: n + 1 instants. */
export function bucketEdges(range: SeriesRange, now: number): { unit: BucketUnit; edges: number[] } {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const steps = (first: number, n: number, step: number): number[] => Array.from({ length: n + 1 }, (_, i) => first + i * step);
  switch (range) {
    case '24h': {
      const next = Math.floor(now / HOUR) * HOUR + HOUR;
      return { unit: 'hour', edges: steps(next - 24 * HOUR, 24, HOUR) };
    }
    case '30d': {
      const next = Date.UTC(y, m, d.getUTCDate() + 1);
      return { unit: 'day', edges: steps(next - 30 * DAY, 30, DAY) };
    }
    case 'month': {
      const days = d.getUTCDate();
      return { unit: 'day', edges: steps(Date.UTC(y, m, 1), days, DAY) };
    }
    case '12m':
      return { unit: 'month', edges: Array.from({ length: 13 }, (_, i) => Date.UTC(y, m - 11 + i, 1)) };
  }
}

/** `tenant`'s usage (one member's with `username`) in the range's buckets up to `now`. */
export async function usageSeries(db: Queryable, tenant: UsageTenant, range: SeriesRange, now: number, username?: string): Promise<UsageSeries> {
  const { unit, edges } = bucketEdges(range, now);
  const from = edges[0]!;
  const to = edges[edges.length - 1]!;
  const buckets: UsageBucket[] = edges.slice(0, -1).map((start) => ({ start, inputOctets: 0, outputOctets: 0, seconds: 0 }));
  const sessions = await sessionsOverlapping(db, from, to, tenant, username);
  const endOf = (s: (typeof sessions)[number]): number => Math.max(s.startTime, s.stopTime ?? s.lastUpdate);
  // Snapshots only where a session crosses an edge: the two around each crossing.
  const pairs = sessions.flatMap((s) => edges.filter((e) => e > s.startTime && e < endOf(s)).map((at) => ({ uniqueId: s.uniqueId, at })));
  const snaps = await snapshotsAround(db, pairs);
  for (const s of sessions) {
    const first = Math.max(0, edges.findIndex((e, i) => i + 1 < edges.length && edges[i + 1]! > s.startTime));
    for (let i = first; i < buckets.length && edges[i]! <= endOf(s); i++) {
      const u = usageWithin(s, snaps.get(s.uniqueId) ?? [], edges[i]!, edges[i + 1]!);
      const b = buckets[i]!;
      b.inputOctets += u.inputOctets;
      b.outputOctets += u.outputOctets;
      b.seconds += u.seconds;
    }
  }
  return { range, unit, from, to, buckets };
}
