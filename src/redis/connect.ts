/**
 * One way to reach Redis from a URL, for every part that uses it (live
 * sessions, failed-login counters). ioredis understands plain redis:// and
 * rediss:// URLs only; Sentinel and Cluster deployments are named here with
 * their own schemes, so that REDIS_URL stays a single string:
 *
 *   redis://[user:password@]host:port[/db]
 *   redis-sentinel://[user:password@]host:port[,host:port...]/MASTER_NAME[?db=N]
 *   redis-cluster://[user:password@]host:port[,host:port...]
 *
 * With Sentinel the password is the one of the Redis servers (the sentinels
 * are asked without one); with Cluster it is every node's.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { fail, RadassocError } from '../errors.js';

export type RedisConnection = Redis | Cluster;

interface MultiHost {
  scheme: 'redis-sentinel' | 'redis-cluster';
  username: string | undefined;
  password: string | undefined;
  hosts: Array<{ host: string; port: number }>;
  path: string;
  query: URLSearchParams;
}

const MULTI = /^(redis-sentinel|redis-cluster):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/;

function parseMultiHost(url: string): MultiHost | null {
  const m = MULTI.exec(url);
  if (!m) return null;
  const defaultPort = m[1] === 'redis-sentinel' ? 26379 : 6379;
  const hosts = (m[4] ?? '').split(',').map((h) => {
    const at = h.lastIndexOf(':');
    const bracketed = h.startsWith('[');
    const hasPort = at > 0 && (!bracketed || h.lastIndexOf(']') < at);
    const host = (hasPort ? h.slice(0, at) : h).replace(/^\[|\]$/g, '');
    const port = hasPort ? Number(h.slice(at + 1)) : defaultPort;
    if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw fail('CONFIG_INVALID', { setting: 'REDIS_URL', problem: 'bad-host', host: h });
    }
    return { host, port };
  });
  const dec = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : decodeURIComponent(s));
  return { scheme: m[1] as MultiHost['scheme'], username: dec(m[2]), password: dec(m[3]), hosts, path: m[5] ?? '', query: new URLSearchParams(m[6] ?? '') };
}

/** A client for `url` with `options` (timeouts, retry policy) applied to every connection it makes. */
export function connectRedis(url: string, options: RedisOptions): RedisConnection {
  const multi = parseMultiHost(url);
  if (!multi) return new Redis(url, options);
  const auth = { ...(multi.username ? { username: multi.username } : {}), ...(multi.password ? { password: multi.password } : {}) };
  if (multi.scheme === 'redis-cluster') {
    return new Cluster(multi.hosts, { redisOptions: { ...options, ...auth }, lazyConnect: options.lazyConnect ?? false, enableOfflineQueue: options.enableOfflineQueue ?? true });
  }
  const name = multi.path.split('/')[0] ?? '';
  if (name === '') {
    throw fail('CONFIG_INVALID', { setting: 'REDIS_URL', problem: 'no-sentinel-master' });
  }
  const db = Number(multi.query.get('db') ?? '0');
  return new Redis({ ...options, ...auth, sentinels: multi.hosts, name, db });
}

/** For tests and diagnostics: how a URL will be connected, without connecting. */
export function describeRedisUrl(url: string): { mode: 'single' | 'sentinel' | 'cluster'; hosts: string[]; master?: string } {
  const multi = parseMultiHost(url);
  if (!multi) return { mode: 'single', hosts: [url.replace(/\/\/[^@/]*@/, '//')] };
  const hosts = multi.hosts.map((h) => `${h.host}:${h.port}`);
  return multi.scheme === 'redis-cluster' ? { mode: 'cluster', hosts } : { mode: 'sentinel', hosts, master: multi.path.split('/')[0] ?? '' };
}

/** Where a REDIS_URL points, for messages: host:port (or the sentinels/nodes), never a password. */
export function redisWhere(url: string): string {
  let multi: MultiHost | null = null;
  try {
    multi = parseMultiHost(url);
  } catch {
    return 'the address in REDIS_URL';
  }
  if (multi) {
    const hosts = multi.hosts.map((h) => `${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`).join(',');
    return multi.scheme === 'redis-cluster' ? `cluster nodes ${hosts}` : `sentinels ${hosts} (master ${multi.path.split('/')[0] ?? ''})`;
  }
  try {
    const u = new URL(url);
    return `${u.hostname || '127.0.0.1'}:${u.port || '6379'}`;
  } catch {
    return 'the address in REDIS_URL';
  }
}

/** Redis did not answer at start: where it was looked for and why, like PostgreSQL's DB_UNREACHABLE. */
export function redisUnreachable(url: string, e: unknown): RadassocError {
  const where = redisWhere(url);
  let reason = e instanceof Error ? e.message : String(e);
  // "connect ECONNREFUSED 127.0.0.1:6379": the address is already said once.
  reason = reason.replace(/ \[?[0-9a-fA-F:.]+\]?:\d+$/, '');
  for (const secret of redisSecrets(url)) reason = reason.split(secret).join('***');
  return fail('REDIS_UNREACHABLE', { when: 'start', where, reason }, { cause: e });
}

function redisSecrets(url: string): string[] {
  const m = /^[a-z-]+:\/\/(?:[^:@/]*:([^@/]+)@)?/i.exec(url);
  const raw = m?.[1];
  if (!raw) return [];
  try {
    return [raw, decodeURIComponent(raw)];
  } catch {
    return [raw];
  }
}
