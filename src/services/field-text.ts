/**
 * Text as people write it in a flag or a CSV field, turned into a member's
 * values: --auth method lists, whole numbers, dates, reasons. Shared by the
 * CLI, the import's CSV reader and the services; every refusal is a catalogue
 * error that says what to do.
 */
import { ALL_AUTH_METHODS, type AuthMethod } from '../domain/member.js';
import { isIsoDate } from '../domain/validate.js';
import { fail } from '../errors.js';

/** `--auth all` or a comma list such as `pap,chap,mschapv2`; canonical order, no repeats. */
export function parseAuthMethods(text: string): AuthMethod[] {
  const parts = text
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  if (parts.length === 1 && parts[0] === 'all') return [...ALL_AUTH_METHODS];
  const bad = parts.filter((p) => !ALL_AUTH_METHODS.includes(p as AuthMethod));
  if (parts.length === 0 || bad.length > 0) throw fail('INVALID_ARGUMENT', { problem: 'auth-flag', unknown: bad });
  return ALL_AUTH_METHODS.filter((m) => parts.includes(m));
}

/** A whole number ≥ 1 from a flag or a CSV field. */
export function parseCount(text: string, what: string): number {
  const t = text.trim();
  if (!/^[0-9]{1,10}$/.test(t) || Number(t) < 1 || Number(t) > 2 ** 31 - 1) {
    throw fail('INVALID_ARGUMENT', { problem: 'count', field: what, value: text });
  }
  return Number(t);
}

/** A calendar date written YYYY-MM-DD (2026-02-30 is refused). */
export function parseDate(text: string, what: string): string {
  const t = text.trim();
  if (!isIsoDate(t)) {
    throw fail('INVALID_DATE', { field: what, value: text, problem: /^\d{4}-\d{2}-\d{2}$/.test(t) ? 'calendar' : 'form' });
  }
  return t;
}

/** The longest reason kept (a suspension's, a disconnect's): the console's form allows as much, the API's schemas say so. */
export const REASON_MAX = 500;

/** A free-text reason as given; refused over REASON_MAX characters, naming `field`. */
export function checkReasonLength(text: string, field: string): string {
  if (text.length > REASON_MAX) throw fail('INVALID_ARGUMENT', { problem: 'reason-length', field, max: REASON_MAX, length: text.length });
  return text;
}
