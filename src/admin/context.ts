/**
 * What every admin command gets: the configuration, a database connection
 * (PostgreSQL, the running embedded daemon, or the embedded files directly),
 * who is acting (for the audit log) and whether to print JSON.
 *
 * The data directory is the one given (--data-dir, RADASSOC_DATA_DIR, the
 * config file), else the nearest radassoc-data in this directory or a parent
 * (config/data-dir.ts): the one `npm start` made at the top of the checkout.
 */
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import type { Config } from '../config/schema.js';
import { loadConfigWithSources } from '../config/load.js';
import { locateDataDir, type DataDirLocation } from '../config/data-dir.js';
import { embeddedDatabaseExists, readDiscovery } from '../db/embedded-files.js';
import { commandAccess, type CommandAccess, type CommandArgs } from './command-access.js';
// Types only: db/open.js pulls in pg and PGlite (about 20 MB and 60 ms), which
// `--help`, usage errors and the --workers supervisor never use. withContext
// loads them when a command actually opens the database.
import type { OpenedDb } from '../db/open.js';
import type { Db } from '../db/db.js';
import { dbErrorInfo } from '../db/pg-errors.js';
import { fail } from '../errors.js';
import type { ReadScope, Scope } from '../services/deps.js';
import { resolveReadScope, resolveScope } from '../services/scope.js';

export interface GlobalArgs {
  config?: string | undefined;
  'data-dir'?: string | undefined;
  dataDir?: string | undefined;
  json: boolean;
  by?: string | undefined;
  /** The tenant to act in (else RADASSOC_TENANT; needed once a deployment has several). */
  tenant?: string | undefined;
  /** Listings: every tenant, each row marked with its own. */
  allTenants?: boolean | undefined;
}

export interface AdminContext {
  config: Config;
  db: Db;
  opened: OpenedDb;
  /** Who is acting: --by, else the OS user. */
  actor: string;
  json: boolean;
  /** The tenant this command acts in (--tenant, RADASSOC_TENANT, or the only one), resolved on first use. */
  scope(): Promise<Scope>;
  /** A listing's scope: the same, or every tenant with --all-tenants. */
  readScope(): Promise<ReadScope>;
}

export interface ResolvedConfig {
  /** dataDir is the absolute path of the data directory the command uses. */
  config: Config;
  dataDir: DataDirLocation;
}

/** The configuration, with the data directory found the way admin/context.ts's header says. */
export function resolveConfig(argv: GlobalArgs, cwd = process.cwd()): ResolvedConfig {
  const { config, sourceOf } = loadConfigWithSources({ ...(argv.config ? { config: argv.config } : {}), ...(argv.dataDir ? { dataDir: argv.dataDir } : {}) });
  const dataDir = locateDataDir(config.dataDir, sourceOf('dataDir'), cwd);
  return { config: { ...config, dataDir: dataDir.path }, dataDir };
}

export function configFrom(argv: GlobalArgs): Config {
  return resolveConfig(argv).config;
}

/**
 * On the embedded default, a command must reach the database the daemon
 * uses, never make a second, empty one beside it (where `member add` would
 * "succeed" and radtest then reject the member). Throws DB_NOT_FOUND with
 * what to do unless the database is there or this command may create it.
 */
export function assertEmbeddedDatabase(loc: DataDirLocation, access: CommandAccess): void {
  if (embeddedDatabaseExists(loc.path) || readDiscovery(loc.path) !== null) return;
  if (access === 'create' || (access === 'write' && loc.origin === 'given')) return;
  const write = access === 'write';
  if (loc.origin === 'given') throw fail('DB_NOT_FOUND', { origin: 'given', dataDir: loc.path, source: loc.source ?? null, write });
  if (loc.origin === 'found') throw fail('DB_NOT_FOUND', { origin: 'found', dataDir: loc.path, parent: dirname(loc.path), write });
  throw fail('DB_NOT_FOUND', { origin: 'none', dataDir: loc.path, cwd: loc.cwd, write });
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
  const { config, dataDir } = resolveConfig(argv);
  if (!config.databaseUrl) assertEmbeddedDatabase(dataDir, commandAccess(argv as CommandArgs)); // yargs adds _ and the command's flags
  const [{ openDatabase }, { migrate }] = await Promise.all([import('../db/open.js'), import('../db/migrate.js')]);
  const opened = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.embeddedDbPort, role: 'cli' });
  try {
    // The embedded files may never have been served yet: make sure the schema is there.
    if (opened.embedded && options.autoMigrate !== false) await migrate(opened.db);
    const actor = argv.by ?? osUser();
    const request = { tenant: argv.tenant ?? process.env.RADASSOC_TENANT, allTenants: argv.allTenants };
    let scope: Promise<Scope> | null = null;
    return await fn({
      config,
      db: opened.db,
      opened,
      actor,
      json: argv.json,
      scope: () => (scope ??= resolveScope(opened.db, { name: actor }, request)),
      readScope: () => resolveReadScope(opened.db, { name: actor }, request),
    });
  } catch (e) {
    throw schemaMissing(e);
  } finally {
    await opened.close();
  }
}
