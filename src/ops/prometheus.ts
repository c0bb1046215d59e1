/**
 * /metrics in Prometheus text format (prom-client). The hot path only bumps
 * plain integers in ServerMetrics; prom-client reads them at scrape time, so
 * a scrape costs the daemon nothing between scrapes.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DROP_REASONS } from '../protocol/index.js';
import type { SessionCounts } from '../accounting/store.js';
import { NO_TENANT, type ServerMetrics, type UnansweredReason } from '../server/metrics.js';

export interface MetricSources {
  metrics: ServerMetrics;
  cache: { counts(): { members: number; plans: number; nas: number }; loadedAt: number };
  authLog: { stats(): { buffered: number; written: number; dropped: number; failures: number } };
  /** Epoch ms of the last successful usage flush, or 0. */
  lastFlushAt(): number;
  /** The session store's figures (SessionStore.counts); rejects when the store cannot say, quickly. */
  sessionCounts(): Promise<SessionCounts>;
  /**
   * The `tenant` label of a tenant id (null: no tenant found): a name for a
   * bounded set of tenants, 'other' for the rest (auth/directory-cache.ts);
   * absent, every tenant is 'other' but for 'none'.
   */
  tenantLabel?(id: number | null): string;
}

/** Per-tenant counts summed by label: several tenants share 'other'. */
function byTenantLabel(metrics: ServerMetrics, label: (id: number | null) => string): Map<string, { accepts: number; rejects: Map<string, number> }> {
  const out = new Map<string, { accepts: number; rejects: Map<string, number> }>();
  for (const [id, c] of metrics.tenants) {
    const name = label(id === NO_TENANT ? null : id);
    let sum = out.get(name);
    if (sum === undefined) out.set(name, (sum = { accepts: 0, rejects: new Map() }));
    sum.accepts += c.accepts;
    for (const [reason, n] of c.rejects) sum.rejects.set(reason, (sum.rejects.get(reason) ?? 0) + n);
  }
  return out;
}

/**
 * One read shared by the gauges of one scrape (prom-client collects them
 * concurrently); null when the store could not be read.
 */
function sharedRead<T>(read: () => Promise<T>): () => Promise<T | null> {
  let pending: Promise<T | null> | null = null;
  return () =>
    (pending ??= read()
      .catch(() => null)
      .finally(() => {
        pending = null;
      }));
}

/** A counter whose value is read from our own integers when scraped. */
function mirror(counter: Counter<string>, read: () => Array<[Record<string, string>, number]>): void {
  counter.reset();
  for (const [labels, v] of read()) counter.inc(labels, v);
}

export function createRegistry(src: MetricSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'radassoc_' });
  const { metrics } = src;

  const requests = new Counter({
    name: 'radassoc_requests_answered_total',
    help:
      'Requests answered, by kind and result: access (accept, reject, challenge), accounting (stored; not-stored: ' +
      'acknowledged without Acct-Status-Type or Acct-Session-Id to keep it by), status (Status-Server: accept on the ' +
      'authentication port, response on the accounting port)',
    labelNames: ['kind', 'result'],
    registers: [registry],
    collect() {
      mirror(requests, () => metrics.answerCounts().map((a) => [{ kind: a.kind, result: a.result }, a.n]));
    },
  });
  const drops = new Counter({
    name: 'radassoc_packets_dropped_total',
    help: 'Datagrams dropped without an answer, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      mirror(drops, () => DROP_REASONS.map((r) => [{ reason: r }, metrics.drops[r]]));
    },
  });
  const unanswered = new Counter({
    name: 'radassoc_requests_unanswered_total',
    help: 'Valid requests left unanswered so the NAS retransmits or fails over, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      mirror(unanswered, () => (Object.keys(metrics.unanswered) as UnansweredReason[]).map((r) => [{ reason: r }, metrics.unanswered[r]]));
    },
  });
  const duplicates = new Counter({
    name: 'radassoc_duplicates_total',
    help: 'Retransmissions: answered from the cache, or dropped while the original was in flight (RFC 5080)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      mirror(duplicates, () => [
        [{ outcome: 'replayed' }, metrics.duplicatesReplayed],
        [{ outcome: 'in_flight' }, metrics.duplicatesInFlight],
      ]);
    },
  });
  registry.registerMetric(metrics.latency);

  const label = (id: number | null): string => src.tenantLabel?.(id) ?? (id === null ? 'none' : 'other');
  const tenantRequests = new Counter({
    name: 'radassoc_tenant_access_requests_total',
    help: "Access-Requests decided, by tenant and result (accept, reject); tenant 'none': no tenant could be determined, 'other': the tenants past the 50 named",
    labelNames: ['tenant', 'result'],
    registers: [registry],
    collect() {
      mirror(tenantRequests, () =>
        [...byTenantLabel(metrics, label)].flatMap(([tenant, c]): Array<[Record<string, string>, number]> => {
          let rejects = 0;
          for (const n of c.rejects.values()) rejects += n;
          return [[{ tenant, result: 'accept' }, c.accepts], [{ tenant, result: 'reject' }, rejects]];
        }),
      );
    },
  });
  const tenantRejects = new Counter({
    name: 'radassoc_tenant_access_rejects_total',
    help: 'Access-Rejects by tenant and reason (the reasons diagnose explains; realm-not-served, realm-missing and line-ambiguous are routing refusals)',
    labelNames: ['tenant', 'reason'],
    registers: [registry],
    collect() {
      mirror(tenantRejects, () => [...byTenantLabel(metrics, label)].flatMap(([tenant, c]) => [...c.rejects].map(([reason, n]): [Record<string, string>, number] => [{ tenant, reason }, n])));
    },
  });

  const gauge = (name: string, help: string, read: () => number | null | Promise<number | null>, labelNames: string[] = []): void => {
    const g: Gauge<string> = new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const v = await read();
        if (v !== null) g.set(v);
      },
    });
  };
  // The whole store's figures (with Redis, every daemon sharing it shows the same): NaN, not a stale
  // or made-up number, when the store does not answer in time.
  const counts = sharedRead(() => src.sessionCounts());
  const unread = ' (the whole session store; NaN when it could not be read within half a second)';
  gauge('radassoc_live_sessions', `Open accounting sessions, as radassoc sessions lists them${unread}`, async () => (await counts())?.live ?? NaN);
  gauge('radassoc_flush_backlog_sessions', `Finished sessions whose usage is not yet flushed to PostgreSQL${unread}`, async () => (await counts())?.flushBacklog ?? NaN);
  gauge(
    'radassoc_sessions_held_unattributed',
    `Open sessions no record could route to a tenant (a shared NAS, no realm it carries): listed deployment-wide, never flushed${unread}`,
    async () => (await counts())?.held ?? NaN,
  );
  gauge('radassoc_flush_lag_seconds', 'Seconds since the last successful usage flush', () => {
    const at = src.lastFlushAt();
    return at === 0 ? null : (Date.now() - at) / 1000;
  });
  gauge('radassoc_cache_age_seconds', 'Seconds since members, plans and NAS were fully loaded', () => (Date.now() - src.cache.loadedAt) / 1000);
  gauge('radassoc_cached_members', 'Members in the in-memory cache', () => src.cache.counts().members);
  gauge('radassoc_cached_nas', 'NAS clients in the in-memory cache', () => src.cache.counts().nas);
  gauge('radassoc_auth_log_buffered', 'Authentication log entries waiting to be written', () => src.authLog.stats().buffered);
  gauge('radassoc_auth_log_dropped', 'Authentication log entries dropped because the buffer overflowed', () => src.authLog.stats().dropped);
  return registry;
}
