/**
 * A daemon with its HTTP API on a free loopback port, against the real
 * PostgreSQL and Redis of the global setup, plus what the API suites need:
 * tokens made through the accounts service, requests over real HTTP
 * (fetch), and every log line the daemon wrote (to look for secrets in).
 */
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { addToken, type ApiRole } from '../../src/api/accounts.js';
import { insertNas } from '../../src/db/nas.js';
import { findTenantRef } from '../../src/db/tenants.js';
import type { Config } from '../../src/config/schema.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { freePort } from '../support/services.js';

export const NAS_SECRET = 'api-suite-nas-secret-0123456789ab';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as it is, instead of JSON.stringify(body). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export interface ApiHarness {
  t: TestDaemon;
  base: string;
  logs: string[];
  /** A new API token for `role` in `tenant` (default: the default tenant; operator: none). */
  token(role: ApiRole, tenant?: string, name?: string): Promise<string>;
  call<T = any>(method: string, path: string, opts?: CallOptions): Promise<ApiAnswer<T>>;
  stop(): Promise<void>;
}

export async function startApiDaemon(overrides: Partial<Config> = {}): Promise<ApiHarness> {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: NAS_SECRET });
  await db.close();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const port = await freePort();
  const t = await startTestDaemon(url, { api: { host: '127.0.0.1', port, tlsCert: null, tlsKey: null }, ...overrides }, { log: pino({ level: 'debug' }, sink) });
  const base = t.daemon.api?.url ?? `http://127.0.0.1:${port}`;
  return {
    t,
    base,
    logs,
    async token(role, tenant = 'default', name) {
      const ref = role === 'operator' ? null : await findTenantRef(t.db, tenant);
      if (role !== 'operator' && !ref) throw new Error(`no tenant ${tenant}`);
      return (await addToken({ db: t.db }, { name: 'test' }, { role, tenant: ref, name: name ?? `${role}-${tenant}` })).token;
    },
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | Buffer | undefined;
      if (opts.raw !== undefined) body = opts.raw;
      else if (opts.body !== undefined) body = JSON.stringify(opts.body);
      if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
      const r = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await r.text();
      let parsed: unknown = text;
      if ((r.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
      return { status: r.status, body: parsed as any, text, headers: r.headers };
    },
    stop: () => t.stop(),
  };
}
