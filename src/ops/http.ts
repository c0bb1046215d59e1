/**
 * The operator's view on loopback: /metrics (Prometheus text) and /healthz
 * (ready only when the listeners are up and PostgreSQL and the session store
 * answer; details in JSON). Further routes (the CLI's control route) plug in
 * as handlers that return true when they answered.
 *
 * Under `serve --workers N` every worker runs this server on the same port
 * (node:cluster shares it) and /metrics answers for the whole server, through
 * the supervisor (cluster-metrics.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { listenError } from '../listen-errors.js';
import { answerCollects, scrapesThroughSupervisor, scrapeWholeServer } from './cluster-metrics.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpServerDeps {
  registry: Registry;
  checks: HealthCheck[];
  routes?: RouteHandler[];
  log: Logger;
}

const CHECK_TIMEOUT_MS = 2000;

async function runCheck(c: HealthCheck): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (e) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function health(checks: HealthCheck[]): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; ms: number; error?: string }> }> {
  const results = await Promise.all(checks.map(runCheck));
  const out: Record<string, { ok: boolean; ms: number; error?: string }> = {};
  checks.forEach((c, i) => (out[c.name] = results[i]!));
  return { ready: results.every((r) => r.ok), checks: out };
}

export async function startHttpServer(host: string, port: number, deps: HttpServerDeps): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void route(req, res, deps).catch((e) => {
      deps.log.error({ err: (e as Error).message, url: req.url }, 'HTTP handler failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        listenError(e, {
          protocol: 'TCP',
          host,
          port,
          purpose: 'HTTP /metrics and /healthz',
          move: '--http-port or httpPort in the config file (0 disables it)',
          culprit: 'another radassoc daemon may be running',
          hostSetting: 'httpHost in the config file',
        }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  deps.log.info({ host, port: bound }, 'HTTP listening (/metrics, /healthz)');
  // In a cluster the supervisor adds this worker's registry to every scrape, whichever worker got it.
  const stopAnswering = scrapesThroughSupervisor() ? answerCollects(deps.registry) : () => undefined;
  return {
    server,
    port: bound,
    close: () =>
      new Promise((resolve) => {
        stopAnswering();
        server.close(() => resolve());
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, deps: HttpServerDeps): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/metrics') {
    if (!scrapesThroughSupervisor()) {
      const body = await deps.registry.metrics();
      res.writeHead(200, { 'content-type': deps.registry.contentType }).end(body);
      return;
    }
    try {
      const { text, contentType } = await scrapeWholeServer();
      res.writeHead(200, { 'content-type': contentType }).end(text);
    } catch (e) {
      // Not this worker's counters alone: Prometheus would take the jump between workers for resets.
      deps.log.warn({ err: (e as Error).message }, 'whole-server metrics unavailable');
      res.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${(e as Error).message}\n`);
    }
    return;
  }
  if (req.method === 'GET' && path === '/healthz') {
    const h = await health(deps.checks);
    res.writeHead(h.ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify({ status: h.ready ? 'ready' : 'not ready', ...h })}\n`);
    return;
  }
  for (const r of deps.routes ?? []) if (await r(req, res)) return;
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
}
