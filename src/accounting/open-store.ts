/**
 * Chooses the live-session store (design.md "Two ways to run"): Redis when a
 * URL is configured, else the in-process store journalled under the data
 * directory.
 */
import { mkdir } from 'node:fs/promises';
import { connectRedis, redisUnreachable } from '../redis/connect.js';
import type { MinimalLogger } from './logger.js';
import { MemoryStore } from './memory-store.js';
import { ACCOUNTING_REDIS_OPTIONS, RedisStore } from './redis-store.js';
import type { SessionStore } from './store.js';

export interface OpenSessionStoreOptions {
  redisUrl: string | null;
  dataDir: string;
  /** Redis key prefix (config redisKeyPrefix). */
  prefix?: string;
  log?: Pick<MinimalLogger, 'warn'>;
}

export async function openSessionStore(opts: OpenSessionStoreOptions): Promise<SessionStore> {
  if (!opts.redisUrl) {
    await mkdir(opts.dataDir, { recursive: true });
    return MemoryStore.openJournaled(opts.dataDir, opts.log ? { log: opts.log } : {});
  }
  const client = connectRedis(opts.redisUrl, { ...ACCOUNTING_REDIS_OPTIONS, lazyConnect: true });
  // ioredis emits 'error' on every failed reconnect; unhandled it would kill the process.
  let lastLogged = 0;
  let lastError: Error | null = null;
  client.on('error', (e: Error) => {
    lastError = e;
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    opts.log?.warn({ err: e.message }, 'Redis connection error: accounting records are not acknowledged until it is back');
  });
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    // connect() rejects with "Connection is closed."; the cause (ECONNREFUSED, ...) came as an 'error' event.
    throw redisUnreachable(opts.redisUrl, lastError ?? e);
  }
  const store = new RedisStore(client, opts.prefix === undefined ? {} : { prefix: opts.prefix });
  await store.ping();
  // Sessions a version before the per-tenant sets opened join them (lua/common.ts).
  await store.reindex();
  return store;
}
