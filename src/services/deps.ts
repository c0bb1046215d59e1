/**
 * What every service call needs. The host wires these once: the CLI for one
 * command (admin/services-context.ts), the daemon for its HTTP side (the
 * composition root); tests build them by hand. Services never open a
 * connection, read the environment or print: they take these, act, and
 * return a typed result or throw a typed error (errors.ts).
 */
import type { FlushReport } from '../accounting/flusher.js';
import type { MinimalLogger } from '../accounting/logger.js';
import type { SessionStore } from '../accounting/store.js';
import type { CoaSender } from '../coa/client.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/db.js';
import type { TenantRef } from '../domain/tenant.js';

/**
 * Reading live sessions: the Redis store itself, or (embedded mode, where the
 * sessions live in the daemon's memory) the daemon's control route
 * (ops/control.ts ControlSessionSource).
 */
export type LiveSessionSource = Pick<SessionStore, 'listOpen' | 'getSession'>;

export interface ServiceDeps {
  db: Db;
  config: Config;
  /** Live sessions: the Redis store, or the running daemon's (embedded). Opened on first use, so a call that needs none works without them. */
  sessions: LiveSessionSource;
  /** Dynamic Authorization client (RFC 5176) for Disconnect and CoA requests. */
  coa: CoaSender;
  log: MinimalLogger;
  /** Finished usage to PostgreSQL now: the store's flush, or the running daemon's (embedded). */
  flush: () => Promise<FlushReport>;
  /** Epoch ms; injected in tests. */
  now: () => number;
  /** What the running daemon knows of its usage flush (the dashboard's flush lag); absent outside a daemon. */
  flushState?: () => Promise<FlushState>;
}

/** The usage flush as the daemon sees it; null where it cannot tell (no flush yet, the store did not answer). */
export interface FlushState {
  /** Epoch ms of this daemon's last successful flush (scheduled or asked for). */
  lastFlushAt: number | null;
  /** Epoch ms of the oldest change in the session store still waiting for a flush (SessionStore.oldestUnflushedAt). */
  oldestUnflushedAt: number | null;
  /** Finished sessions not yet flushed (SessionCounts.flushBacklog). */
  backlogSessions: number | null;
}

/**
 * Who acts, recorded in the audit log and the disconnect log: the OS user or
 * `--by` at the command line, a job's name (`dues job`), later an admin
 * account or an API token. A parameter of every call that changes anything.
 */
export interface Actor {
  readonly name: string;
}

/**
 * Who acts, and in which tenant: the first parameter of every service call
 * after its dependencies. A service reads and changes only rows of
 * `tenant`; nothing it returns names another tenant's objects.
 */
export interface Scope {
  readonly actor: Actor;
  readonly tenant: TenantRef;
}

/**
 * The deployment-wide view an operator asks for explicitly (`--all-tenants`):
 * listings that accept it mark each row's tenant. Never accepted by a change.
 */
export interface AllTenantsScope {
  readonly actor: Actor;
  readonly tenant: 'all';
}

export type ReadScope = Scope | AllTenantsScope;
