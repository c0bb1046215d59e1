/**
 * A daemon for the hardening suites: like test/support/daemon.ts, but logging
 * through the production logger (src/log.ts, with its redaction) into a
 * captured stream, against any PostgreSQL and Redis (the private servers of
 * the fault tests included), with the operator's HTTP endpoint on when asked.
 */
import { inject } from 'vitest';
import type { Config } from '../../../src/config/schema.js';
import { loadConfig } from '../../../src/config/load.js';
import { deriveCredential } from '../../../src/auth/credentials.js';
import type { Db } from '../../../src/db/db.js';
import { insertMember } from '../../../src/db/members.js';
import { createPostgresDb } from '../../../src/db/postgres.js';
import { ALL_AUTH_METHODS, type NewMember } from '../../../src/domain/member.js';
import { createLogger } from '../../../src/log.js';
import { startDaemon, type Daemon } from '../../../src/main.js';
import { redisPrefix } from '../../support/database.js';
import { freePort } from '../../support/services.js';
import { tempDir } from '../../support/temp.js';
import { DEFAULT_TENANT_ID } from '../../../src/domain/tenant.js';

/** Every log line the daemon wrote, as text: what an operator's log file would hold. */
export class LogCapture {
  readonly lines: string[] = [];
  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line !== '') this.lines.push(line);
  }
  parsed(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  /** Lines whose msg contains `text`. */
  find(text: string): Array<Record<string, unknown>> {
    return this.parsed().filter((l) => typeof l.msg === 'string' && l.msg.includes(text));
  }
}

export interface HardenedDaemon {
  daemon: Daemon;
  db: Db;
  config: Config;
  auth: number;
  acct: number;
  /** Loopback HTTP port of /metrics and /healthz, 0 when off. */
  http: number;
  log: LogCapture;
  addMember(username: string, password: string, extra?: Partial<NewMember>): Promise<void>;
  /** One sample of /metrics, by "name{labels}". */
  scrape(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

export interface HardenedOptions {
  databaseUrl: string;
  redisUrl?: string | null;
  overrides?: Partial<Config>;
  logLevel?: string;
  http?: boolean;
}

export async function startHardenedDaemon(o: HardenedOptions): Promise<HardenedDaemon> {
  const http = o.http ? await freePort() : 0;
  const base = loadConfig({ dataDir: tempDir('radassoc-hardening-') }, {});
  const config: Config = {
    ...base,
    // No HTTP API: several hardened daemons run at once and would share its port.
    api: { ...base.api, port: 0 },
    authPort: 0,
    acctPort: 0,
    bind: '127.0.0.1',
    httpPort: http,
    databaseUrl: o.databaseUrl,
    redisUrl: o.redisUrl === undefined ? inject('redisUrl') : o.redisUrl,
    redisKeyPrefix: redisPrefix(),
    ...o.overrides,
  };
  const log = new LogCapture();
  const daemon = await startDaemon(config, createLogger(o.logLevel ?? 'info', log), { jobs: false });
  const db = createPostgresDb(o.databaseUrl);
  const { auth, acct } = daemon.ports();
  let stopping: Promise<void> | null = null;
  return {
    daemon,
    db,
    config,
    auth,
    acct,
    http,
    log,
    async addMember(username, password, extra = {}) {
      await insertMember(db, DEFAULT_TENANT_ID, { username, credential: deriveCredential(password, ALL_AUTH_METHODS), authMethods: [...ALL_AUTH_METHODS], ...extra });
      await waitFor(() => daemon.directory.member(username) !== undefined, 3000, `member ${username} in the cache`);
    },
    async scrape() {
      const text = await (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
      const out = new Map<string, number>();
      for (const line of text.split('\n')) {
        const m = /^([a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+|NaN)$/.exec(line);
        if (m) out.set(m[1]!, Number(m[2]));
      }
      return out;
    },
    stop() {
      // Idempotent: a test may stop the daemon itself (to capture its shutdown) before afterAll does.
      stopping ??= daemon.stop().then(() => db.close());
      return stopping;
    },
  };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`not reached within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
