/**
 * How the supervisor combines the workers' store-wide gauges: every worker
 * reads the same shared store, so the figure is shown once (not summed), and
 * a worker that could not read it in time (NaN, null after the IPC channel's
 * JSON) does not hide the figure the others read.
 */
import { AggregatorRegistry, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { keepStoreReadings, type MetricsJson } from '../../src/ops/cluster-metrics.js';

/** A worker's registry as the supervisor receives it: JSON through the IPC channel. */
async function worker(live: number, answered: number): Promise<MetricsJson> {
  const r = new Registry();
  new Gauge({ name: 'radassoc_live_sessions', help: 'h', registers: [r] }).set(live);
  new Gauge({ name: 'radassoc_requests_in_worker', help: 'h', registers: [r] }).set(answered);
  return JSON.parse(JSON.stringify(await r.getMetricsAsJSON())) as MetricsJson;
}

async function combined(workers: MetricsJson[]): Promise<{ live: number | undefined; sum: number | undefined }> {
  for (const metrics of workers) for (const m of metrics) if (m.name === 'radassoc_live_sessions') m.aggregator = 'max';
  keepStoreReadings(workers);
  const registry = AggregatorRegistry.aggregate(workers);
  const value = async (name: string): Promise<number | undefined> => (await registry.getSingleMetric(name)?.get())?.values[0]?.value;
  return { live: await value('radassoc_live_sessions'), sum: await value('radassoc_requests_in_worker') };
}

describe('store-wide gauges across workers', () => {
  it('shows the shared figure once, while per-worker counters add up', async () => {
    expect(await combined([await worker(7, 3), await worker(7, 4)])).toEqual({ live: 7, sum: 7 });
  });

  it('keeps the figure of the workers that read it when one could not', async () => {
    expect(await combined([await worker(NaN, 3), await worker(7, 4)])).toEqual({ live: 7, sum: 7 });
    expect(await combined([await worker(7, 3), await worker(NaN, 4)])).toEqual({ live: 7, sum: 7 });
  });

  it('shows NaN, not 0, when no worker could read the store', async () => {
    const { live } = await combined([await worker(NaN, 3), await worker(NaN, 4)]);
    expect(live).toBeNaN();
  });
});
