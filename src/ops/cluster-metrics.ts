/**
 * /metrics for the whole server under `serve --workers N`.
 *
 * Every worker serves the loopback HTTP port: node:cluster shares the
 * listening socket (the supervisor accepts, workers answer), so a scrape,
 * /healthz or a control request reaches any one worker. Each worker keeps its
 * own counters, so the worker that gets a scrape asks the supervisor for the
 * aggregate; the supervisor asks every serving worker for its registry as
 * JSON over the cluster IPC channel and merges them with prom-client's
 * AggregatorRegistry.aggregate. Whichever worker answers, Prometheus sees the
 * same totals.
 *
 * prom-client's own AggregatorRegistry.clusterMetrics() is not used: it
 * waits for every connected worker, so one still starting (its listener not
 * yet installed) or stopping would fail every scrape for 5 s; here a worker
 * is asked only once it serves, and one that does not answer in time is left
 * out (radassoc_workers_scraped says how many were counted).
 *
 * A restarted worker starts from zero, so the sums drop when a worker dies:
 * Prometheus takes that as a counter reset, as after a restart of a single
 * process.
 *
 * The supervisor loads prom-client at its first scrape only: it runs no daemon
 * and should stay small (docs/performance.md).
 */
import cluster, { type Worker } from 'node:cluster';
import type { Aggregator, MetricObjectWithValues, MetricValue, Registry } from 'prom-client';
import type { Logger } from 'pino';

export type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>;

/** Worker → supervisor: a scrape came in, send me the whole server's metrics. */
interface ScrapeRequest {
  type: 'radassoc:scrape';
  id: number;
}
/** Supervisor → worker: the aggregate in Prometheus text, or why there is none. */
interface ScrapeResult {
  type: 'radassoc:scrape-result';
  id: number;
  text?: string;
  contentType?: string;
  error?: string;
}
/** Supervisor → worker: send your registry as JSON. */
interface CollectRequest {
  type: 'radassoc:collect';
  id: number;
}
/** Worker → supervisor: this worker's registry. */
interface CollectResult {
  type: 'radassoc:collected';
  id: number;
  metrics?: MetricsJson;
  error?: string;
}

const isMessage = <T extends { type: string }>(type: T['type']) => (m: unknown): m is T =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;
const isScrapeRequest = isMessage<ScrapeRequest>('radassoc:scrape');
const isScrapeResult = isMessage<ScrapeResult>('radassoc:scrape-result');
const isCollectRequest = isMessage<CollectRequest>('radassoc:collect');
const isCollectResult = isMessage<CollectResult>('radassoc:collected');

/**
 * How each worker's values combine, when the sum (prom-client's default, right
 * for every counter and histogram and for per-process buffers) is wrong:
 * these gauges describe state every worker holds a copy of (the directory
 * cache, the shared session store) or that only the jobs worker (slot 0)
 * knows, and the others report 0 for them. The worst (largest) view is the
 * one to alert on. Kept here, by name, because main.ts registers two of them.
 */
const AGGREGATORS: Readonly<Record<string, Aggregator>> = {
  radassoc_live_sessions: 'max',
  radassoc_flush_backlog_sessions: 'max',
  radassoc_flush_lag_seconds: 'max',
  radassoc_cache_age_seconds: 'max',
  radassoc_cached_members: 'max',
  radassoc_cached_nas: 'max',
  // Each worker holds the locks it saw reach the threshold (counters are in
  // Redis), often the same names: the sum would count them twice, the
  // largest view is a lower bound.
  radassoc_locked_out_users: 'max',
  radassoc_throttled_nas: 'max',
};

/**
 * Gauges every worker reads from the shared session store (Redis: the
 * embedded store is one process's, and `--workers N` refuses it). A worker
 * that could not read it in time reports NaN, which the IPC channel's JSON
 * turns into null: the workers that did read it tell the figure, and NaN is
 * shown only when none could.
 */
const STORE_WIDE = new Set(['radassoc_live_sessions', 'radassoc_flush_backlog_sessions']);

export function keepStoreReadings(perWorker: MetricsJson[]): void {
  for (const name of STORE_WIDE) {
    const views = perWorker.flatMap((metrics) => metrics.filter((m) => m.name === name));
    const read = (m: (typeof views)[number]): boolean => m.values.some((v) => typeof v.value === 'number' && !Number.isNaN(v.value));
    const anyRead = views.some(read);
    for (const m of views) {
      if (!anyRead) m.values = m.values.map((v) => ({ ...v, value: NaN }));
      else if (!read(m)) m.values = [];
    }
  }
}

/** How long the supervisor waits for the workers' registries, and a worker for the supervisor. */
const COLLECT_TIMEOUT_MS = 2000;
const SCRAPE_TIMEOUT_MS = COLLECT_TIMEOUT_MS + 1000;

