/**
 * Idempotency-Key on POST creates: a client that retries (a timeout, a
 * restart) sends the same key, and gets the first answer back instead of a
 * second create. The key is the caller's own (two principals never share
 * one); the same key with another request is refused (422). Only successful
 * answers are kept: after a refusal the client may fix things and retry.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/db.js';
import { claimKey, findKey, releaseKey, storeResponse } from '../db/idempotency.js';
import { fail } from '../errors.js';

export interface IdempotentCall {
  principal: string;
  key: string;
  tenantId: number | null;
  /** What makes two requests the same: method, path, tenant and body. */
  request: { method: string; path: string; tenant: string | null; body: unknown };
}

export interface Answer {
  status: number;
  body: unknown;
}

export function checkKey(key: string): string {
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw fail('API_INVALID_REQUEST', { fields: [{ path: 'header.idempotency-key', message: '1 to 255 printable ASCII characters, e.g. a UUID' }] });
  }
  return key;
}

/** JSON with every object's keys in order: the same body is the same request whatever order a client writes its keys in. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, canonical(o[k])]));
}

const fingerprint = (r: IdempotentCall['request']): Buffer =>
  createHash('sha256').update(JSON.stringify(canonical([r.method, r.path, r.tenant, r.body ?? null]))).digest();

/** Runs `run` once per key: a retry gets the stored answer (`replayed`). */
export async function idempotent(db: Db, call: IdempotentCall, run: () => Promise<Answer>): Promise<Answer & { replayed: boolean }> {
  const fp = fingerprint(call.request);
  if (!(await claimKey(db, { principal: call.principal, key: call.key, tenantId: call.tenantId, fingerprint: fp }))) {
    const stored = await findKey(db, call.principal, call.key);
    if (stored && !stored.fingerprint.equals(fp)) throw fail('API_IDEMPOTENCY_KEY', { key: call.key, problem: 'mismatch' });
    if (!stored || stored.status === 0) throw fail('API_IDEMPOTENCY_KEY', { key: call.key, problem: 'in-progress' });
    return { status: stored.status, body: stored.body, replayed: true };
  }
  let answer: Answer;
  try {
    answer = await run();
  } catch (e) {
    await releaseKey(db, call.principal, call.key).catch(() => undefined);
    throw e;
  }
  if (answer.status >= 200 && answer.status < 300) await storeResponse(db, call.principal, call.key, answer.status, answer.body);
  else await releaseKey(db, call.principal, call.key);
  return { ...answer, replayed: false };
}
