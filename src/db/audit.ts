/**
 * The audit_log table: who changed what. before/after are JSON snapshots
 * with every secret replaced by "[redacted]" before they are stored:
 * passwords, hashes and NAS shared secrets never reach this table.
 */
import type { Queryable } from './db.js';
import { date, num, str } from './rows.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface NewAuditEntry {
  /** Who: --by or the OS user for the CLI, 'daemon' or a job name otherwise. */
  actor: string;
  /** What, e.g. 'member.suspend'. */
  action: string;
  /** On what, e.g. 'member:alice', 'nas:edge1'. */
  target: string;
  before?: unknown;
  after?: unknown;
  /** The tenant the change was made in (audit_log.tenant_id). */
  tenantId?: number;
}

export interface AuditEntry {
  id: number;
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
  const values = [e.actor, e.action, e.target, json(e.before), json(e.after)];
  if (e.tenantId === undefined) {
    await q.query('INSERT INTO audit_log (actor, action, target, before, after) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)', values);
    return;
  }
  await q.query('INSERT INTO audit_log (actor, action, target, before, after, tenant_id) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)', [...values, e.tenantId]);
}

/** Newest first; `target` narrows to one object's history. */
export async function listAudit(q: Queryable, opts: { target?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT id, time, actor, action, target, before, after FROM audit_log
     WHERE ($1::text IS NULL OR target = $1) ORDER BY time DESC, id DESC LIMIT $2`,
    [opts.target ?? null, opts.limit ?? 50],
  );
  return r.rows.map((row) => ({
    id: num(row.id),
    time: date(row.time),
    actor: str(row.actor),
    action: str(row.action),
    target: str(row.target),
    before: (row.before ?? null) as JsonValue,
    after: (row.after ?? null) as JsonValue,
  }));
}
