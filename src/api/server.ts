/**
 * The HTTP API (Fastify), served by the daemon on api.host:api.port
 * (loopback by default; direct TLS with api.tlsCert and api.tlsKey, or a
 * reverse proxy in front). Each request: authenticate the bearer token
 * (rate-limited on failure), take the tenant from the principal, check the
 * role, validate params, query and body against the route's zod schemas
 * (every field error at once), honour an Idempotency-Key, call one service,
 * answer JSON. Refusals are the catalogue's (http-errors.ts).
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ApiFieldError } from '../error-messages.js';
import { fail, isRadassocError, RadassocError } from '../errors.js';
import { listenError } from '../listen-errors.js';
import type { ServiceDeps } from '../services/deps.js';
import { authenticate, type Principal } from './accounts.js';
import { AuthGuard, type AuthGuardOptions } from './auth-guard.js';
import { API_ACCOUNTS_CHANNEL, PrincipalCache } from './principal-cache.js';
import { errorBody, toHttpError } from './http-errors.js';
import { checkKey, idempotent } from './idempotency.js';
import { openApiDocument } from './openapi.js';
import { mayDo, ACTION_WORDS } from './roles.js';
import { Answer, querySchema, type RouteDef } from './route.js';
import { hookRoutes } from './routes/hooks.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { memberRoutes } from './routes/members.js';
import { loginRoutes } from './routes/login.js';
import { operationRoutes } from './routes/operations.js';
import { nasRoutes, planRoutes } from './routes/plans-nas.js';
import { requisitionRoutes } from './routes/requisitions.js';
import { scopeFor } from './scope.js';
import { tokenKind } from './tokens.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Octets of one path segment as sent (percent-encoded): a 253-character name encoded three times over fits. */
const MAX_PARAM_LENGTH = 1024;

export interface ApiConfig {
  host: string;
  port: number;
  tlsCert: string | null;
  tlsKey: string | null;
}

export interface ApiServerDeps {
  services: ServiceDeps;
  log: Logger;
  guard?: AuthGuardOptions;
}

export interface ApiServer {
  app: FastifyInstance;
  port: number;
  url: string;
  routes: readonly RouteDef[];
  close(): Promise<void>;
}

export function apiRoutes(guard: AuthGuard, principals: PrincipalCache): RouteDef[] {
  return [...loginRoutes(guard, principals), ...memberRoutes, ...planRoutes, ...nasRoutes, ...operationRoutes, ...hookRoutes, ...dashboardRoutes, ...requisitionRoutes];
}

/** zod's issues as field errors: `ipv4`, `members.3.paid_until`, `query.limit`; each unknown key its own. */
function fieldErrors(error: z.ZodError, prefix: string): ApiFieldError[] {
  const join = (path: readonly PropertyKey[]): string => [prefix, ...path.map(String)].filter((p) => p !== '').join('.');
  return error.issues.flatMap((iss) => {
    if (iss.code === 'unrecognized_keys') return iss.keys.map((k) => ({ path: join([...iss.path, k]), message: 'unknown field' }));
    return [{ path: join(iss.path) || '(body)', message: iss.message }];
  });
}

/** The body of a POST that declares none (resume, logout): an empty object, and nothing else. */
const NO_BODY = z.strictObject({});

function parseAll(def: RouteDef, raw: { params: unknown; query: unknown; body: unknown }): { params: unknown; query: unknown; body: unknown } {
  const fields: ApiFieldError[] = [];
  const parse = (schema: z.ZodType | undefined, value: unknown, prefix: string): unknown => {
    if (schema === undefined) return value;
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    fields.push(...fieldErrors(r.error, prefix));
    return undefined;
  };
  const query = parse(querySchema(def), raw.query ?? {}, 'query');
  const params = parse(def.params, raw.params ?? {}, 'params');
  // A POST without a body (resume, logout) is an empty object.
  const body = def.method === 'GET' || def.method === 'DELETE' ? undefined : parse(def.body ?? NO_BODY, raw.body ?? {}, '');
  if (fields.length > 0) throw fail('API_INVALID_REQUEST', { fields });
  return { params, query, body };
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer +(\S+)\s*$/i.exec(h);
  return m ? m[1]! : '';
}

function send(reply: FastifyReply, status: number, body: unknown, contentType = 'application/json; charset=utf-8'): FastifyReply {
  return reply.code(status).type(contentType).send(typeof body === 'string' ? body : JSON.stringify(body));
}

