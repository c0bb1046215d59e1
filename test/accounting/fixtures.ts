/** Stores and usage databases for the accounting tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { MemoryStore } from '../../src/accounting/memory-store.js';
import { ACCOUNTING_REDIS_OPTIONS, RedisStore } from '../../src/accounting/redis-store.js';
import type { SessionStore } from '../../src/accounting/store.js';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import { freshDatabaseUrl, redisPrefix } from '../support/database.js';

export type StoreKind = 'memory' | 'redis';
export const STORE_KINDS: StoreKind[] = ['memory', 'redis'];

export async function makeStore(kind: StoreKind): Promise<SessionStore> {
  if (kind === 'memory') return new MemoryStore();
  const c = new Redis(inject('redisUrl'), ACCOUNTING_REDIS_OPTIONS);
  c.on('error', () => undefined);
  await new Promise<void>((resolve) => c.once('ready', () => resolve()));
  return new RedisStore(c, { prefix: redisPrefix() });
}

/** The schema the usage tables live in, as one script: every migration in order (usage rows name their tenant, sql/040_tenants.sql). */
const SQL_DIR = new URL('../../sql/', import.meta.url);
export const USAGE_SQL = readdirSync(SQL_DIR)
  .filter((f) => /^\d{3,}_[a-z0-9_]+\.sql$/.test(f))
  .sort()
  .map((f) => readFileSync(new URL(f, SQL_DIR), 'utf8'))
  .join('\n');

/** A fresh database (or the one at `url`) with the usage tables: the whole schema, since usage rows name their tenant. */
export async function usageDb(url?: string): Promise<Db> {
  const db = createPostgresDb(url ?? (await freshDatabaseUrl()), { connectTimeoutMs: 2000, onError: () => undefined });
  await migrate(db);
  return db;
}

export interface SessionRowText {
  unique_id: string;
  username: string;
  start_time: string;
  stop_time: string | null;
  seconds: string;
  input_octets: string;
  output_octets: string;
  terminate_cause: string | null;
  framed_ip: string | null;
}

/** The usage tables as text, for exact comparisons between runs (updated_at left out). */
export async function usageRows(db: Db): Promise<{ sessions: SessionRowText[]; snapshots: string[] }> {
  const s = await db.query<SessionRowText>(
    `SELECT unique_id, username, to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS start_time,
            to_char(stop_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS stop_time,
            seconds::text, input_octets::text, output_octets::text, terminate_cause, host(framed_ip) AS framed_ip
       FROM usage_sessions ORDER BY unique_id`,
  );
  const p = await db.query<{ r: string }>(
    `SELECT unique_id || '@' || extract(epoch FROM at)::text || '=' || seconds || '/' || input_octets || '/' || output_octets AS r
       FROM usage_snapshots ORDER BY unique_id, at`,
  );
  return { sessions: s.rows, snapshots: p.rows.map((x) => x.r) };
}
