/**
 * The daemon's control route, for the CLI in embedded mode. There the live
 * sessions are in the daemon's process memory (accounting/memory-store.ts,
 * journal under the data directory), so `suspend`, `disconnect` and
 * `diagnose` run from another process cannot read them; with Redis the CLI
 * reads Redis directly and does not need this.
 *
 * Only reading is offered: the CLI signs and sends Disconnect/CoA requests
 * itself (it reads the NAS secrets from the database like the daemon), so the
 * route grants nothing beyond what the data directory's owner already has.
 *
 *   GET /control/sessions?user=U    → {"sessions": LiveSession[]}
 *   GET /control/sessions?nas=N     → {"sessions": LiveSession[]}
 *       &tenant=ID narrows either (or the whole list) to one tenant's sessions (OpenFilter.tenantId)
 *   GET /control/sessions?id=ID     → {"session": LiveSession | null}
 *   POST /control/flush             → {"report": FlushReport} (`radassoc flush`)
 *
 * Mounted by the daemon's loopback HTTP server (/metrics, /healthz). Every
 * request must come from a loopback address and carry
 * `Authorization: Bearer <token>`, the token being the contents of
 * `<dataDir>/control.token` (mode 0600): only the daemon's OS user (and root)
 * can read live sessions, which hold members' addresses.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { LiveSession } from '../domain/session.js';
import type { FlushReport } from '../accounting/flusher.js';
import type { OpenFilter } from '../accounting/store.js';
import { fail, type RadassocError } from '../errors.js';
import { isLoopbackAddress } from '../net/ip.js';
import type { LiveSessionSource } from '../services/deps.js';

export const CONTROL_TOKEN_FILE = 'control.token';
/** Where the running daemon's HTTP server listens, so the CLI finds it whatever flags started it. */
export const CONTROL_URL_FILE = 'control.url';

/**
 * Written aside and renamed into place: under `serve --workers N` every
 * worker writes it at start, and a CLI reading meanwhile must never see it
 * empty or half written.
 */
export async function writeControlUrl(dataDir: string, url: string): Promise<void> {
  const file = join(dataDir, CONTROL_URL_FILE);
  const aside = `${file}.${process.pid}.tmp`;
  await writeFile(aside, `${url}\n`, { mode: 0o644 });
  await rename(aside, file);
}

export async function readControlUrl(dataDir: string): Promise<string | null> {
  try {
    return (await readFile(join(dataDir, CONTROL_URL_FILE), 'utf8')).trim() || null;
  } catch {
    return null;
  }
}

export type ControlHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * The token file: created with a random token on first use (mode 0600),
 * kept afterwards so several daemon processes and restarts agree on it.
 * Workers of `serve --workers N` create it at the same moment: the token is
 * written aside, then hard-linked into place (link fails if the file exists),
 * so the file appears complete or not at all, and the first one wins.
 */
