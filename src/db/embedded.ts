/**
 * The embedded default (no DATABASE_URL): PGlite, PostgreSQL compiled to
 * WebAssembly, with its files under <dataDir>/pgdata. The daemon opens it and
 * serves it on 127.0.0.1 (see embedded-server.ts for why not pglite-socket's
 * server); the CLI connects there with `pg`, or, when no daemon runs, opens
 * the files itself. A lock file keeps two processes from opening them at once.
 */
import { createServer } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { ensureWritableDataDir } from '../config/data-dir.js';
import { listenError } from '../listen-errors.js';
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

async function openPglite(dataDir: string, beforeCreate?: () => Promise<void>): Promise<{ pglite: PGlite; unlock: () => void }> {
  ensureWritableDataDir(dataDir);
  const unlock = lockDataDir(dataDir);
  try {
    await beforeCreate?.();
    return { pglite: await PGlite.create(pgdataDir(dataDir)), unlock };
  } catch (e) {
    unlock();
    throw e;
  }
}

/** The embedded database port is taken: say which, what moves it, and who probably holds it. */
function portTaken(host: string, port: number, e: unknown): unknown {
  return listenError(e, {
    protocol: 'TCP',
    host,
    port,
    purpose: 'the embedded database, served to the CLI',
    move: 'embeddedDbPort in the config file (--config FILE or RADASSOC_CONFIG)',
    culprit: 'another radassoc daemon with another data directory, or a PostgreSQL server, may be running',
  });
}

/** Fails before PGlite's first start (initdb takes seconds) when the port is already taken. */
async function probePort(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, host, () => resolve());
    });
  } catch (e) {
    throw portTaken(host, port, e);
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/** The daemon: PGlite in-process plus a loopback server for the CLI. */
export async function openEmbeddedDb(dataDir: string, opts: EmbeddedOptions): Promise<EmbeddedDb> {
  const host = opts.host ?? '127.0.0.1';
  const { pglite, unlock } = await openPglite(dataDir, () => probePort(host, opts.port));
  const hub = new NotificationHub(opts.onError);
  let server: Awaited<ReturnType<typeof startWireServer>>;
  try {
    server = await startWireServer({
      pglite,
      host,
      port: opts.port,
      onNotification: (channel, payload) => hub.dispatch(channel, payload),
      idleInTransactionMs: opts.idleInTransactionMs,
    });
  } catch (e) {
    await pglite.close();
    unlock();
    throw portTaken(host, opts.port, e);
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
