/**
 * The login guard shared by every daemon through Redis: failure counts under
 * `<redisKeyPrefix>lockout:`, and a pub/sub channel on which the daemon that
 * sees a key reach its threshold tells the others, so a lock bites
 * everywhere within a round trip without a Redis read per request.
 *
 * Redis trouble never delays or fails an Access-Request: counting falls back
 * to this process's memory until Redis answers again (each daemon then limits
 * on its own), and the client has no offline queue, so a command fails at
 * once instead of waiting for a reconnect.
 */
import { createHash } from 'node:crypto';
import type { RedisOptions } from 'ioredis';
import { connectRedis, type RedisConnection } from '../redis/connect.js';
import type { Logger } from 'pino';
import { FailureLimiter, MemoryFailureCounter, type FailureCounter, type Lock, type WindowCount } from './login-guard.js';

/**
 * One atomic step: count, start the window on the first failure, and report
 * what is left of it. A key found without an expiry (it cannot happen through
 * this script, but a lock that never ends would be worse) is given one.
 */
const INCREMENT_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
`;
const INCREMENT_SHA = createHash('sha1').update(INCREMENT_LUA).digest('hex');

const CLIENT_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1000,
  connectTimeout: 2000,
  lazyConnect: true,
};

/** How often a Redis failure is logged at most: a flood of failed logins must not become a flood of log lines. */
const LOG_EVERY_MS = 10_000;

export class RedisFailureCounter implements FailureCounter {
  private readonly fallback = new MemoryFailureCounter();
  private lastLogged = 0;

  constructor(
    private readonly client: RedisConnection,
    private readonly prefix: string,
    private readonly log?: Pick<Logger, 'warn'>,
  ) {}

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    try {
      const reply = await this.run(this.prefix + key, windowMs);
      if (Array.isArray(reply) && typeof reply[0] === 'number' && typeof reply[1] === 'number') return { count: reply[0], ttlMs: reply[1] };
      throw new Error('unexpected reply to the lockout script');
    } catch (e) {
      const now = Date.now();
      if (now - this.lastLogged > LOG_EVERY_MS) {
        this.lastLogged = now;
        this.log?.warn({ err: (e as Error).message }, 'failed-login counter: Redis unavailable, counting in this process meanwhile');
      }
      return this.fallback.incrementNow(key, windowMs);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
  }

  /** EVALSHA, and EVAL once after a Redis restart forgot the script. */
  private async run(key: string, windowMs: number): Promise<unknown> {
    try {
      return await this.client.evalsha(INCREMENT_SHA, 1, key, windowMs);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return await this.client.eval(INCREMENT_LUA, 1, key, windowMs);
    }
  }
}

export interface RedisLoginGuardOptions {
  redisUrl: string;
  /** config.redisKeyPrefix; the guard adds 'lockout:'. */
  prefix: string;
  userThreshold: number;
  nasThreshold: number;
  windowSeconds: number;
  log: Logger;
}

/** A guard whose close() also closes its two Redis connections. */
export interface ClosableGuard {
  guard: FailureLimiter;
  close(): Promise<void>;
}

export async function openRedisLoginGuard(o: RedisLoginGuardOptions): Promise<ClosableGuard> {
  const prefix = `${o.prefix}lockout:`;
  const channel = `${prefix}locks`;
  const client = connectRedis(o.redisUrl, CLIENT_OPTIONS);
  // The subscriber keeps an offline queue and retries forever, so that its one SUBSCRIBE survives a Redis restart.
  const subscriber = connectRedis(o.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: 2000 });
  // ioredis emits 'error' on every failed reconnect; unhandled, it would end the process.
  let lastLogged = 0;
  const onError = (e: Error): void => {
    if (Date.now() - lastLogged < LOG_EVERY_MS) return;
    lastLogged = Date.now();
    o.log.warn({ err: e.message }, 'failed-login guard: Redis connection error');
  };
  client.on('error', onError);
  subscriber.on('error', onError);

  const counter = new RedisFailureCounter(client, prefix, o.log);
  const guard = new FailureLimiter(counter, {
    userThreshold: o.userThreshold,
    nasThreshold: o.nasThreshold,
    windowSeconds: o.windowSeconds,
    log: o.log,
    announce: (lock) => void client.publish(channel, JSON.stringify(lock)).catch(onError),
  });
  subscriber.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    const lock = parseLock(message);
    if (lock) guard.applyRemote(lock);
  });
  // Queued until connected (lazyConnect connects on this first command) and renewed by ioredis after every reconnect.
  const subscribed = subscriber.subscribe(channel);
  subscribed.catch(onError);
  try {
    await client.connect();
    // Bounded: a daemon must start even when pub/sub lags; until then locks only travel through the shared counts.
    await Promise.race([subscribed, new Promise((_, reject) => setTimeout(() => reject(new Error('no SUBSCRIBE reply within 2 s')), 2000).unref())]);
  } catch (e) {
    // The session store reached Redis a moment ago; should this fail, keep serving: counts stay local until it answers.
    o.log.warn({ err: (e as Error).message }, 'failed-login guard: Redis not reachable yet; counting in this process meanwhile');
  }
  return {
    guard,
    close: async () => {
      await guard.close();
      await Promise.all([client, subscriber].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/** A lock announced by another daemon: JSON from our own publish, but checked like any input. */
function parseLock(message: string): Lock | null {
  try {
    const v = JSON.parse(message) as Partial<Lock>;
    if ((v.kind === 'user' || v.kind === 'nas') && typeof v.name === 'string' && typeof v.ttlMs === 'number') {
      if (Number.isInteger(v.tenant) && (v.tenant as number) > 0) return { kind: v.kind, name: v.name, ttlMs: v.ttlMs, tenant: v.tenant as number };
      return { kind: v.kind, name: v.name, ttlMs: v.ttlMs };
    }
  } catch {
    /* not ours */
  }
  return null;
}

export interface LoginGuardConfig {
  redisUrl: string | null;
  redisKeyPrefix: string;
  lockout: { userThreshold: number; nasThreshold: number; windowSeconds: number };
}

/** Redis when configured (shared by every daemon), else counted in this process (embedded). */
export async function openLoginGuard(config: LoginGuardConfig, log: Logger): Promise<ClosableGuard> {
  const { userThreshold, nasThreshold, windowSeconds } = config.lockout;
  if (config.redisUrl) {
    return openRedisLoginGuard({ redisUrl: config.redisUrl, prefix: config.redisKeyPrefix, userThreshold, nasThreshold, windowSeconds, log });
  }
  const guard = new FailureLimiter(new MemoryFailureCounter(), { userThreshold, nasThreshold, windowSeconds, log });
  return { guard, close: () => guard.close() };
}
