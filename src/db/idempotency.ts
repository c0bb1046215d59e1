/**
 * Responses kept for Idempotency-Key retries (api_idempotency_keys): the
 * first request claims the key, runs, and stores what it answered; a retry
 * within 24 hours finds it. Rows older than that are deleted as new ones come.
 */
import type { Queryable } from './db.js';
import { bufOrNull, num } from './rows.js';

/** How long a key and its response are kept. */
export const IDEMPOTENCY_KEEP_HOURS = 24;

export interface StoredResponse {
  fingerprint: Buffer;
  /** 0 while the first request runs. */
  status: number;
  body: unknown;
}

/**
 * Claims `key` for `principal`: true when this request is the first (it must
 * then store or release it); false when a row exists (read it with findKey).
 */
export async function claimKey(q: Queryable, k: { principal: string; key: string; tenantId: number | null; fingerprint: Buffer }): Promise<boolean> {
  await q.query(`DELETE FROM api_idempotency_keys WHERE principal = $1 AND key = $2 AND created_at < now() - interval '${IDEMPOTENCY_KEEP_HOURS} hours'`, [k.principal, k.key]);
  const r = await q.query(
    `INSERT INTO api_idempotency_keys (principal, key, tenant_id, fingerprint, status) VALUES ($1, $2, $3, $4, 0)
     ON CONFLICT (principal, key) DO NOTHING`,
    [k.principal, k.key, k.tenantId, k.fingerprint],
  );
  return r.rowCount > 0;
}

export async function findKey(q: Queryable, principal: string, key: string): Promise<StoredResponse | null> {
  const r = await q.query<{ fingerprint: unknown; status: unknown; body: unknown }>(
    'SELECT fingerprint, status, body FROM api_idempotency_keys WHERE principal = $1 AND key = $2',
    [principal, key],
  );
  const row = r.rows[0];
  if (!row) return null;
  return { fingerprint: bufOrNull(row.fingerprint) ?? Buffer.alloc(0), status: num(row.status), body: row.body };
}

export async function storeResponse(q: Queryable, principal: string, key: string, status: number, body: unknown): Promise<void> {
  await q.query('UPDATE api_idempotency_keys SET status = $3, body = $4::jsonb WHERE principal = $1 AND key = $2', [
    principal,
    key,
    status,
    JSON.stringify(body ?? null),
  ]);
}

/** Gives the key up (the request failed on our side): a retry runs again. */
export async function releaseKey(q: Queryable, principal: string, key: string): Promise<void> {
  await q.query('DELETE FROM api_idempotency_keys WHERE principal = $1 AND key = $2 AND status = 0', [principal, key]);
}

export async function pruneKeys(q: Queryable): Promise<void> {
  await q.query(`DELETE FROM api_idempotency_keys WHERE created_at < now() - interval '${IDEMPOTENCY_KEEP_HOURS} hours'`);
}
