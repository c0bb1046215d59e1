/**
 * /api/openapi.json (OpenAPI 3.1), generated from the routes as declared
 * (route.ts) and their zod schemas (z.toJSONSchema, JSON Schema 2020-12,
 * the dialect of OpenAPI 3.1), with an example for every request and
 * response body.
 */
import { z } from 'zod';
import { fail, type ErrorCode } from '../errors.js';
import type { ErrorData } from '../error-messages.js';
import { errorBody } from './http-errors.js';
import { querySchema, type RouteDef } from './route.js';
import { ErrorBodySchema } from './schemas.js';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return rest;
}

const firstExample = (s: Json): unknown => (Array.isArray(s.examples) ? s.examples[0] : undefined);

/** An example refusal per status, in the catalogue's words. */
function errorExample<C extends ErrorCode>(code: C, data: ErrorData[C], fields: Array<{ path: string; message: string }> = []): unknown {
  const body = errorBody(fail(code, data));
  return { error: { ...body.error, fields } };
}

const ERROR_EXAMPLES: Record<number, { description: string; example: unknown }> = {
  400: { description: 'Invalid request: every wrong field listed', example: firstExample(jsonSchema(ErrorBodySchema, 'output')) },
  401: { description: 'No token, or an unknown, expired or revoked one (for a login: a wrong login or password)', example: errorExample('API_UNAUTHENTICATED', { problem: 'missing' }) },
  403: { description: 'The role may not do this', example: errorExample('API_FORBIDDEN', { role: 'support', action: 'change members, plans or NAS' }) },
  404: {
    description: "No such object in this tenant (another tenant's is never found, whatever the role), or no such tenant for ?tenant=",
    example: errorExample('UNKNOWN_MEMBER', { username: 'zoe' }),
  },
  409: { description: 'Exists already, or in use', example: errorExample('DUPLICATE_MEMBER', { username: 'alice' }, [{ path: 'username', message: 'member alice already exists' }]) },
  413: { description: 'Body too large', example: errorExample('API_BODY_TOO_LARGE', { limit: 1048576 }) },
  415: { description: 'A body that is not application/json', example: errorExample('API_UNSUPPORTED_MEDIA_TYPE', { contentType: 'text/plain' }) },
  422: {
    description: 'Refused as meaningless: e.g. an attribute the dictionary refuses, an Idempotency-Key reused with another request',
    example: errorExample('INVALID_ATTRIBUTE', { attribute: 'Sesion-Timeout', value: '60', reason: "unknown attribute 'Sesion-Timeout'; did you mean Session-Timeout?" }, [
      { path: 'attributes.0', message: "--attr 'Sesion-Timeout=60': unknown attribute 'Sesion-Timeout'; did you mean Session-Timeout?" },
    ]),
  },
  429: { description: 'Too many failed logins or bad tokens from this address or for this login', example: errorExample('API_RATE_LIMITED', { retryAfterSeconds: 120 }) },
};

const errorResponse = (status: number): Json => {
  const e = ERROR_EXAMPLES[status]!;
  return { description: e.description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: e.example } } };
};

function parameters(def: RouteDef): Json[] {
  const out: Json[] = [];
  const pathNames = [...def.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  const shape = ((def.params as z.ZodObject | undefined)?.shape ?? {}) as Record<string, z.ZodType>;
  for (const name of pathNames) {
    const s = shape[name] ?? z.string();
    out.push({ name, in: 'path', required: true, schema: jsonSchema(s, 'input') });
  }
  const query = (querySchema(def) as z.ZodObject).shape as Record<string, z.ZodType>;
  for (const [name, s] of Object.entries(query)) {
    const schema = jsonSchema(s, 'input');
    out.push({ name, in: 'query', required: !s.safeParse(undefined).success, ...(typeof schema.description === 'string' ? { description: schema.description } : {}), schema });
  }
  if (def.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'A retry with the same key and body (the same JSON, whatever the order of its keys) gets the first answer back, marked Idempotent-Replayed (kept 24 h); the same key with another body is refused (422).',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  return out;
}

function operation(def: RouteDef): Json {
  const response = jsonSchema(def.response.schema, 'output');
  const content: Json = { 'application/json': { schema: response, example: firstExample(response) } };
  if (def.response.csvExample !== undefined) content['text/csv'] = { schema: { type: 'string' }, example: def.response.csvExample };
  const headers = def.idempotent ? { headers: { 'Idempotent-Replayed': { description: '"true" on the stored answer to a retried Idempotency-Key', schema: { type: 'string', enum: ['true'] } } } } : {};
  const responses: Json = { [String(def.response.status)]: { description: def.response.description, ...headers, content } };
  const alt = def.response.alternative;
  if (alt) responses[String(alt.status)] = { description: alt.description, content };
  // Every bearer route: a bad token is a 401, and too many of them from one address a 429 (even with a good one then).
  // Every tenant route: ?tenant= may name no tenant of the caller's (404).
  const statuses = new Set<number>([400, ...(def.auth === 'none' ? [] : [401, 429]), ...(def.auth === 'tenant' ? [403, 404] : []), ...(def.errors ?? [])]);
  // Fastify reads a body on every method but GET, whether the route declares one or not.
  if (def.method !== 'GET') for (const st of [413, 415]) statuses.add(st);
  if (def.idempotent) statuses.add(422);
  for (const s of [...statuses].sort()) responses[String(s)] = errorResponse(s);
  const op: Json = {
    operationId: `${def.method.toLowerCase()}${def.url.replace(/^\/api\/v1/, '').replace(/\/:?([a-z_]+)/g, (_m, w: string) => w[0]!.toUpperCase() + w.slice(1))}`,
    tags: [def.tag],
    summary: def.summary,
    ...(def.description ? { description: def.description } : {}),
    parameters: parameters(def),
    responses,
  };
  if (def.auth === 'none') op.security = [];
  if (def.body !== undefined) {
    const body = jsonSchema(def.body, 'input');
    op.requestBody = { required: true, content: { 'application/json': { schema: body, example: firstExample(body) } } };
  }
  return op;
}

/** The OpenAPI form of a Fastify path: /members/:username → /members/{username}. */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z_]+)/g, '{$1}');

export function openApiDocument(routes: readonly RouteDef[]): Json {
  const paths: Record<string, Json> = {};
  for (const def of routes) (paths[openApiPath(def.url)] ??= {})[def.method.toLowerCase()] = operation(def);
  return {
    openapi: '3.1.0',
    info: {
      title: 'radassoc HTTP API',
      version: '1',
      description:
        'Members, plans, NAS, live sessions, usage, dues and the audit log of one radassoc deployment, for member-management tools and the console. ' +
        'Authenticate with `Authorization: Bearer <token>`: an API token (`radassoc token add`) or an admin login session (POST /api/v1/login). ' +
        'Every refusal is `{ "error": { "code", "message", "details", "fields" } }`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: ['members', 'plans', 'nas', 'sessions', 'usage', 'dues', 'audit', 'hooks', 'login', 'dashboard', 'requisitions'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'rda_… (API token) or rds_… (admin login session)' } },
      schemas: { Error: jsonSchema(ErrorBodySchema, 'output') },
    },
  };
}