/** This process is a worker, and its /metrics must be the whole server's. */
export const scrapesThroughSupervisor = (): boolean => cluster.isWorker;

/**
 * Worker side: answer the supervisor's requests for this worker's registry.
 * Returns the function that stops answering (when the HTTP server closes).
 */
export function answerCollects(registry: Registry): () => void {
  const onMessage = (m: unknown): void => {
    if (!isCollectRequest(m)) return;
    const reply = (r: Omit<CollectResult, 'type' | 'id'>): void => {
      const msg: CollectResult = { type: 'radassoc:collected', id: m.id, ...r };
      process.send?.(msg);
    };
    registry.getMetricsAsJSON().then(
      (metrics) => reply({ metrics }),
      (e: unknown) => reply({ error: (e as Error).message }),
    );
  };
  process.on('message', onMessage);
  return () => void process.off('message', onMessage);
}

let nextScrapeId = 0;

/** Worker side: the whole server's metrics, aggregated by the supervisor. */
export function scrapeWholeServer(): Promise<{ text: string; contentType: string }> {
  const id = nextScrapeId++;
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    const onMessage = (m: unknown): void => {
      if (!isScrapeResult(m) || m.id !== id) return;
      done();
      if (m.text !== undefined && m.contentType !== undefined) resolve({ text: m.text, contentType: m.contentType });
      else reject(new Error(m.error ?? 'the supervisor sent no metrics'));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the supervisor did not send the metrics within ${SCRAPE_TIMEOUT_MS} ms`));
    }, SCRAPE_TIMEOUT_MS);
    process.on('message', onMessage);
    const req: ScrapeRequest = { type: 'radassoc:scrape', id };
    if (!process.send?.(req)) {
      done();
      reject(new Error('no channel to the supervisor'));
    }
  });
}

/**
 * Supervisor side: answers the workers' scrape requests. `serving` lists the
 * workers to count (those that said they serve). Returns the function that
 * removes the listener, for when the supervisor stops.
 */
export function serveClusterScrapes(serving: () => Worker[], log: Logger): () => void {
  let nextCollectId = 0;
  const pending = new Map<number, (from: Worker, r: CollectResult) => void>();

  const collect = (workers: Worker[]): Promise<MetricsJson[]> => {
    const id = nextCollectId++;
    return new Promise((resolve) => {
      const got = new Map<Worker, MetricsJson>();
      const finish = (): void => {
        clearTimeout(timer);
        pending.delete(id);
        const missing = workers.filter((w) => !got.has(w));
        if (missing.length > 0) log.warn({ workerPids: missing.map((w) => w.process.pid) }, 'worker metrics missing from this scrape');
        resolve([...got.values()]);
      };
      const timer = setTimeout(finish, COLLECT_TIMEOUT_MS);
      pending.set(id, (from, r) => {
        if (!workers.includes(from)) return;
        if (r.metrics) got.set(from, r.metrics);
        else {
          log.warn({ workerPid: from.process.pid, err: r.error }, 'worker could not read its metrics');
          workers = workers.filter((w) => w !== from);
        }
        if (workers.every((w) => got.has(w))) finish();
      });
      const req: CollectRequest = { type: 'radassoc:collect', id };
      for (const w of workers) {
        try {
          w.send(req);
        } catch {
          workers = workers.filter((x) => x !== w); // died meanwhile
        }
      }
      if (workers.length === 0) finish();
    });
  };

  const aggregate = async (): Promise<{ text: string; contentType: string }> => {
    const { AggregatorRegistry, Gauge } = await import('prom-client');
    const perWorker = await collect(serving().filter((w) => w.isConnected()));
    for (const metrics of perWorker) for (const m of metrics) m.aggregator = AGGREGATORS[m.name] ?? m.aggregator;
    keepStoreReadings(perWorker);
    const registry = AggregatorRegistry.aggregate(perWorker);
    new Gauge({ name: 'radassoc_workers_scraped', help: 'Worker processes whose counters this scrape adds up', registers: [registry] }).set(perWorker.length);
    return { text: await registry.metrics(), contentType: registry.contentType };
  };

  const onMessage = (worker: Worker, m: unknown): void => {
    if (isCollectResult(m)) {
      pending.get(m.id)?.(worker, m);
      return;
    }
    if (!isScrapeRequest(m)) return;
    const reply = (r: Omit<ScrapeResult, 'type' | 'id'>): void => {
      const msg: ScrapeResult = { type: 'radassoc:scrape-result', id: m.id, ...r };
      if (worker.isConnected()) worker.send(msg);
    };
    aggregate().then(reply, (e: unknown) => {
      log.error({ err: (e as Error).message }, 'could not aggregate the workers\' metrics');
      reply({ error: (e as Error).message });
    });
  };
  cluster.on('message', onMessage);
  return () => void cluster.off('message', onMessage);
}
