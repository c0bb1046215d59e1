/**
 * The fair queue in front of the dispatcher (src/server/fairness.ts): per-NAS
 * bounds, round-robin service, the rate limit of a throttled NAS, and a clean
 * drain for shutdown. Jobs here are promises the test resolves by hand.
 */
import { describe, expect, it } from 'vitest';
import { FairQueue, type FairQueueOptions } from '../../src/server/fairness.js';

interface Job {
  tenant: string;
  n: number;
}

function harness(overrides: Partial<FairQueueOptions> = {}) {
  const started: Job[] = [];
  const pending: Array<() => void> = [];
  let clock = 0;
  const q = new FairQueue<Job>(
    (job) => {
      started.push(job);
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    {
      normal: { queued: 100, inFlight: 4 },
      throttled: { queued: 10, inFlight: 1, perSecond: 5 },
      batch: 8,
      pressure: { arrivals: 1000, batch: 2 },
      totalQueued: 1000,
      now: () => clock,
      ...overrides,
    },
  );
  const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
  const finishAll = async (): Promise<void> => {
    while (pending.length > 0) pending.shift()!();
    await turn();
  };
  return { q, started, pending, turn, finishAll, advance: (ms: number) => (clock += ms) };
}

describe('fair queue', () => {
  it('serves NAS round-robin, so a NAS with a long queue does not delay one with a short queue', async () => {
    const h = harness({ normal: { queued: 100, inFlight: 100 } });
    for (let n = 0; n < 50; n++) h.q.offer('flood', { tenant: 'flood', n });
    for (let n = 0; n < 3; n++) h.q.offer('quiet', { tenant: 'quiet', n });
    await h.turn();
    // One per tenant per pass, `batch` (8) per turn: the quiet NAS is done within the first 6 starts.
    expect(h.started.slice(0, 6).filter((j) => j.tenant === 'quiet')).toHaveLength(3);
    expect(h.started).toHaveLength(8);
  });

  it('starts fewer requests in a turn after a burst of arrivals, so reading keeps ahead of a flood', async () => {
    const h = harness({ pressure: { arrivals: 20, batch: 2 }, normal: { queued: 100, inFlight: 100 } });
    for (let n = 0; n < 10; n++) h.q.offer('a', { tenant: 'a', n });
    await h.turn();
    expect(h.started).toHaveLength(8); // a calm turn: the full batch
    for (let n = 10; n < 40; n++) h.q.offer('a', { tenant: 'a', n });
    await h.turn();
    expect(h.started).toHaveLength(10); // 30 arrivals since the last turn: only 2 started
  });

  it('refuses a NAS beyond its queue bound and never runs more of its requests at once than its in-flight cap', async () => {
    const h = harness();
    let refused = 0;
    for (let n = 0; n < 150; n++) if (!h.q.offer('a', { tenant: 'a', n })) refused++;
    expect(refused).toBe(50);
    for (let i = 0; i < 5; i++) await h.turn();
    expect(h.started).toHaveLength(4); // in-flight cap: the rest waits, it is not dropped
    h.pending.shift()!();
    await h.turn();
    await h.turn();
    expect(h.started).toHaveLength(5);
    expect(h.q.stats()).toMatchObject({ queued: 95, inFlight: 4 });
  });

  it('rate-limits a throttled NAS (token bucket) and lets it through again as tokens refill', async () => {
    const h = harness({ isThrottled: (t) => t === 'bad' });
    let admitted = 0;
    for (let n = 0; n < 20; n++) if (h.q.offer('bad', { tenant: 'bad', n })) admitted++;
    expect(admitted).toBe(5); // a full bucket: perSecond tokens
    expect(h.q.offer('good', { tenant: 'good', n: 0 })).toBe(true);
    h.advance(400); // 2 tokens back
    expect([h.q.offer('bad', { tenant: 'bad', n: 20 }), h.q.offer('bad', { tenant: 'bad', n: 21 }), h.q.offer('bad', { tenant: 'bad', n: 22 })]).toEqual([true, true, false]);
    await h.turn();
    expect(h.started.filter((j) => j.tenant === 'bad')).toHaveLength(1); // throttled in-flight cap
  });

  it('gives each NAS its fair share of the shared bound when every queue is full', () => {
    const h = harness({ normal: { queued: 1000, inFlight: 1 }, totalQueued: 100 });
    let a = 0;
    for (let n = 0; n < 500; n++) if (h.q.offer('a', { tenant: 'a', n })) a++;
    let b = 0;
    for (let n = 0; n < 500; n++) if (h.q.offer('b', { tenant: 'b', n })) b++;
    expect(a).toBe(100);
    expect(b).toBe(50); // past the shared bound, b still gets totalQueued / tenants
  });

  it('resolves idle() only once everything queued has run and finished (shutdown drain)', async () => {
    const h = harness();
    for (let n = 0; n < 10; n++) h.q.offer('a', { tenant: 'a', n });
    let idle = false;
    const done = h.q.idle().then(() => (idle = true));
    for (let i = 0; i < 20 && h.started.length < 10; i++) await h.finishAll();
    await h.finishAll();
    await done;
    expect(idle).toBe(true);
    expect(h.started).toHaveLength(10);
  });
});
