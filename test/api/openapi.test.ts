/**
 * /api/openapi.json is the API as served: every route Fastify registered is
 * documented (and nothing else), every request and response body has an
 * example, and every example in it validates against its schema (JSON
 * Schema 2020-12, OpenAPI 3.1's dialect); a real answer does too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildApi } from '../../src/api/server.js';
import { openApiPath } from '../../src/api/openapi.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { startApiDaemon, type ApiHarness } from './harness.js';

type Json = Record<string, any>;
let api: ApiHarness;
let doc: Json;

beforeAll(async () => {
  api = await startApiDaemon();
  const r = await api.call('GET', '/api/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body;
});

afterAll(async () => {
  await api?.stop();
});

function newAjv() {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  ajv.addSchema({ ...doc.components.schemas.Error, $id: 'error' });
  return ajv;
}

/** A schema with its $refs to components resolved, for ajv. */
const resolve = (schema: Json): Json => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/Error"', '"error"'));

/** Every (where, schema, example) in the document: media examples, and every schema node's own examples. */
function examples(): Array<{ where: string; schema: Json; example: unknown }> {
  const out: Array<{ where: string; schema: Json; example: unknown }> = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
    if (typeof node !== 'object' || node === null) return;
    const n = node as Json;
    if (n.schema && 'example' in n) out.push({ where, schema: n.schema, example: n.example });
    if (Array.isArray(n.examples) && (n.type !== undefined || n.anyOf !== undefined || n.properties !== undefined)) {
      n.examples.forEach((e: unknown, i: number) => out.push({ where: `${where}.examples[${i}]`, schema: n, example: e }));
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'examples' && k !== 'example') walk(v, `${where}.${k}`);
  };
  walk(doc.paths, 'paths');
  return out;
}

describe('/api/openapi.json', () => {
  it('is OpenAPI 3.1, served without authentication', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents every route Fastify registered, and no other', () => {
    const { registered } = buildApi({ services: {} as ServiceDeps, log: pino({ level: 'silent' }) });
    const served = registered.filter((r) => r.url !== '/api/openapi.json').map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`);
    const documented = Object.entries(doc.paths as Json).flatMap(([path, ops]) => Object.keys(ops as Json).map((m) => `${m} ${path}`));
    expect(served.length).toBeGreaterThan(25);
    expect(new Set(documented)).toEqual(new Set(served));
  });

  it('gives every request body and every response an example', () => {
    for (const [path, ops] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(ops as Json)) {
        const where = `${method} ${path}`;
        if (op.requestBody) expect([where, op.requestBody.content['application/json'].example]).toEqual([where, expect.anything()]);
        for (const [status, res] of Object.entries(op.responses as Json)) {
          for (const [type, media] of Object.entries((res as Json).content as Json)) expect([where, status, type, (media as Json).example]).toEqual([where, status, type, expect.anything()]);
        }
      }
    }
  });

  it('has examples that validate against their schemas', () => {
    const ajv = newAjv();
    const all = examples();
    expect(all.length).toBeGreaterThan(100);
    const failures = all.flatMap(({ where, schema, example }) => {
      const validate = ajv.compile(resolve(schema));
      return validate(example) ? [] : [`${where}: ${ajv.errorsText(validate.errors)}`];
    });
    expect(failures).toEqual([]);
  });

  it('describes what the API really answers', async () => {
    const admin = await api.token('admin');
    await api.call('POST', '/api/v1/plans', { token: admin, body: { name: 'p1', attributes: [{ name: 'Session-Timeout', value: '60' }] } });
    await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'real', password: 'real-pass-123', plan: 'p1', paid_until: '2030-01-01' } });
    const ajv = newAjv();
    const check = async (method: string, path: string, docPath: string, status: number, body?: unknown): Promise<void> => {
      const r = await api.call(method, path, { token: admin, ...(body ? { body } : {}) });
      expect([path, r.status]).toEqual([path, status]);
      const schema = doc.paths[docPath][method.toLowerCase()].responses[String(status)].content['application/json'].schema;
      const validate = ajv.compile(resolve(schema));
      expect([path, validate(r.body) ? 'valid' : ajv.errorsText(validate.errors)]).toEqual([path, 'valid']);
    };
    await check('GET', '/api/v1/members', '/api/v1/members', 200);
    await check('GET', '/api/v1/members/real', '/api/v1/members/{username}', 200);
    await check('PATCH', '/api/v1/members/real', '/api/v1/members/{username}', 200, { max_sessions: 2 });
    await check('POST', '/api/v1/members/real/suspend', '/api/v1/members/{username}/suspend', 200, { reason: 'check' });
    await check('GET', '/api/v1/members/real/diagnose', '/api/v1/members/{username}/diagnose', 200);
    await check('GET', '/api/v1/plans', '/api/v1/plans', 200);
    await check('GET', '/api/v1/nas', '/api/v1/nas', 200);
    await check('GET', '/api/v1/sessions', '/api/v1/sessions', 200);
    await check('GET', '/api/v1/audit', '/api/v1/audit', 200);
    await check('GET', '/api/v1/usage?from=2026-11-01&to=2026-11-30&format=json', '/api/v1/usage', 200);
    await check('POST', '/api/v1/dues/run', '/api/v1/dues/run', 200, { dry_run: true });
    await check('GET', '/api/v1/members/ghost', '/api/v1/members/{username}', 404);
    await check('POST', '/api/v1/members', '/api/v1/members', 400, { username: 1 });
  });
});
