/**
 * /metrics per tenant: decisions and rejects by reason carry a `tenant` label
 * whose values stay bounded however many tenants there are (the directory
 * names the first 50; the rest are summed as 'other'; 'none' is a request
 * routing could not give to any tenant).
 */
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/ops/prometheus.js';
import { ServerMetrics } from '../../src/server/metrics.js';

const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    const got = inside.split(',');
    if (want.every((w) => got.includes(w)) && got.length === want.length) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
};

describe('tenant labels on /metrics', () => {
  it('names the first tenants, sums the rest as other, and counts refused routing as none', async () => {
    const metrics = new ServerMetrics();
    // 120 tenants: the label names those the directory names (here 1..50), whatever the count.
    for (let id = 1; id <= 120; id++) metrics.tenantAccess(id, id % 2 === 0 ? 'bad-password' : null);
    metrics.tenantAccess(2, null);
    metrics.tenantAccess(null, 'realm-not-served');
    metrics.tenantAccess(null, 'realm-missing');
    const registry = createRegistry({
      metrics,
      cache: { counts: () => ({ members: 0, plans: 0, nas: 0 }), loadedAt: Date.now() },
      authLog: { stats: () => ({ buffered: 0, written: 0, dropped: 0, failures: 0 }) },
      lastFlushAt: () => 0,
      sessionCounts: async () => ({ live: 0, flushBacklog: 0, held: 0 }),
      tenantLabel: (id) => (id === null ? 'none' : id <= 50 ? `asso-${id}` : 'other'),
    });
    const text = await registry.metrics();
    expect(sample(text, 'radassoc_tenant_access_requests_total', { tenant: 'asso-2', result: 'accept' })).toBe(1);
    expect(sample(text, 'radassoc_tenant_access_requests_total', { tenant: 'asso-2', result: 'reject' })).toBe(1);
    expect(sample(text, 'radassoc_tenant_access_rejects_total', { tenant: 'asso-2', reason: 'bad-password' })).toBe(1);
    // Tenants 51..120: 35 odd ones accepted, 35 even ones refused, under one label.
    expect(sample(text, 'radassoc_tenant_access_requests_total', { tenant: 'other', result: 'accept' })).toBe(35);
    expect(sample(text, 'radassoc_tenant_access_rejects_total', { tenant: 'other', reason: 'bad-password' })).toBe(35);
    expect(sample(text, 'radassoc_tenant_access_rejects_total', { tenant: 'none', reason: 'realm-not-served' })).toBe(1);
    expect(sample(text, 'radassoc_tenant_access_rejects_total', { tenant: 'none', reason: 'realm-missing' })).toBe(1);
    const tenants = new Set([...text.matchAll(/radassoc_tenant_access_requests_total\{tenant="([^"]+)"/g)].map((m) => m[1]));
    expect(tenants.size).toBe(52); // 50 names, other, none
  });
});
