/**
 * One way to open the database, for the daemon and the CLI alike:
 * DATABASE_URL → PostgreSQL; otherwise the embedded PGlite under the data
 * directory (the daemon opens and serves it; the CLI connects to a running
 * daemon, or opens the files itself when none runs).
 */
import { isRadassocError } from '../errors.js';
import type { Db } from './db.js';
import { discoverEmbeddedUrl, openEmbeddedDb, openEmbeddedDbDirect } from './embedded.js';
import { createPostgresDb, type PostgresDbOptions } from './postgres.js';

export interface OpenDatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  embeddedPort: number;
  role: 'daemon' | 'cli';
  /** Pool size, error and LISTEN-state callbacks for PostgreSQL. */
  postgres?: PostgresDbOptions;
}

export interface OpenedDb {
  db: Db;
  /**
   * postgres: DATABASE_URL. embedded-daemon: PGlite in this process, served.
   * embedded-client: the CLI talking to a running daemon. embedded-direct:
   * the CLI with the files opened in-process (no daemon running).
   */
  mode: 'postgres' | 'embedded-daemon' | 'embedded-client' | 'embedded-direct';
  /** True for the three embedded modes. */
  embedded: boolean;
  /** Where the database is reachable with `pg`, or null for embedded-direct. */
  url: string | null;
  close(): Promise<void>;
}

async function connectChecked(url: string, opts: PostgresDbOptions): Promise<Db> {
  const db = createPostgresDb(url, opts);
  try {
    await db.query('SELECT 1');
    return db;
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}

/** One way to open the database for the daemon and the CLI alike. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<OpenedDb> {
  if (opts.databaseUrl) {
    const db = await connectChecked(opts.databaseUrl, opts.postgres ?? {});
    return { db, mode: 'postgres', embedded: false, url: opts.databaseUrl, close: () => db.close() };
  }
  if (opts.role === 'daemon') {
    const onError = opts.postgres?.onError;
    const e = await openEmbeddedDb(opts.dataDir, {
      port: opts.embeddedPort,
      ...(onError ? { onError: (err: unknown) => onError(err instanceof Error ? err : new Error(String(err))) } : {}),
    });
    return { db: e.db, mode: 'embedded-daemon', embedded: true, url: e.url, close: e.close };
  }
  const url = discoverEmbeddedUrl(opts.dataDir);
  if (url) {
    try {
      // One connection: the daemon's server serialises clients anyway.
      const db = await connectChecked(url, {
        ...opts.postgres,
        max: 1,
        kind: 'embedded',
      });
      return { db, mode: 'embedded-client', embedded: true, url, close: () => db.close() };
    } catch (e) {
      if (!isRadassocError(e) || e.code !== 'DB_UNREACHABLE') throw e;
      // A daemon that is stopping: fall through; the lock says whether it still holds the files.
    }
  }
  const direct = await openEmbeddedDbDirect(opts.dataDir);
  return { db: direct.db, mode: 'embedded-direct', embedded: true, url: null, close: direct.close };
}
