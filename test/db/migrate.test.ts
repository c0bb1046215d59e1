import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDb } from '../../src/db/postgres.js';
import { openEmbeddedDbDirect } from '../../src/db/embedded.js';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import { freshDatabaseUrl } from '../support/database.js';
import type { Db } from '../../src/db/db.js';

const tables = async (db: Db): Promise<string[]> =>
  (
    await db.query<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
  ).rows.map((r) => r.t);

describe('migrations on PostgreSQL', () => {
  const opened: Db[] = [];
  afterAll(async () => {
    for (const db of opened) await db.close();
  });

  it('applies every numbered file once, in order, and records it', async () => {
    const db = createPostgresDb(await freshDatabaseUrl());
    opened.push(db);
    const files = await loadMigrations();
    expect(files.map((f) => f.version)).toEqual([...files.map((f) => f.version)].sort((a, b) => a - b));
    const first = await migrate(db);
    expect(first.applied.map((m) => m.file)).toEqual(files.map((f) => f.file));
    expect(await tables(db)).toEqual(
      expect.arrayContaining(['audit_log', 'auth_log', 'members', 'nas', 'plans', 'schema_migrations']),
    );
    const recorded = await db.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(recorded.rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
  });

  it('is idempotent: a second run applies nothing', async () => {
    const db = createPostgresDb(await freshDatabaseUrl());
    opened.push(db);
    await migrate(db);
    const again = await migrate(db);
    expect(again.applied).toEqual([]);
    expect(again.skipped).toBe((await loadMigrations()).length);
  });

  it('lets several daemons migrate one database at the same time', async () => {
    const url = await freshDatabaseUrl();
    const dbs = [createPostgresDb(url), createPostgresDb(url), createPostgresDb(url)];
    opened.push(...dbs);
    const results = await Promise.all(dbs.map((db) => migrate(db)));
    const total = results.reduce((n, r) => n + r.applied.length, 0);
    expect(total).toBe((await loadMigrations()).length);
    const count = await dbs[0]!.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    expect(Number(count.rows[0]?.n)).toBe(total);
  });

  it('rolls back a failing migration and names its file', async () => {
    const db = createPostgresDb(await freshDatabaseUrl());
    opened.push(db);
    const dir = mkdtempSync(join(tmpdir(), 'radassoc-mig-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, '001_ok.sql'), 'CREATE TABLE a (x int);');
    writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE b (x int); SELECT nope FROM nowhere;');
    await expect(migrate(db, { dir })).rejects.toMatchObject({
      code: 'DB_MIGRATION_FAILED',
      message: expect.stringContaining('002_bad.sql'),
    });
    expect(await tables(db)).toEqual(['a', 'schema_migrations']);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('migrations on embedded PGlite', () => {
  it('applies the same files and is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radassoc-emb-'));
    const opened = await openEmbeddedDbDirect(dir);
    try {
      const first = await migrate(opened.db);
      expect(first.applied.length).toBe((await loadMigrations()).length);
      expect((await migrate(opened.db)).applied).toEqual([]);
      expect(await tables(opened.db)).toEqual(
        expect.arrayContaining(['audit_log', 'auth_log', 'members', 'nas', 'plans', 'schema_migrations']),
      );
    } finally {
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