function register(app: FastifyInstance, def: RouteDef, deps: ApiServerDeps, guard: AuthGuard, principals: PrincipalCache): void {
  const services = deps.services;
  const authenticateRequest = async (req: FastifyRequest): Promise<Principal> => {
    const token = bearer(req);
    if (token === null) throw fail('API_UNAUTHENTICATED', { problem: 'missing' });
    guard.assertAllowed(req.ip);
    const principal = token === '' ? null : await authenticate(services, token, principals);
    if (principal) return principal;
    guard.tokenFailed(req.ip, tokenKind(token) ?? 'not a radassoc token');
    throw fail('API_UNAUTHENTICATED', { problem: 'invalid' });
  };
  app.route({
    method: def.method,
    url: def.url,
    bodyLimit: def.bodyLimit ?? DEFAULT_BODY_LIMIT,
    handler: async (req, reply) => {
      const started = performance.now();
      let actor: string | undefined;
      try {
        const principal = def.auth === 'none' ? null : await authenticateRequest(req);
        actor = principal?.actor;
        let tenant: Awaited<ReturnType<typeof scopeFor>> | null = null;
        if (def.auth === 'tenant' && principal) {
          const requested = (req.query as Record<string, unknown> | undefined)?.tenant;
          tenant = await scopeFor(services.db, principal, typeof requested === 'string' && requested !== '' ? requested : undefined);
          const action = typeof def.action === 'function' ? def.action(req.body) : def.action;
          if (!mayDo(tenant.role, action)) {
            // Another tenant's object (or none) is a 404 to every role: a 403 would tell it exists.
            const params = def.params?.safeParse(req.params ?? {});
            if (def.found && (params === undefined || params.success)) {
              await def.found({ deps: services, scope: tenant.scope, params: (params?.data ?? {}) as Record<string, unknown>, body: req.body });
            }
            throw fail('API_FORBIDDEN', { role: tenant.role, action: ACTION_WORDS[action] });
          }
        }
        const parsed = parseAll(def, { params: req.params, query: req.query, body: req.body });
        const run = async (): Promise<{ status: number; body: unknown; contentType?: string }> => {
          const ctx = { ...parsed, deps: services, request: req, reply, principal, ...(tenant ?? {}) };
          const out = await (def.handler as (c: typeof ctx) => Promise<unknown>)(ctx);
          if (out instanceof Answer) return { status: out.status, body: out.body, contentType: out.contentType };
          return { status: def.response.status, body: out };
        };
        const key = req.headers['idempotency-key'];
        if (def.idempotent && principal && typeof key === 'string') {
          const a = await idempotent(
            services.db,
            {
              principal: principal.key,
              key: checkKey(key),
              tenantId: tenant?.scope.tenant.id ?? null,
              request: { method: def.method, path: req.url.split('?')[0] ?? '', tenant: tenant?.scope.tenant.name ?? null, body: req.body },
            },
            run,
          );
          if (a.replayed) reply.header('idempotent-replayed', 'true');
          send(reply, a.status, a.body);
        } else {
          const a = await run();
          send(reply, a.status, a.body, a.contentType);
        }
        deps.log.debug({ method: def.method, url: def.url, status: reply.statusCode, actor, ms: Math.round(performance.now() - started) }, 'API request');
      } catch (e) {
        const { status, body, internal } = toHttpError(e, String(req.id), req.body);
        if (internal) deps.log.error({ method: def.method, url: def.url, requestId: req.id, actor, err: e instanceof Error ? e.message : String(e) }, 'API request failed');
        else deps.log.info({ method: def.method, url: def.url, status, actor, code: body.error.code }, 'API request refused');
        if (isRadassocError(e) && e.code === 'API_RATE_LIMITED') reply.header('retry-after', String(e.details.retryAfterSeconds));
        if (status === 401) reply.header('www-authenticate', 'Bearer realm="radassoc"');
        send(reply, status, body);
      }
    },
  });
}

/** Fastify's own refusals (a body it could not read) as the catalogue's. */
function frameworkError(e: FastifyError, contentType: string): RadassocError {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return fail('API_BODY_TOO_LARGE', { limit: DEFAULT_BODY_LIMIT });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return fail('API_UNSUPPORTED_MEDIA_TYPE', { contentType });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return fail('API_MALFORMED_JSON', { reason: 'the body is empty; send {} for no fields' });
    default: {
      // V8's words quote the text around the mistake, which may be a password: keep the position only.
      const at = /position (\d+)/.exec(e.message);
      const reason = e.statusCode === 400 || e instanceof SyntaxError ? (at ? `syntax error at position ${at[1]}` : 'syntax error') : e.code ?? 'unreadable request';
      return fail('API_MALFORMED_JSON', { reason });
    }
  }
}

