/**
 * Text as people write it in a flag or a CSV field, turned into a member's
 * values: --auth method lists, whole numbers, dates. Shared by the CLI and
 * the import's CSV reader; every refusal is a catalogue error that says what
 * to do.
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
