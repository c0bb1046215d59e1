/**
 * The service dependencies for one CLI command (services/deps.ts): the
 * database from the admin context, a Dynamic Authorization client, a way to
 * read live sessions and to flush usage.
 *
 * Live sessions: with Redis (production) the CLI reads Redis directly. In
 * embedded mode they live in the daemon's memory, so the CLI asks the running
 * daemon through its loopback control route (ops/control.ts). It must not
 * open the embedded store itself: that would replay and rewrite the daemon's
 * journal under it. When live sessions cannot be read (daemon stopped,
 * Redis down), the command still does its database part and says that live
 * sessions are unknown.
 */
// pino, ioredis (through open-store) and the CoA client load inside
// withServices: every command module imports this file, and most runs
// (`--help`, member list, nas add) never need them.
import type { FlushReport } from '../accounting/flusher.js';
import type { OpenSessionStoreOptions } from '../accounting/open-store.js';
import type { OpenFilter, SessionStore } from '../accounting/store.js';
import type { Config } from '../config/schema.js';
import type { LiveSession } from '../domain/session.js';
import { fail } from '../errors.js';
import type { LiveSessionSource, ReadScope, Scope, ServiceDeps } from '../services/deps.js';
import { ControlSessionSource, readControlToken, readControlUrl } from '../ops/control.js';
import type { AdminContext } from './context.js';

/** Where the daemon's HTTP server listens, as a URL the CLI can reach. */
export function controlBaseUrl(config: Config): string | null {
  if (config.httpPort === 0) return null;
  const host = config.httpHost === '0.0.0.0' ? '127.0.0.1' : config.httpHost === '::' ? '::1' : config.httpHost;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.httpPort}`;
}

/**
 * Opens the real source only when sessions are first needed, so that a
 * stopped daemon or an unreachable Redis fails only what needs live sessions
 * (the member is still suspended; the report says the sessions are unknown).
 */
class LazySource implements LiveSessionSource {
  private source: Promise<LiveSessionSource> | null = null;
  constructor(private readonly open: () => Promise<LiveSessionSource>) {}

  async listOpen(filter?: OpenFilter): Promise<LiveSession[]> {
    return (await (this.source ??= this.open())).listOpen(filter);
  }

  async getSession(uniqueId: string): Promise<LiveSession | null> {
    return (await (this.source ??= this.open())).getSession(uniqueId);
  }
}

/** The running daemon's control route (embedded mode: live sessions are in its memory). */
export async function openControlSource(config: Config): Promise<ControlSessionSource> {
  const base = (await readControlUrl(config.dataDir)) ?? controlBaseUrl(config);
  if (base === null) {
    throw fail('DAEMON_UNREACHABLE', { problem: 'http-disabled' });
  }
  return new ControlSessionSource(base, await readControlToken(config.dataDir));
}

/** The Redis session store, loading ioredis only now (see the imports above). */
export async function openRedisStore(opts: OpenSessionStoreOptions): Promise<SessionStore> {
  const { openSessionStore } = await import('../accounting/open-store.js');
  return openSessionStore(opts);
}

/** The dependencies of a service that reads only the database, the configuration and the clock. */
export function readDeps(ctx: AdminContext): Pick<ServiceDeps, 'db' | 'config' | 'now'> {
  return { db: ctx.db, config: ctx.config, now: () => Date.now() };
}

export interface ServicesOptions {
  /** Retransmission waits for the CoA client (tests); default 1 s, 2 s, 4 s. */
  coaTimeoutsMs?: readonly number[];
}

/** A live-session source that can also flush usage: Redis itself, or the embedded daemon. */
interface SessionAccess {
  source: LiveSessionSource;
  flush: () => Promise<FlushReport>;
}

/**
 * Builds the service dependencies for `ctx`, runs `fn`, and closes what it
 * opened (Redis connection, CoA sockets). Live sessions are reached only when
 * a call first needs them (LazySource).
 */
export async function withServices<T>(ctx: AdminContext, fn: (deps: ServiceDeps, scope: Scope) => Promise<T>, opts: ServicesOptions = {}): Promise<T> {
  return servicesIn(ctx, () => ctx.scope(), fn, opts);
}

/** The same for a listing: its scope may be every tenant (--all-tenants). */
export async function withReadServices<T>(ctx: AdminContext, fn: (deps: ServiceDeps, scope: ReadScope) => Promise<T>, opts: ServicesOptions = {}): Promise<T> {
  return servicesIn(ctx, () => ctx.readScope(), fn, opts);
}

async function servicesIn<T, S>(ctx: AdminContext, scopeOf: () => Promise<S>, fn: (deps: ServiceDeps, scope: S) => Promise<T>, opts: ServicesOptions): Promise<T> {
  const [{ pino }, { createLogger }, { CoaClient }, { flushUsage }] = await Promise.all([
    import('pino'),
    import('../log.js'),
    import('../coa/client.js'),
    import('../accounting/flusher.js'),
  ]);
  const level = process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent';
  const log = createLogger(level, pino.destination(2));
  const closers: Array<() => Promise<void>> = [];
  try {
    const { redisUrl, dataDir, redisKeyPrefix } = ctx.config;
    let access: Promise<SessionAccess> | null = null;
    const open = (): Promise<SessionAccess> =>
      (access ??= (async (): Promise<SessionAccess> => {
        if (!redisUrl) {
          const control = await openControlSource(ctx.config);
          return { source: control, flush: () => control.flush() };
        }
        const redis: SessionStore = await openRedisStore({ redisUrl, dataDir, prefix: redisKeyPrefix, log });
        closers.push(() => redis.close());
        // The daemon's own flush seals identities with the configured key; so must this one.
        const { configuredIdentityKey } = await import('../privacy/identity-key.js');
        const identityKey = configuredIdentityKey(ctx.config);
        return { source: redis, flush: () => flushUsage(redis, ctx.db, { identityKey }) };
      })());
    const coa = new CoaClient({ ...(opts.coaTimeoutsMs ? { timeoutsMs: opts.coaTimeoutsMs } : {}), localAddress: ctx.config.bind });
    closers.push(() => coa.close());
    const deps: ServiceDeps = {
      db: ctx.db,
      config: ctx.config,
      sessions: new LazySource(async () => (await open()).source),
      coa,
      log,
      flush: async () => (await open()).flush(),
      now: () => Date.now(),
    };
    return await fn(deps, await scopeOf());
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}
