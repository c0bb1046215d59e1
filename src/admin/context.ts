/**
 * What every admin command gets: the configuration, a database connection
 * (PostgreSQL, the running embedded daemon, or the embedded files directly),
 * who is acting (for the audit log) and whether to print JSON.
 */
import { userInfo } from 'node:os';
import type { Config } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
// Types only: db/open.js pulls in pg and PGlite (about 20 MB and 60 ms), which
// `--help`, usage errors and the --workers supervisor never use. withContext
// loads them when a command actually opens the database.
import type { OpenedDb } from '../db/open.js';
import type { Db } from '../db/db.js';
import { dbErrorInfo } from '../db/pg-errors.js';
import { fail } from '../errors.js';

export interface GlobalArgs {
  config?: string | undefined;
  'data-dir'?: string | undefined;
  dataDir?: string | undefined;
  json: boolean;
  by?: string | undefined;
}

export interface AdminContext {
  config: Config;
  db: Db;
  opened: OpenedDb;
  /** Who is acting: --by, else the OS user. */
  actor: string;
  json: boolean;
}

export function configFrom(argv: GlobalArgs): Config {
  return loadConfig({ ...(argv.config ? { config: argv.config } : {}), ...(argv.dataDir ? { dataDir: argv.dataDir } : {}) });
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export interface ContextOptions {
  /** Migrate an embedded database before running (default true); `radassoc migrate` reports its own. */
  autoMigrate?: boolean;
}

/** SQLSTATE 42P01: a table the command needs is not there, i.e. the schema was never created. */
const UNDEFINED_TABLE = '42P01';

function schemaMissing(e: unknown): unknown {
  if (dbErrorInfo(e)?.code !== UNDEFINED_TABLE) return e;
  return fail('DB_NOT_MIGRATED', {}, { cause: e });
}

/** Opens the database for one command, runs it, and always closes the connection. */
export async function withContext<T>(
  argv: GlobalArgs,
  fn: (ctx: AdminContext) => Promise<T>,
  options: ContextOptions = {},
): Promise<T> {
  const config = configFrom(argv);
  const [{ openDatabase }, { migrate }] = await Promise.all([import('../db/open.js'), import('../db/migrate.js')]);
  const opened = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.embeddedDbPort, role: 'cli' });
  try {
    // The embedded files may never have been served yet: make sure the schema is there.
    if (opened.embedded && options.autoMigrate !== false) await migrate(opened.db);
    return await fn({ config, db: opened.db, opened, actor: argv.by ?? osUser(), json: argv.json });
  } catch (e) {
    throw schemaMissing(e);
  } finally {
    await opened.close();
  }
}
