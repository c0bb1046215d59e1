/**
 * `radassoc nas diagnose <name|address>`: what one NAS (or an unknown source
 * address) sent in the last hour and what came of it, read from the
 * nas_activity table that every daemon adds to: last request seen, answered,
 * dropped and refused by reason, the last drop, and what to check.
 */
import { isIP } from 'node:net';
import type { Queryable } from '../db/db.js';
import { activityTotals, latestActivity, outcomesOfNas, type ActivitySourceKind, type OutcomeTotal } from '../db/nas-activity.js';
import { getNas, nasForAddress } from '../db/nas.js';
import { dropSummary } from '../domain/drop-causes.js';
import type { NasClient } from '../domain/nas.js';
import { fail } from '../errors.js';
import { DROP_REASONS } from '../protocol/index.js';
import { unmapIPv4 } from '../net/ip.js';
import { nowOf } from './days.js';
import { nasAdvice } from './nas-diagnose-words.js';

export { formatNasDiagnosis } from './nas-diagnose-words.js';

export const WINDOW_MINUTES = 60;
const REJECT_PREFIX = 'reject:';
const DROPS: ReadonlySet<string> = new Set(DROP_REASONS);
/** Outcomes that are not drops. */
const NOT_DROPS = ['answered', 'unanswered'];

export interface NasDiagnosis {
  target: string;
  /** ISO 8601, when this was gathered. */
  at: string;
  window_minutes: number;
  /** The NAS matched by name or address; null for a source address that matches none. */
  nas: { name: string; address: string; require_message_authenticator: boolean } | null;
  source_kind: ActivitySourceKind;
  /** The NAS name, or the source address. */
  source: string;
  /** Latest request of any outcome over the day kept; null when none. */
  last_request_at: string | null;
  /** Over the window: */
  answered: number;
  unanswered: number;
  dropped: Record<string, number>;
  dropped_total: number;
  /** Answered Access-Requests refused, by reject reason. */
  refused: Record<string, number>;
  last_drop: { reason: string; at: string; cause: string } | null;
  /** What to check, in plain sentences. */
  advice: string[];
}

interface Resolved {
  nas: NasClient | null;
  kind: ActivitySourceKind;
  source: string;
}

async function resolve(db: Queryable, target: string): Promise<Resolved> {
  const named = await getNas(db, target);
  if (named) return { nas: named, kind: 'nas', source: named.name };
  if (isIP(target) === 0) {
    throw fail('UNKNOWN_NAS', { nas: target, lookup: 'name-or-address' });
  }
  const address = unmapIPv4(target);
  const holder = await nasForAddress(db, address);
  if (holder) return { nas: holder, kind: 'nas', source: holder.name };
  if ((await latestActivity(db, 'address', address)).length > 0) return { nas: null, kind: 'address', source: address };
  throw fail('UNKNOWN_NAS', { address });
}

function sum(totals: readonly OutcomeTotal[], pick: (outcome: string) => boolean): number {
  return totals.reduce((n, t) => (pick(t.outcome) ? n + t.count : n), 0);
}

export async function diagnoseNas(deps: { db: Queryable; now?: () => number }, target: string): Promise<NasDiagnosis> {
  const now = nowOf(deps);
  const r = await resolve(deps.db, target);
  const since = new Date(Math.floor(now / 60_000) * 60_000 - (WINDOW_MINUTES - 1) * 60_000);
  const [totals, latest] = await Promise.all([activityTotals(deps.db, r.kind, r.source, since), latestActivity(deps.db, r.kind, r.source)]);
  const dropped: Record<string, number> = {};
  const refused: Record<string, number> = {};
  for (const t of totals) {
    if (DROPS.has(t.outcome)) dropped[t.outcome] = t.count;
    else if (t.outcome.startsWith(REJECT_PREFIX)) refused[t.outcome.slice(REJECT_PREFIX.length)] = t.count;
  }
  const lastDrop = latest.find((t) => DROPS.has(t.outcome));
  const d: NasDiagnosis = {
    target,
    at: new Date(now).toISOString(),
    window_minutes: WINDOW_MINUTES,
    nas: r.nas && { name: r.nas.name, address: r.nas.address, require_message_authenticator: r.nas.requireMessageAuthenticator },
    source_kind: r.kind,
    source: r.source,
    last_request_at: latest[0]?.lastAt.toISOString() ?? null,
    answered: sum(totals, (o) => o === 'answered'),
    unanswered: sum(totals, (o) => o === 'unanswered'),
    dropped,
    dropped_total: sum(totals, (o) => DROPS.has(o)),
    refused,
    last_drop: lastDrop ? { reason: lastDrop.outcome, at: lastDrop.lastAt.toISOString(), cause: dropSummary(lastDrop.outcome) } : null,
    advice: [],
  };
  d.advice = nasAdvice(d);
  return d;
}

export interface NasDrops {
  nas: string;
  dropped: number;
  /** The most frequent reason, and its likely cause in a few words. */
  reason: string;
  cause: string;
}

/** Drops of these NAS over the window, for `diagnose <user>`: the NAS a member logs in through. */
export async function recentNasDrops(db: Queryable, names: readonly string[], now: number): Promise<NasDrops[]> {
  const since = new Date(Math.floor(now / 60_000) * 60_000 - (WINDOW_MINUTES - 1) * 60_000);
  const rows = (await outcomesOfNas(db, names, since, NOT_DROPS)).filter((r) => DROPS.has(r.outcome));
  const out: NasDrops[] = [];
  // Rows come per NAS, most frequent reason first.
  for (const r of rows) {
    const had = out.find((x) => x.nas === r.nas);
    if (had) had.dropped += r.count;
    else out.push({ nas: r.nas, dropped: r.count, reason: r.outcome, cause: dropSummary(r.outcome) });
  }
  return out.filter((x) => x.dropped > 0);
}
