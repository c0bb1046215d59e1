/**
 * A refusal as the API answers it: the HTTP status its code calls for and
 * the body `{ error: { code, message, details, fields } }`, message from
 * the one catalogue (RadassocError.text: no command-line hint). Anything
 * that is no RadassocError is our fault: 500 with a request id, the details
 * only in the log.
 */
import type { ApiFieldError } from '../error-messages.js';
import { fail, isRadassocError, type ErrorCode, type RadassocError } from '../errors.js';

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details: Record<string, unknown>;
    fields: ApiFieldError[];
  };
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  API_INVALID_REQUEST: 400,
  API_MALFORMED_JSON: 400,
  INVALID_ARGUMENT: 400,
  INVALID_ADDRESS: 400,
  INVALID_CIDR: 400,
  INVALID_DATE: 400,
  USAGE_FOLDED: 400,
  INVALID_PASSWORD: 400,
  INVALID_DAYS: 400,
  INVALID_LIMIT: 400,
  INVALID_ACCOUNT: 400,
  INVALID_HOOK: 400,
  INVALID_REQUISITION: 400,
  AUDIT_FILTER_CONFLICT: 400,
  MEMBER_OR_SESSION: 400,
  TENANT_REQUIRED: 400,
  TENANT_AND_ALL_TENANTS: 400,
  ALL_TENANTS_READ_ONLY: 400,
  IMPORT_FAILED: 400,
  API_UNAUTHENTICATED: 401,
  API_FORBIDDEN: 403,
  API_NOT_FOUND: 404,
  UNKNOWN_MEMBER: 404,
  UNKNOWN_PLAN: 404,
  UNKNOWN_NAS: 404,
  UNKNOWN_TENANT: 404,
  UNKNOWN_SESSION: 404,
  UNKNOWN_ADMIN: 404,
  UNKNOWN_TOKEN: 404,
  UNKNOWN_HOOK: 404,
  DUPLICATE_MEMBER: 409,
  DUPLICATE_PLAN: 409,
  DUPLICATE_NAS: 409,
  DUPLICATE_ADMIN: 409,
  PLAN_IN_USE: 409,
  ADDRESS_IN_USE: 409,
  NAS_ADDRESS_OVERLAP: 409,
  AMBIGUOUS_SESSION: 409,
  API_BODY_TOO_LARGE: 413,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_ATTRIBUTE: 422,
  CREDENTIAL_CANNOT_SERVE: 422,
  API_IDEMPOTENCY_KEY: 422,
  API_RATE_LIMITED: 429,
  DB_UNREACHABLE: 503,
  REDIS_UNREACHABLE: 503,
  DAEMON_UNREACHABLE: 503,
  // The deployment's key, not the caller's request: unavailable until the operator fixes it.
  REGISTER_KEY: 503,
};

export function statusOf(code: ErrorCode, details: Readonly<Record<string, unknown>> = {}): number {
  // A retry while the first request with the key still runs: a conflict that passes, not a refusal.
  if (code === 'API_IDEMPOTENCY_KEY' && details.problem === 'in-progress') return 409;
  return STATUS[code] ?? 500;
}

/** The request body's field a service refusal is about, when its data says. */
export function fieldsOf(e: RadassocError, body: unknown): ApiFieldError[] {
  const d = e.details;
  const at = (path: string): ApiFieldError[] => [{ path, message: e.text }];
  const has = (k: string): boolean => typeof body === 'object' && body !== null && k in body;
  switch (e.code) {
    case 'API_INVALID_REQUEST':
      return Array.isArray(d.fields) ? (d.fields as ApiFieldError[]) : [];
    case 'IMPORT_FAILED': {
      // The API's import numbers its rows from 1, as a file's lines (routes/members.ts): the path indexes from 0.
      const faults = Array.isArray(d.faults) ? (d.faults as Array<{ line: number; problems: string[] }>) : [];
      // A CSV file's faults name its lines as they are numbered in the file.
      if (has('csv')) return faults.flatMap((f) => f.problems.map((p) => ({ path: `csv.${f.line}`, message: p })));
      const rows = has('members') ? (body as { members: unknown }).members : null;
      const rowAt = (line: number): unknown => (Array.isArray(rows) ? rows[line - 1] : undefined);
      return faults.flatMap((f) => f.problems.map((p) => ({ path: `members.${f.line - 1}${fieldFromProblem(p, rowAt(f.line))}`, message: p })));
    }
    case 'INVALID_ATTRIBUTE': {
      const list = has('attributes') ? (body as { attributes: unknown }).attributes : null;
      const i = Array.isArray(list) ? list.findIndex((a) => typeof a === 'object' && a !== null && (a as { name?: unknown }).name === d.attribute) : -1;
      return at(i >= 0 ? `attributes.${i}` : 'attributes');
    }
    case 'UNKNOWN_PLAN':
      return has('plan') ? at('plan') : [];
    case 'UNKNOWN_NAS':
      return has('nas') ? at('nas') : [];
    case 'ADDRESS_IN_USE':
    case 'INVALID_ADDRESS':
      return has('ipv4') ? at('ipv4') : has('address') ? at('address') : [];
    case 'INVALID_CIDR':
      return has('ipv6_prefix') ? at('ipv6_prefix') : has('address') ? at('address') : [];
    case 'NAS_ADDRESS_OVERLAP':
      return at('address');
    case 'INVALID_PASSWORD':
      return has('password') ? at('password') : [];
    case 'DUPLICATE_MEMBER':
      return has('username') ? at('username') : [];
    case 'DUPLICATE_PLAN':
    case 'DUPLICATE_NAS':
      return has('name') ? at('name') : [];
    case 'CREDENTIAL_CANNOT_SERVE':
      return at('auth');
    case 'INVALID_ARGUMENT':
      return d.problem === 'reason-length' && typeof d.field === 'string' && has(d.field) ? at(d.field) : [];
    case 'INVALID_DATE':
      return typeof d.field === 'string' ? at(d.field) : has('paid_until') ? at('paid_until') : [];
    default:
      return [];
  }
}

/** An import fault's words start with the column they are about ("ipv4: ..."), or with a field of the row it does not know ("colour: unknown field"). */
function fieldFromProblem(p: string, row: unknown): string {
  const m = /^(username|password|auth|ipv4|ipv6_prefix|max_sessions|paid_until|plan|line): /.exec(p);
  if (m) return `.${m[1]}`;
  const own = typeof row === 'object' && row !== null ? Object.keys(row).filter((k) => p.startsWith(`${k}: `)) : [];
  // The longest: of "a" and "a: b", a problem "a: b: unknown field" is about the second.
  const field = own.sort((a, b) => b.length - a.length)[0];
  return field === undefined ? '' : `.${field}`;
}

/** Details meant for clients: the catalogue's data, with what only the fields list repeats left out. */
function publicDetails(e: RadassocError): Record<string, unknown> {
  const { fields: _f, ...rest } = e.details as Record<string, unknown>;
  return rest;
}

export function errorBody(e: RadassocError, body?: unknown): ErrorBody {
  return { error: { code: e.code, message: e.text, details: publicDetails(e), fields: fieldsOf(e, body) } };
}

/** Any thrown value as the status and body to answer with. */
export function toHttpError(e: unknown, requestId: string, body?: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (isRadassocError(e)) {
    const status = statusOf(e.code, e.details);
    if (status < 500 || status === 503) return { status, body: errorBody(e, body), internal: false };
    return { status: 500, body: errorBody(fail('API_INTERNAL', { requestId })), internal: true };
  }
  return { status: 500, body: errorBody(fail('API_INTERNAL', { requestId })), internal: true };
}
