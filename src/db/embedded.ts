/**
 * The embedded default (no DATABASE_URL): PGlite, PostgreSQL compiled to
 * WebAssembly, with its files under <dataDir>/pgdata. The daemon opens it and
 * serves it on 127.0.0.1 (see embedded-server.ts for why not pglite-socket's
 * server); the CLI connects there with `pg`, or, when no daemon runs, opens
 * the files itself. A lock file keeps two processes from opening them at once.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { RadassocError } from '../errors.js';
import type { Db } from './db.js';
import { startWireServer } from './embedded-server.js';
import { lockDataDir, pgdataDir, readDiscovery, removeDiscovery, writeDiscovery } from './embedded-files.js';
import { createPgliteDb, NotificationHub } from './pglite-db.js';

export interface EmbeddedDb {
  db: Db;
  /** postgres:// URL of the loopback server (no password: loopback only). */
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** 0 picks a free port (tests); the daemon uses its configured port. */
  port: number;
  host?: '127.0.0.1';
  /** Callback errors from LISTEN subscribers; nothing is logged here. */
  onError?: (error: unknown) => void;
  /** See WireServerOptions.idleInTransactionMs. */
  idleInTransactionMs?: number;
}

const urlFor = (port: number): string => `postgres://postgres@127.0.0.1:${port}/postgres`;

async function openPglite(dataDir: string): Promise<{ pglite: PGlite; unlock: () => void }> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    return { pglite: await PGlite.create(pgdataDir(dataDir)), unlock };
  } catch (e) {
    unlock();
    throw e;
  }
}

/** The daemon: PGlite in-process plus a loopback server for the CLI. */
export async function openEmbeddedDb(dataDir: string, opts: EmbeddedOptions): Promise<EmbeddedDb> {
  const { pglite, unlock } = await openPglite(dataDir);
  const hub = new NotificationHub(opts.onError);
  let server: Awaited<ReturnType<typeof startWireServer>>;
  try {
    server = await startWireServer({
      pglite,
      host: opts.host ?? '127.0.0.1',
      port: opts.port,
      onNotification: (channel, payload) => hub.dispatch(channel, payload),
      idleInTransactionMs: opts.idleInTransactionMs,
    });
  } catch (e) {
    await pglite.close();
    unlock();
    const reason = e instanceof Error ? e.message : String(e);
    throw new RadassocError('CONFIG_INVALID', `cannot serve the embedded database on 127.0.0.1:${opts.port}: ${reason}; choose another port`, {}, { cause: e });
  }
  writeDiscovery(dataDir, server.port);
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      removeDiscovery(dataDir);
      try {
        await server.close();
        await pglite.close();
      } finally {
        unlock();
      }
    })());
  return { db: createPgliteDb(pglite, hub, close), url: urlFor(server.port), close };
}

/** The CLI when no daemon runs: the files opened in this process, nothing served. */
export async function openEmbeddedDbDirect(
  dataDir: string,
  opts: { onError?: (error: unknown) => void } = {},
): Promise<{ db: Db; close(): Promise<void> }> {
  const { pglite, unlock } = await openPglite(dataDir);
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        await pglite.close();
      } finally {
        unlock();
      }
    })());
  return { db: createPgliteDb(pglite, new NotificationHub(opts.onError), close), close };
}

/** URL of the daemon serving this data directory, or null (no file, or its process is gone). */
export function discoverEmbeddedUrl(dataDir: string): string | null {
  const found = readDiscovery(dataDir);
  return found ? urlFor(found.port) : null;
}
