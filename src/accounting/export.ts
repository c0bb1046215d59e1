/**
 * The treasurer's billing export (design.md "Billing export"): usage per
 * member, or per session with --detail, for inclusive UTC dates [from, to].
 *
 * A session that spans a period boundary (a month's end, usually) is split:
 * its cumulative counters are known at its start (all zero), at each interim
 * snapshot, and at its end (stop, or last update while open); the value at
 * the boundary is interpolated linearly between the two known points around
 * it. The usage inside a period is value(end of period) − value(start of
 * period), each rounded to an integer, so consecutive periods add up exactly
 * to the session's totals, which match the NAS counters.
 * Detail rows carry the session's real start and stop; their counters are the
 * part inside the period.
 *
 * One tenant's usage only (its members are its own: the same username in two
 * tenants is two members), or the whole deployment's when asked for
 * explicitly, each row then marked with its tenant's name.
 *
 * Months past usage-detail retention are folded into monthly totals per
 * member (privacy/usage-fold.ts); their summary is read from those totals,
 * the same figures as before the fold.
 */
import { stringify } from 'csv-stringify/sync';
import type { Queryable } from '../db/db.js';
import { sessionsOverlapping, snapshotsOf, type SnapshotRow, type UsageSessionRow, type UsageTenant } from '../db/usage.js';
import { getTenantById } from '../db/tenants.js';
import { foldHorizons, monthlyTotalsWithin } from '../db/usage-totals.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import { fail } from '../errors.js';

export interface SummaryRow {
  /** The tenant's name: deployment-wide exports only. */
  tenant?: string;
  username: string;
  sessions: number;
  seconds: number;
  input_octets: number;
  output_octets: number;
}

export interface DetailRow {
  /** The tenant's name: deployment-wide exports only. */
  tenant?: string;
  username: string;
  nas: string;
  acct_session_id: string;
  /** ISO 8601 UTC. */
  start: string;
  /** ISO 8601 UTC; null while the session is open. */
  stop: string | null;
  seconds: number;
  input_octets: number;
  output_octets: number;
  terminate_cause: string | null;
  framed_ip: string | null;
}

export const SUMMARY_COLUMNS = ['username', 'sessions', 'seconds', 'input_octets', 'output_octets'] as const;
export const DETAIL_COLUMNS = ['username', 'nas', 'acct_session_id', 'start', 'stop', 'seconds', 'input_octets',
  'output_octets', 'terminate_cause', 'framed_ip'] as const;
/** --all-tenants: the same, after the tenant's name. */
export const ALL_TENANTS_SUMMARY_COLUMNS = ['tenant', ...SUMMARY_COLUMNS] as const;
export const ALL_TENANTS_DETAIL_COLUMNS = ['tenant', ...DETAIL_COLUMNS] as const;

export interface UsageExport {
  summary: SummaryRow[];
  detail: DetailRow[];
}

export interface Usage {
  seconds: number;
  inputOctets: number;
  outputOctets: number;
}

const DAY_MS = 86_400_000;

function parseDay(value: string, field: 'from' | 'to'): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) throw fail('INVALID_DATE', { field, value });
  return ms;
}

/** Inclusive UTC dates → [fromMs, toMs) with toMs the midnight after `to`. */
export function periodBounds(from: string, to: string): { fromMs: number; toMs: number } {
  const fromMs = parseDay(from, 'from');
  const toMs = parseDay(to, 'to') + DAY_MS;
  if (toMs <= fromMs) throw fail('INVALID_DATE', { from, to });
  return { fromMs, toMs };
}

interface Point extends Usage {
  at: number;
}

/** Cumulative counters of a session at time t (see the module comment). */
function cumulativeAt(points: readonly Point[], t: number): Usage {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || t < first.at) return { seconds: 0, inputOctets: 0, outputOctets: 0 };
  if (t >= last.at) return { seconds: last.seconds, inputOctets: last.inputOctets, outputOctets: last.outputOctets };
  let k = 0;
  while ((points[k + 1]?.at ?? Infinity) <= t) k++;
  const a = points[k] ?? first;
  const b = points[k + 1] ?? last;
  const f = b.at === a.at ? 1 : (t - a.at) / (b.at - a.at);
  const lerp = (x: number, y: number): number => Math.round(x + (y - x) * f);
  return { seconds: lerp(a.seconds, b.seconds), inputOctets: lerp(a.inputOctets, b.inputOctets), outputOctets: lerp(a.outputOctets, b.outputOctets) };
}

