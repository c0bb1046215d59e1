/**
 * A member-management tool polling the HTTP API in a loop: one request at a
 * time, alternately GET /api/v1/sessions and a page of 100 members, at most
 * `ratePerSecond` requests a second (0: as fast as the answers come), until
 * told to stop. What the "PAP with an API client polling" row runs beside a
 * PAP load, to show the API does not slow RADIUS.
 *
 * node:http on one kept-alive connection rather than fetch: the client runs
 * on the same two cores as radload and the daemon, and fetch spends about
 * twice the CPU per request, which the row would charge to the daemon.
 */
import http from 'node:http';

export interface PollResult {
  requests: number;
  errors: number;
  ms: number;
}

function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

export function pollApi(base: string, token: string, ratePerSecond: number): { stop(): Promise<PollResult> } {
  let stopping = false;
  const started = performance.now();
  const headers = { authorization: `Bearer ${token}` };
  const paths = ['/api/v1/sessions', '/api/v1/members?limit=100'];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const result: PollResult = { requests: 0, errors: 0, ms: 0 };
  const loop = (async () => {
    for (let i = 0; !stopping; i++) {
      const due = started + (ratePerSecond > 0 ? (i * 1000) / ratePerSecond : 0);
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (stopping) break;
      try {
        const status = await get(agent, `${base}${paths[i % 2]}`, headers);
        if (status < 200 || status >= 300) result.errors++;
      } catch {
        result.errors++;
      }
      result.requests++;
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      agent.destroy();
      result.ms = performance.now() - started;
      return result;
    },
  };
}
