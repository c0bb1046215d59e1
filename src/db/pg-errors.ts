/**
 * Reading errors that come back from PostgreSQL (through `pg`) or PGlite:
 * both carry the SQLSTATE `code`, `constraint` and `detail` fields of the
 * wire protocol's ErrorResponse, so one set of helpers serves both.
 */
import { fail, RadassocError } from '../errors.js';

export interface DbErrorInfo {
  code: string;
  message: string;
  constraint: string | undefined;
  detail: string | undefined;
}

/** The SQLSTATE fields of a database error, or null for anything else. */
export function dbErrorInfo(e: unknown): DbErrorInfo | null {
  if (typeof e !== 'object' || e === null) return null;
  const r = e as Record<string, unknown>;
  if (typeof r.code !== 'string' || !/^[0-9A-Z]{5}$/.test(r.code)) return null;
  return {
    code: r.code,
    message: typeof r.message === 'string' ? r.message : '',
    constraint: typeof r.constraint === 'string' ? r.constraint : undefined,
    detail: typeof r.detail === 'string' ? r.detail : undefined,
  };
}

export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  exclusionViolation: '23P01',
  invalidTextRepresentation: '22P02',
  invalidDatetimeFormat: '22007',
  datetimeFieldOverflow: '22008',
} as const;

/** The value inside `Key (col)=(value) ...` of a constraint error's detail. */
export function keyValueFromDetail(detail: string | undefined): string | null {
  const m = detail ? /\)=\((.*)\) (?:already exists|is not present|conflicts)/.exec(detail) : null;
  return m?.[1] ?? null;
}

/** Node socket errors and SQLSTATEs that mean "the server is not there for us". */
const NODE_CONNECT_ERRORS = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE',
  'ENOENT', // unix socket path missing
]);
const UNREACHABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '28P01', '28000', '3D000', '53300']);
const UNREACHABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout expired|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i;

export function isConnectionError(e: unknown): boolean {
  if (e instanceof RadassocError) return false;
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  const code = typeof r.code === 'string' ? r.code : '';
  if (NODE_CONNECT_ERRORS.has(code) || UNREACHABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  if (r.name === 'AggregateError' && Array.isArray(r.errors)) return r.errors.some(isConnectionError);
  return typeof r.message === 'string' && UNREACHABLE_MESSAGES.test(r.message) && !dbErrorInfo(e);
}

/** Where a connection string points, for messages: host:port, never the password. */
export interface DbTarget {
  where: string;
  /** Removed from any text we print, in case a driver echoes it. */
  password: string;
  /** The configured server, or the running daemon's embedded one (the refusal's hint differs). */
  via: 'postgres' | 'embedded-daemon';
}

export function targetOf(url: string, via: DbTarget['via'] = 'postgres'): DbTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail('CONFIG_INVALID', { setting: 'DATABASE_URL', problem: 'not-a-url' });
  }
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  return { where: `${host}:${parsed.port || '5432'}`, password: decodeURIComponent(parsed.password), via };
}

function reasonOf(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const r = e as { message?: unknown; errors?: unknown; code?: unknown };
    if (typeof r.message === 'string' && r.message) return r.message;
    if (Array.isArray(r.errors) && r.errors.length > 0) return reasonOf(r.errors[0]);
    if (typeof r.code === 'string') return r.code;
  }
  return String(e);
}

export function unreachable(target: DbTarget, e: unknown): RadassocError {
  // "connect ECONNREFUSED 127.0.0.1:5432": the address is already said once.
  let reason = reasonOf(e).replace(/ \[?[0-9a-fA-F:.]+\]?:\d+$/, '');
  if (target.password) reason = reason.split(target.password).join('***');
  return fail('DB_UNREACHABLE', { where: target.where, reason, via: target.via }, { cause: e });
}

/** Connection-level failures become DB_UNREACHABLE; anything else passes through unchanged. */
export function mapConnectionError(target: DbTarget, e: unknown): unknown {
  return isConnectionError(e) ? unreachable(target, e) : e;
}