export async function ensureControlToken(dataDir: string): Promise<string> {
  const file = join(dataDir, CONTROL_TOKEN_FILE);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const aside = `${file}.${process.pid}.tmp`;
  await writeFile(aside, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  try {
    await link(aside, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
  return readControlToken(dataDir);
}

export async function readControlToken(dataDir: string): Promise<string> {
  const file = join(dataDir, CONTROL_TOKEN_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw fail('DAEMON_UNREACHABLE', { problem: 'token-unreadable', file, errno: (e as NodeJS.ErrnoException).code ?? String(e) });
  }
  const token = text.trim();
  if (token === '') throw fail('DAEMON_UNREACHABLE', { problem: 'token-empty', file });
  return token;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

export interface ControlOptions {
  store: LiveSessionSource;
  token: string;
  /** Flushes usage to PostgreSQL now; the daemon owns the embedded store, so it runs the flush. */
  flush?: () => Promise<FlushReport>;
}

/** A request handler that answers /control/* and returns true, or returns false for any other path. */
export function createControlHandler(opts: ControlOptions): ControlHandler {
  const expected = digest(`Bearer ${opts.token}`);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/control/')) return false;
    if (!isLoopbackAddress(req.socket.remoteAddress ?? '')) {
      reply(res, 403, { error: 'the control route answers loopback clients only' });
      return true;
    }
    // Compare digests: constant time, and equal lengths whatever was sent.
    if (!timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      reply(res, 401, { error: 'missing or wrong control token' });
      return true;
    }
    if (url.pathname === '/control/flush' && opts.flush) {
      if (req.method !== 'POST') {
        reply(res, 405, { error: 'use POST' });
        return true;
      }
      void opts.flush().then(
        (report) => reply(res, 200, { report }),
        (e: unknown) => reply(res, 503, { error: `flush failed: ${e instanceof Error ? e.message : String(e)}` }),
      );
      return true;
    }
    if (url.pathname !== '/control/sessions') {
      reply(res, 404, { error: `no control route ${url.pathname}` });
      return true;
    }
    if (req.method !== 'GET') {
      reply(res, 405, { error: 'use GET' });
      return true;
    }
    void answerSessions(opts.store, url.searchParams, res);
    return true;
  };
}

async function answerSessions(store: LiveSessionSource, q: URLSearchParams, res: ServerResponse): Promise<void> {
  try {
    const id = q.get('id');
    if (id !== null) return reply(res, 200, { session: await store.getSession(id) });
    const user = q.get('user');
    const nas = q.get('nas');
    const tenant = q.get('tenant');
    const tenantId = tenant === null ? undefined : Number(tenant);
    if (tenantId !== undefined && !(Number.isInteger(tenantId) && tenantId > 0)) return reply(res, 400, { error: 'tenant must be a tenant id' });
    const filter = { ...(user !== null ? { username: user } : {}), ...(nas !== null ? { nas } : {}), ...(tenantId !== undefined ? { tenantId } : {}) };
    reply(res, 200, { sessions: await store.listOpen(filter) });
  } catch (e) {
    reply(res, 503, { error: `the session store cannot be read: ${e instanceof Error ? e.message : String(e)}` });
  }
}

const NUM_OR_NULL = ['nasPort', 'interimInterval', 'stopTime'] as const;
const STR_OR_NULL = ['nasPortId', 'nasIpAddress', 'framedIp', 'callingStationId', 'classHex', 'terminateCause'] as const;
/** Absent from a daemon of before the connection register. */
const OPTIONAL_STR = ['framedIpv6Prefix', 'delegatedIpv6Prefix', 'framedInterfaceId'] as const;
const STR = ['uniqueId', 'nas', 'acctSessionId', 'username'] as const;
const NUM = ['startTime', 'lastUpdate', 'sessionTime', 'inputOctets', 'outputOctets', 'inputPackets', 'outputPackets'] as const;

/** A LiveSession as it came over the wire, checked field by field. */
export function isLiveSession(v: unknown): v is LiveSession {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  // Absent: a daemon from before tenancy, whose sessions are all the default tenant's.
  const tenantOk = o.tenantId === undefined || o.tenantId === null || typeof o.tenantId === 'number';
  return (
    tenantOk &&
    STR.every((k) => typeof o[k] === 'string') &&
    NUM.every((k) => typeof o[k] === 'number') &&
    STR_OR_NULL.every((k) => o[k] === null || typeof o[k] === 'string') &&
    OPTIONAL_STR.every((k) => o[k] === undefined || o[k] === null || typeof o[k] === 'string') &&
    NUM_OR_NULL.every((k) => o[k] === null || typeof o[k] === 'number')
  );
}

/** The CLI's view of the daemon's live sessions, through the control route. */
export class ControlSessionSource implements LiveSessionSource {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 5000,
  ) {}

  async listOpen(filter: OpenFilter = {}): Promise<LiveSession[]> {
    const q = new URLSearchParams();
    if (filter.username !== undefined) q.set('user', filter.username);
    if (filter.nas !== undefined) q.set('nas', filter.nas);
    if (filter.tenantId !== undefined) q.set('tenant', String(filter.tenantId));
    const body = await this.get(q);
    const sessions = body.sessions;
    if (!Array.isArray(sessions) || !sessions.every(isLiveSession)) throw this.bad('sessions');
    return sessions;
  }

  async getSession(uniqueId: string): Promise<LiveSession | null> {
    const body = await this.get(new URLSearchParams({ id: uniqueId }));
    if (body.session === null) return null;
    if (!isLiveSession(body.session)) throw this.bad('session');
    return body.session;
  }

  /** Asks the daemon to flush usage to PostgreSQL now. */
  async flush(): Promise<FlushReport> {
    const body = await this.call('POST', '/control/flush');
    const r = body.report as FlushReport | undefined;
    if (!r || typeof r.sessions !== 'number') throw this.bad('flush');
    return r;
  }

  private get(q: URLSearchParams): Promise<Record<string, unknown>> {
    return this.call('GET', `/control/sessions?${q.toString()}`);
  }

  private async call(method: 'GET' | 'POST', path: string): Promise<Record<string, unknown>> {
    const url = `${this.baseUrl.replace(/\/$/, '')}${path}`;
    let res: Response;
    try {
      res = await fetch(url, { method, headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw fail('DAEMON_UNREACHABLE', { problem: 'no-answer', url: this.baseUrl, error: e instanceof Error ? e.message : String(e) }, { cause: e });
    }
    const body = (await res.json().catch(() => null)) as unknown;
    const obj = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (!res.ok) {
      const why = typeof obj.error === 'string' ? obj.error : `HTTP ${res.status}`;
      throw fail('DAEMON_UNREACHABLE', { problem: 'refused', status: res.status, why });
    }
    return obj;
  }

  private bad(what: string): RadassocError {
    return fail('DAEMON_UNREACHABLE', { problem: 'bad-answer', request: what });
  }
}
