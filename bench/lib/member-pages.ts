/**
 * A page of 100 members over the HTTP API, timed as a member-management
 * tool sees it (request sent to body read, one kept-alive connection), at
 * the scale step's 100,000 members: the first page, the page a cursor
 * points at, and each filter the API documents as an index range (status,
 * lapsing-within, a name prefix). A filter that matches nobody is the slow
 * case of a keyset query (it reads on until the index ends), so the bench
 * population, with no paid-until and nobody suspended, is the worst one
 * for those. `contains` is a scan by design (its description says so) and
 * is reported apart, not judged.
 */
import http from 'node:http';

export interface PageTiming {
  name: string;
  path: string;
  /** Median of the runs, ms. */
  ms: number;
  /** Members on the page. */
  count: number;
  status: number;
  /** Part of the documented fast set (judged against the target). */
  indexed: boolean;
}

function getJson(agent: http.Agent, url: string, token: string): Promise<{ status: number; body: unknown; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          let body: unknown = null;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            // A non-JSON answer is reported by its status.
          }
          resolve({ status: res.statusCode ?? 0, body, ms });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const membersOf = (body: unknown): unknown[] =>
  typeof body === 'object' && body !== null && Array.isArray((body as { members?: unknown }).members) ? (body as { members: unknown[] }).members : [];

const cursorOf = (body: unknown): string | null =>
  typeof body === 'object' && body !== null && typeof (body as { next_cursor?: unknown }).next_cursor === 'string' ? (body as { next_cursor: string }).next_cursor : null;

export async function timeMemberPages(base: string, token: string, runs = 9): Promise<PageTiming[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const page = '/api/v1/members?limit=100';
    // A cursor from the middle of the population: the page after the first 50,000 names of the prefix.
    const first = await getJson(agent, `${base}${page}&q=user05`, token);
    const cursor = cursorOf(first.body);
    const cases: Array<Omit<PageTiming, 'ms' | 'count' | 'status'>> = [
      { name: 'first page', path: page, indexed: true },
      ...(cursor ? [{ name: 'a page by cursor', path: `${page}&cursor=${encodeURIComponent(cursor)}`, indexed: true }] : []),
      { name: 'status=active', path: `${page}&status=active`, indexed: true },
      { name: 'status=suspended (none)', path: `${page}&status=suspended`, indexed: true },
      { name: 'lapsing_within=30 (none)', path: `${page}&lapsing_within=30`, indexed: true },
      { name: 'q=user0999 (name prefix)', path: `${page}&q=user0999`, indexed: true },
      { name: 'contains=9999 (a scan)', path: `${page}&contains=9999`, indexed: false },
    ];
    const out: PageTiming[] = [];
    for (const c of cases) {
      const times: number[] = [];
      let last = { status: 0, body: null as unknown, ms: 0 };
      // One untimed request: the first of a query shape pays for planning and a cold cache.
      await getJson(agent, `${base}${c.path}`, token);
      for (let i = 0; i < runs; i++) {
        last = await getJson(agent, `${base}${c.path}`, token);
        times.push(last.ms);
      }
      times.sort((a, b) => a - b);
      out.push({ ...c, ms: times[Math.floor(times.length / 2)]!, count: membersOf(last.body).length, status: last.status });
    }
    return out;
  } finally {
    agent.destroy();
  }
}
