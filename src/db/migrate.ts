/**
 * Numbered plain-SQL migrations (sql/NNN_name.sql), applied in order, each in
 * its own transaction and recorded in schema_migrations. Several daemons may
 * start at once against one database: every step takes the same
 * transaction-scoped advisory lock, so they queue and only one applies each
 * file; the others find it recorded and skip it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, isRadassocError } from '../errors.js';
import type { Db, Queryable } from './db.js';

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
}

export interface MigrateResult {
  /** Files applied by this call, in order. */
  applied: Migration[];
  /** Versions found already recorded. */
  skipped: number;
}

/** Arbitrary, constant: "radassoc schema". Any session migrating takes it. */
const MIGRATION_LOCK_KEY = 0x72616461;

/**
 * sql/ at the package root. This file is src/db/migrate.ts under vitest and
 * dist/db/migrate.js after tsc: two levels under the root either way.
 */
export function defaultMigrationsDir(): string {
  return fileURLToPath(new URL('../../sql/', import.meta.url));
}

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

export async function loadMigrations(dir = defaultMigrationsDir()): Promise<Migration[]> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (e) {
    throw fail('DB_MIGRATION_FAILED', { problem: 'unreadable-dir', dir, error: String(e) });
  }
  const out: Migration[] = [];
  for (const file of files.sort()) {
    const m = FILE_NAME.exec(file);
    if (!m) continue;
    const version = Number(m[1]);
    const clash = out.find((x) => x.version === version);
    if (clash) {
      throw fail('DB_MIGRATION_FAILED', { problem: 'duplicate-version', version, files: [clash.file, file] });
    }
    out.push({ version, name: m[2] ?? '', file, sql: await readFile(join(dir, file), 'utf8') });
  }
  return out.sort((a, b) => a.version - b.version);
}

async function lockAndPrepare(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
  // Inside the lock: two sessions racing on CREATE TABLE IF NOT EXISTS can
  // otherwise both try to create it and one fails on pg_type's unique index.
  await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

async function appliedVersions(db: Db): Promise<Set<number>> {
  return db.transaction(async (tx) => {
    await lockAndPrepare(tx);
    const r = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    return new Set(r.rows.map((row) => Number(row.version)));
  });
}

/** Applies one migration unless another session did meanwhile; true when this call applied it. */
async function applyOne(db: Db, m: Migration): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockAndPrepare(tx);
    const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
    if (done.rows.length > 0) return false;
    // No parameters: the simple-query protocol, so a file may hold many statements.
    await tx.query(m.sql);
    await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    return true;
  });
}

export async function migrate(db: Db, opts: { dir?: string } = {}): Promise<MigrateResult> {
  const migrations = await loadMigrations(opts.dir);
  const known = await appliedVersions(db);
  const result: MigrateResult = { applied: [], skipped: 0 };
  for (const m of migrations) {
    if (known.has(m.version)) {
      result.skipped++;
      continue;
    }
    try {
      if (await applyOne(db, m)) result.applied.push(m);
      else result.skipped++;
    } catch (e) {
      if (isRadassocError(e)) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      throw fail('DB_MIGRATION_FAILED', { problem: 'failed', version: m.version, file: m.file, reason }, { cause: e });
    }
  }
  return result;
}
