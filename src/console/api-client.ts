/**
 * The console's one way to the data: the HTTP API's own routes, called in
 * process (fastify.inject) with the admin's session token, from the
 * browser's address so that the API's rate limits and logs see the person.
 * Roles, tenant checks, validation and audit are therefore the API's.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface ApiRefusal {
  code: string;
  message: string;
  fields: Array<{ path: string; message: string }>;
  details: Record<string, unknown>;
}

export interface ApiResult<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Record<string, unknown>;
  /** The API's error, when status is 400 or more. */
  refusal: ApiRefusal | null;
}

export interface ApiCaller {
  call<T = any>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiResult<T>>;
}

export function apiCaller(app: FastifyInstance, req: FastifyRequest, token: string | null, tenant: string | null): ApiCaller {
  return {
    async call(method, path, body) {
      const sep = path.includes('?') ? '&' : '?';
      const url = tenant !== null ? `${path}${sep}tenant=${encodeURIComponent(tenant)}` : path;
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const r = await app.inject({ method, url, headers, remoteAddress: req.ip, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
      const isJson = String(r.headers['content-type'] ?? '').includes('json');
      const parsed: unknown = isJson && r.body !== '' ? JSON.parse(r.body) : r.body;
      const err = r.statusCode >= 400 && isJson ? (parsed as { error?: ApiRefusal }).error ?? null : null;
      const refusal = r.statusCode >= 400 ? (err ?? { code: 'API_INTERNAL', message: `HTTP ${r.statusCode}`, fields: [], details: {} }) : null;
      return { status: r.statusCode, body: parsed as any, text: r.body, headers: r.headers, refusal };
    },
  };
}
