/**
 * A daemon started in-process on loopback with free ports, against the real
 * PostgreSQL and Redis of the global setup (a fresh database and key prefix
 * per suite), plus the repository handle to arrange members and NAS clients.
 */
import { inject } from 'vitest';
import { pino, type Logger } from 'pino';
import type { Config } from '../../src/config/schema.js';
import { loadConfig } from '../../src/config/load.js';
import type { Db } from '../../src/db/db.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import { migrate } from '../../src/db/migrate.js';
import { startDaemon, type Daemon, type DaemonOptions } from '../../src/main.js';
import { freshDatabaseUrl, redisPrefix } from './database.js';
import { tempDir } from './temp.js';

export interface TestDaemon {
  daemon: Daemon;
  db: Db;
  config: Config;
  auth: number;
  acct: number;
  stop(): Promise<void>;
}

/** Prepares a fresh database (migrated) that `startTestDaemon` can be pointed at. */
export async function freshDb(): Promise<{ db: Db; url: string }> {
  const url = await freshDatabaseUrl();
  const db = createPostgresDb(url);
  await migrate(db);
  return { db, url };
}

export async function startTestDaemon(
  databaseUrl: string,
  overrides: Partial<Config> = {},
  opts: DaemonOptions & { log?: Logger } = {},
): Promise<TestDaemon> {
  const base = loadConfig({ dataDir: tempDir('radassoc-daemon-') }, {});
  const config: Config = {
    ...base,
    authPort: 0,
    acctPort: 0,
    bind: '127.0.0.1',
    httpPort: 0,
    // The HTTP API only where a suite asks for it (on a free port): api: { ...config.api, port }.
    api: { ...base.api, port: 0 },
    databaseUrl,
    redisUrl: inject('redisUrl'),
    redisKeyPrefix: redisPrefix(),
    ...overrides,
  };
  const { log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...daemonOpts } = opts;
  const daemon = await startDaemon(config, log, { jobs: false, ...daemonOpts });
  const db = createPostgresDb(databaseUrl);
  const { auth, acct } = daemon.ports();
  return {
    daemon,
    db,
    config,
    auth,
    acct,
    stop: async () => {
      await daemon.stop();
      await db.close();
    },
  };
}