/** The part of a session's usage inside [fromMs, toMs). */
export function usageWithin(s: UsageSessionRow, snapshots: readonly SnapshotRow[], fromMs: number, toMs: number): Usage {
  const end = Math.max(s.startTime, s.stopTime ?? s.lastUpdate);
  const total: Point = { at: end, seconds: s.seconds, inputOctets: s.inputOctets, outputOctets: s.outputOctets };
  const points: Point[] = [{ at: s.startTime, seconds: 0, inputOctets: 0, outputOctets: 0 }];
  for (const p of [...snapshots].sort((x, y) => x.at - y.at)) {
    if (p.at <= s.startTime || p.at >= end) continue;
    const prev = points[points.length - 1] ?? total;
    // Never decreasing and never above the totals, whatever a NAS reported.
    const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
    points.push({
      at: p.at,
      seconds: clamp(p.seconds, prev.seconds, total.seconds),
      inputOctets: clamp(p.inputOctets, prev.inputOctets, total.inputOctets),
      outputOctets: clamp(p.outputOctets, prev.outputOctets, total.outputOctets),
    });
  }
  points.push(total);
  const a = cumulativeAt(points, fromMs);
  const b = cumulativeAt(points, toMs);
  return { seconds: b.seconds - a.seconds, inputOctets: b.inputOctets - a.inputOctets, outputOctets: b.outputOctets - a.outputOctets };
}

/** The export of a period, and which tenants' part of it came from folded monthly totals. */
export interface PeriodUsage extends UsageExport {
  /**
   * Tenants whose usage detail before `until` (ISO date, a month's first day)
   * was folded into monthly totals: their summary there comes from the totals,
   * and they have no detail rows there.
   */
  folded: Array<{ tenant: string; until: string }>;
}

/**
 * `tenant`'s usage in the period (the default tenant's unless told), or every
 * tenant's with 'all'. Where retention has folded a tenant's months into
 * monthly totals (privacy/usage-fold.ts), the summary of those months is read
 * from the totals, and the period must take them whole.
 */
export async function exportUsage(db: Queryable, period: { from: string; to: string }, tenant: UsageTenant = DEFAULT_TENANT_ID): Promise<PeriodUsage> {
  const { fromMs, toMs } = periodBounds(period.from, period.to);
  const horizons = new Map([...(await foldHorizons(db, tenant))].filter(([, until]) => until > fromMs));
  if (horizons.size === 0) return { ...(await detailUsage(db, fromMs, toMs, tenant)), folded: [] };
  return foldedUsage(db, { fromMs, toMs, period }, tenant, horizons);
}

/** The usage of sessions held in detail, split at the period's bounds (the module comment). */
async function detailUsage(db: Queryable, fromMs: number, toMs: number, tenant: UsageTenant): Promise<UsageExport> {
  const marked = tenant === 'all';
  const sessions = await sessionsOverlapping(db, fromMs, toMs, tenant);
  // Snapshots matter only for sessions that cross a boundary of the period.
  const spanning = sessions.filter((s) => s.startTime < fromMs || Math.max(s.startTime, s.stopTime ?? s.lastUpdate) > toMs);
  const snaps = await snapshotsOf(db, spanning.map((s) => s.uniqueId));
  const detail: DetailRow[] = [];
  const byUser = new Map<string, SummaryRow>();
  for (const s of sessions) {
    const u = usageWithin(s, snaps.get(s.uniqueId) ?? [], fromMs, toMs);
    detail.push({
      ...(marked ? { tenant: s.tenant } : {}),
      username: s.username,
      nas: s.nas,
      acct_session_id: s.acctSessionId,
      start: new Date(s.startTime).toISOString(),
      stop: s.stopTime === null ? null : new Date(s.stopTime).toISOString(),
      seconds: u.seconds,
      input_octets: u.inputOctets,
      output_octets: u.outputOctets,
      terminate_cause: s.terminateCause,
      framed_ip: s.framedIp,
    });
    addTo(byUser, s, marked, u, 1);
  }
  return { summary: sortedSummary(byUser), detail };
}

/** A member is a tenant and a username: alice of two tenants are two rows. */
function addTo(byUser: Map<string, SummaryRow>, who: { tenantId: number; tenant: string; username: string }, marked: boolean, u: Usage, sessions: number): void {
  const key = `${who.tenantId}\u0000${who.username}`;
  const sum = byUser.get(key) ?? { ...(marked ? { tenant: who.tenant } : {}), username: who.username, sessions: 0, seconds: 0, input_octets: 0, output_octets: 0 };
  sum.sessions += sessions;
  sum.seconds += u.seconds;
  sum.input_octets += u.inputOctets;
  sum.output_octets += u.outputOctets;
  byUser.set(key, sum);
}

