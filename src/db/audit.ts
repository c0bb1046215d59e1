/**
 * The audit_log table: who changed what. before/after are JSON snapshots
 * with every secret replaced by "[redacted]" before they are stored:
 * passwords, hashes and NAS shared secrets never reach this table.
 */
import type { Queryable } from './db.js';
import { date, num, numOrNull, str } from './rows.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface NewAuditEntry {
  /** The tenant whose object changed; null for what belongs to the deployment (the schema, a shared NAS, a removed tenant). */
  tenantId: number | null;
  /** Who: --by or the OS user for the CLI, 'daemon' or a job name otherwise. */
  actor: string;
  /** What, e.g. 'member.suspend'. */
  action: string;
  /** On what, e.g. 'member:alice', 'nas:edge1'. */
  target: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry {
  id: number;
  /** null: a change to the deployment itself. */
  tenantId: number | null;
  time: Date;
  actor: string;
  action: string;
  target: string;
  before: JsonValue;
  after: JsonValue;
}

const SECRET_KEY = /pass|secret|cleartext|hash|credential|token/i;
export const REDACTED = '[redacted]';

/** A JSON copy of the value with secret-looking keys redacted (Dates become ISO strings). */
export function redactSecrets(value: unknown): JsonValue {
  const walk = (v: unknown): JsonValue => {
    if (v === null || v === undefined) return null;
    if (v instanceof Date) return v.toISOString();
    if (Buffer.isBuffer(v) || v instanceof Uint8Array) return REDACTED; // raw bytes: hashes, keys
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object') {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        out[k] = SECRET_KEY.test(k) && x !== null ? REDACTED : walk(x);
      }
      return out;
    }
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    return String(v);
  };
  return walk(value);
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(redactSecrets(v)));

export async function insertAudit(q: Queryable, e: NewAuditEntry): Promise<void> {
  await q.query('INSERT INTO audit_log (tenant_id, actor, action, target, before, after) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)', [
    e.tenantId,
    e.actor,
    e.action,
    e.target,
    json(e.before),
    json(e.after),
  ]);
}

/**
 * One tenant's entries, or with 'all' every entry (the deployment's own
 * included), newest first; `target` narrows to one object's history.
 */
export async function listAudit(q: Queryable, tenant: number | 'all', opts: { target?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT id, tenant_id, time, actor, action, target, before, after FROM audit_log
     WHERE ($3::boolean OR tenant_id = $4) AND ($1::text IS NULL OR target = $1) ORDER BY time DESC, id DESC LIMIT $2`,
    [opts.target ?? null, opts.limit ?? 50, tenant === 'all', tenant === 'all' ? null : tenant],
  );
  return r.rows.map((row) => ({
    id: num(row.id),
    tenantId: numOrNull(row.tenant_id),
    time: date(row.time),
    actor: str(row.actor),
    action: str(row.action),
    target: str(row.target),
    before: (row.before ?? null) as JsonValue,
    after: (row.after ?? null) as JsonValue,
  }));
}