/** The app, the routes as declared, and every route Fastify registered (the OpenAPI test holds the two together). */
export function buildApi(deps: ApiServerDeps, tls?: { cert: Buffer; key: Buffer }): { app: FastifyInstance; routes: RouteDef[]; registered: Array<{ method: string; url: string }> } {
  const app = Fastify({
    logger: false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Fastify's default is 100 octets, shorter than a realm-qualified username (253) once percent-encoded.
    maxParamLength: MAX_PARAM_LENGTH,
    // Refusals before routing (a malformed percent-encoding, an overlong path segment) in the catalogue's shape.
    frameworkErrors: (e, req, reply) => {
      const message = e.code === 'FST_ERR_MAX_PARAM_LENGTH' ? `longer than ${MAX_PARAM_LENGTH} octets` : 'not valid percent-encoding';
      const { status, body } = toHttpError(fail('API_INVALID_REQUEST', { fields: [{ path: 'params', message }] }), String(req.id));
      deps.log.info({ method: req.method, status, code: e.code }, 'API request refused');
      send(reply, status, body);
    },
    // Behind a reverse proxy on loopback, the client's address is in X-Forwarded-For.
    trustProxy: 'loopback',
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
  }) as unknown as FastifyInstance;
  // JSON only: Fastify would hand a text/plain body to the schema as a string ("expected object"), not refuse its type.
  app.removeContentTypeParser('text/plain');
  const registered: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') registered.push({ method, url: r.url });
  });
  const guard = new AuthGuard(deps.log, deps.guard);
  const principals = new PrincipalCache();
  // Listening before the first request (Fastify runs onReady before listen and inject answer).
  let unlisten: (() => Promise<void>) | null = null;
  app.addHook('onReady', async () => {
    unlisten = await deps.services.db.listen(API_ACCOUNTS_CHANNEL, () => principals.clear());
  });
  app.addHook('onClose', async () => {
    await unlisten?.();
  });
  const routes = apiRoutes(guard, principals);
  for (const def of routes) register(app, def, deps, guard, principals);
  const doc = openApiDocument(routes);
  app.get('/api/openapi.json', async (_req, reply) => send(reply, 200, doc));
  app.setNotFoundHandler((req, reply) => send(reply, 404, errorBody(fail('API_NOT_FOUND', { method: req.method, path: req.url.split('?')[0] ?? '' }))));
  app.setErrorHandler((e: FastifyError, req, reply) => {
    const limit = req.routeOptions?.bodyLimit ?? DEFAULT_BODY_LIMIT;
    const contentType = String(req.headers['content-type'] ?? 'none').split(';')[0]!.slice(0, 100);
    const refusal = e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? fail('API_BODY_TOO_LARGE', { limit }) : frameworkError(e, contentType);
    const { status, body } = toHttpError(refusal, String(req.id));
    deps.log.info({ method: req.method, url: req.routeOptions?.url, status, code: body.error.code }, 'API request refused');
    send(reply, e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 415 : status, body);
  });
  return { app, routes, registered };
}

export async function startApiServer(config: ApiConfig, deps: ApiServerDeps): Promise<ApiServer> {
  const tls = readTls(config);
  const { app, routes } = buildApi(deps, tls);
  // The web console and the member space, on the same server (their pages call the routes above in-process).
  const { registerConsole } = await import('../console/plugin.js');
  registerConsole(app, { services: deps.services, log: deps.log, ...(deps.guard ? { guard: deps.guard } : {}) });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await app.close().catch(() => undefined);
    throw listenError(e as Error, {
      protocol: 'TCP',
      host: config.host,
      port: config.port,
      purpose: 'the HTTP API',
      move: 'api.port in the config file (0 disables it)',
      culprit: 'another radassoc daemon may be running',
      hostSetting: 'api.host in the config file',
    });
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  deps.log.info({ host: config.host, port, tls: tls !== undefined }, 'HTTP API listening (/api/v1, /api/openapi.json)');
  return { app, port, url, routes, close: () => app.close() };
}

function readTls(config: ApiConfig): { cert: Buffer; key: Buffer } | undefined {
  if (config.tlsCert === null && config.tlsKey === null) return undefined;
  if (config.tlsCert === null || config.tlsKey === null) {
    throw new RadassocError('CONFIG_INVALID', 'api.tlsCert and api.tlsKey go together: give both files for direct TLS, or neither (behind a reverse proxy)');
  }
  const read = (path: string, key: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new RadassocError('CONFIG_INVALID', `${key} ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): check the path and that the radassoc user may read it`);
    }
  };
  return { cert: read(config.tlsCert, 'api.tlsCert'), key: read(config.tlsKey, 'api.tlsKey') };
}