function sortedSummary(byUser: Map<string, SummaryRow>): SummaryRow[] {
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...byUser.values()].sort((a, b) => order(a.tenant ?? '', b.tenant ?? '') || order(a.username, b.username));
}

const isMonthStart = (ms: number): boolean => new Date(ms).getUTCDate() === 1 && ms % DAY_MS === 0;

/** Whether a session has any part in [fromMs, toMs): the rule sessionsOverlapping applies. */
const overlaps = (s: UsageSessionRow, fromMs: number, toMs: number): boolean =>
  s.startTime < toMs && ((s.stopTime ?? s.lastUpdate) > fromMs || s.startTime >= fromMs);

/**
 * A period reaching into folded months: per tenant, the folded months' totals
 * (a session carried over from the month before counted once), then the
 * detail from the horizon on, less the sessions the last folded month counted
 * already. Summary only: the detail of a folded month is gone.
 */
async function foldedUsage(
  db: Queryable,
  p: { fromMs: number; toMs: number; period: { from: string; to: string } },
  tenant: UsageTenant,
  horizons: Map<number, number>,
): Promise<PeriodUsage> {
  const marked = tenant === 'all';
  const { fromMs, toMs } = p;
  for (const until of horizons.values()) {
    if (!isMonthStart(fromMs) || (toMs < until && !isMonthStart(toMs))) {
      throw fail('USAGE_FOLDED', { problem: 'partial-month', from: p.period.from, to: p.period.to, until: new Date(until).toISOString().slice(0, 10) });
    }
  }
  const names = new Map<number, string>();
  for (const tenantId of horizons.keys()) names.set(tenantId, (await getTenantById(db, tenantId))?.name ?? String(tenantId));
  const byUser = new Map<string, SummaryRow>();
  for (const t of await monthlyTotalsWithin(db, tenant, fromMs, toMs)) {
    const until = horizons.get(t.tenantId);
    if (until === undefined || t.month >= until) continue;
    const carried = t.month > fromMs ? t.sessionsCarried : 0;
    addTo(byUser, t, marked, { seconds: t.seconds, inputOctets: t.inputOctets, outputOctets: t.outputOctets }, t.sessions - carried);
  }
  const sessions = await sessionsOverlapping(db, fromMs, toMs, tenant);
  const from = (tenantId: number): number => Math.max(fromMs, horizons.get(tenantId) ?? fromMs);
  // A period ending before a tenant's horizon has no held part for it.
  const held = sessions.filter((s) => from(s.tenantId) < toMs && overlaps(s, from(s.tenantId), toMs));
  const spanning = held.filter((s) => s.startTime < from(s.tenantId) || Math.max(s.startTime, s.stopTime ?? s.lastUpdate) > toMs);
  const snaps = await snapshotsOf(db, spanning.map((s) => s.uniqueId));
  for (const s of held) {
    const start = from(s.tenantId);
    // Begun before the horizon: the last folded month counted it already.
    const counted = start > fromMs && s.startTime < start ? 0 : 1;
    addTo(byUser, s, marked, usageWithin(s, snaps.get(s.uniqueId) ?? [], start, toMs), counted);
  }
  const folded = [...horizons]
    .map(([tenantId, until]) => ({ tenant: names.get(tenantId) ?? '', until: new Date(until).toISOString().slice(0, 10) }))
    .sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
  return { summary: sortedSummary(byUser), detail: [], folded };
}

type Cell = string | number | null | undefined;

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, and tab or CR
 * which some apps strip first) gets a leading single quote (OWASP "CSV
 * injection"). Only strings: numbers are written as numbers, and ISO times
 * start with a digit. Usernames are member-chosen, hence the need.
 */
function neutralise(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/**
 * RFC 4180 CSV (csv-stringify): a header line, CRLF line ends (the last line
 * too), a field quoted when it holds a comma, a double quote, CR or LF, inner
 * quotes doubled; null and undefined as empty fields.
 */
export function toCsv<T extends { [K in C]?: Cell }, C extends string>(rows: readonly T[], columns: readonly C[]): string {
  return stringify(rows as unknown as Array<Record<string, Cell>>, {
    header: true,
    columns: [...columns],
    record_delimiter: '\r\n',
    // csv-stringify quotes a line break only when it is the whole record delimiter: a lone CR or LF too.
    quoted_match: /[\r\n]/,
    cast: { string: neutralise },
  });
}

/** JSON export: the rows as they are (null for an open session's stop), one array. */
export function toJson(rows: readonly (SummaryRow | DetailRow)[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}
