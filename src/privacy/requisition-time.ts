/**
 * The instant a requisition names: ISO 8601 with an explicit offset or Z,
 * never a local time (whose zone the register cannot guess), and its
 * display both in UTC and in the offset the authority used.
 */
import { fail } from '../errors.js';

export interface Instant {
  /** Epoch ms. */
  ms: number;
  /** Minutes east of UTC, as given (0 for Z). */
  offsetMinutes: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parseInstant(text: string): Instant {
  const t = text.trim();
  const m = ISO.exec(t);
  if (!m) throw fail('INVALID_REQUISITION', { problem: 'at-form', value: text });
  const zone = m[8];
  if (zone === undefined) throw fail('INVALID_REQUISITION', { problem: 'at-no-zone', value: text });
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const h = Number(digits.slice(0, 2));
    const min = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (h > 23 || min > 59) throw fail('INVALID_REQUISITION', { problem: 'at-form', value: text });
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (h * 60 + min);
  }
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMinutes * 60_000;
  // Date.UTC rolls 31 February over into March: a day the calendar does not have is refused.
  const local = new Date(utc + offsetMinutes * 60_000);
  if (local.getUTCFullYear() !== y || local.getUTCMonth() !== mo - 1 || local.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw fail('INVALID_REQUISITION', { problem: 'at-form', value: text });
  }
  return { ms: utc, offsetMinutes };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function offsetText(minutes: number): string {
  if (minutes === 0) return 'Z';
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** `ms` in the given offset, ISO 8601 with that offset: 2026-03-14T21:05:00.000+01:00. */
export function formatInOffset(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const d = new Date(ms + offsetMinutes * 60_000);
  return `${d.toISOString().slice(0, 23)}${offsetText(offsetMinutes)}`;
}

/** Both forms a requisition's answer shows. */
export const bothTimes = (ms: number, offsetMinutes: number): { utc: string; local: string } => ({
  utc: new Date(ms).toISOString(),
  local: formatInOffset(ms, offsetMinutes),
});
