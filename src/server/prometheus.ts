/**
 * /metrics in Prometheus text format (prom-client). The hot path only bumps
 * plain integers in ServerMetrics; prom-client reads them at scrape time, so
 * a scrape costs the daemon nothing between scrapes.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DROP_REASONS } from '../protocol/decode.js';
import type { ServerMetrics, UnansweredReason } from './metrics.js';

export interface MetricSources {
  metrics: ServerMetrics;
  cache: { counts(): { members: number; plans: number; nas: number }; loadedAt: number };
  authLog: { stats(): { buffered: number; written: number; dropped: number; failures: number } };
  /** Epoch ms of the last successful usage flush, or 0. */
  lastFlushAt(): number;
  /** Sessions with changes not yet flushed to PostgreSQL, when known. */
  flushBacklog(): number | null;
  liveSessions(): number | null;
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
    help: 'Requests answered, by kind and result',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      mirror(requests, () => [...metrics.answered].map(([kind, n]) => [{ kind }, n]));
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

  const gauge = (name: string, help: string, read: () => number | null, labelNames: string[] = []): void => {
    const g: Gauge<string> = new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        const v = read();
        if (v !== null) g.set(v);
      },
    });
  };
  gauge('radassoc_live_sessions', 'Open accounting sessions in the session store', () => src.liveSessions());
  gauge('radassoc_flush_backlog_sessions', 'Sessions with usage not yet flushed to PostgreSQL', () => src.flushBacklog());
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
