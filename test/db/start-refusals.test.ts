/**
 * What stops a daemon at start (PostgreSQL or Redis unreachable, migrations
 * that cannot run, the embedded database held by another process): the words
 * come from the error catalogue, the text says what and where, the hint what
 * to do, and the data carry no password.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/db/embedded-files.js';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import { connectRedis, redisUnreachable } from '../../src/redis/connect.js';
import { freshDatabaseUrl } from '../support/database.js';
import { freePort } from '../support/services.js';
import { tempDir } from '../support/temp.js';

async function refusal(url: string, kind?: 'embedded'): Promise<unknown> {
  const db = createPostgresDb(url, { connectTimeoutMs: 2000, ...(kind ? { kind } : {}) });
  const err = await db.query('SELECT 1').catch((e: unknown) => e);
  await db.close();
  return err;
}

describe('PostgreSQL unreachable', () => {
  it('says where and why, and to check DATABASE_URL, with the same data for every front end', async () => {
    const port = await freePort();
    const err = await refusal(`postgres://radassoc:hunter2-secret@127.0.0.1:${port}/radassoc`);
    expect(err).toMatchObject({
      code: 'DB_UNREACHABLE',
      text: `cannot reach PostgreSQL at 127.0.0.1:${port}: connect ECONNREFUSED`,
      hint: 'check DATABASE_URL',
      details: { where: `127.0.0.1:${port}`, reason: 'connect ECONNREFUSED', via: 'postgres' },
    });
    expect(JSON.stringify((err as { details: unknown }).details)).not.toContain('hunter2');
  });

  it("asks whether the daemon still runs when its embedded server's socket does not answer", async () => {
    const port = await freePort();
    const err = await refusal(`postgres://radassoc@127.0.0.1:${port}/radassoc`, 'embedded');
    expect(err).toMatchObject({
      code: 'DB_UNREACHABLE',
      message: `cannot reach PostgreSQL at 127.0.0.1:${port}: connect ECONNREFUSED; is \`radassoc serve\` still running?`,
      details: { via: 'embedded-daemon' },
    });
  });
});

describe('Redis unreachable at start', () => {
  it('says where and why, removes the password from the reason, and says what to check', () => {
    const e = redisUnreachable('redis://:s3cret-redis@127.0.0.1:6390/0', new Error('WRONGPASS s3cret-redis rejected'));
    expect(e.code).toBe('REDIS_UNREACHABLE');
    expect(e.message).toBe('cannot reach Redis at 127.0.0.1:6390: WRONGPASS *** rejected; check REDIS_URL and that Redis runs');
    expect(e.details).toEqual({ when: 'start', where: '127.0.0.1:6390', reason: 'WRONGPASS *** rejected' });
  });
});

describe('migrations that cannot run', () => {
  it('name the directory that cannot be read', async () => {
    const dir = join(tempDir('radassoc-mig-'), 'absent');
    const err = await loadMigrations(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DB_MIGRATION_FAILED', hint: null, details: { problem: 'unreadable-dir', dir } });
    expect((err as Error).message).toMatch(new RegExp(`^cannot read the migrations directory ${dir}: Error: ENOENT`));
  });

  it('name both files that share a version', async () => {
    const dir = tempDir('radassoc-mig-');
    writeFileSync(join(dir, '003_a.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '003_b.sql'), 'SELECT 1;');
    await expect(loadMigrations(dir)).rejects.toMatchObject({
      code: 'DB_MIGRATION_FAILED',
      message: 'two migrations share version 3: 003_a.sql and 003_b.sql',
      details: { problem: 'duplicate-version', version: 3, files: ['003_a.sql', '003_b.sql'] },
    });
  });

  it('say which one failed and was rolled back, the command to run again as the hint', async () => {
    const dir = tempDir('radassoc-mig-');
    writeFileSync(join(dir, '001_bad.sql'), 'SELECT nope FROM nowhere;');
    const db = createPostgresDb(await freshDatabaseUrl());
    const err = await migrate(db, { dir }).catch((e: unknown) => e);
    await db.close();
    expect(err).toMatchObject({
      code: 'DB_MIGRATION_FAILED',
      text: expect.stringMatching(/^migration 001_bad\.sql failed and was rolled back: relation "nowhere" does not exist$/),
      hint: 'fix the database or the file, then run `radassoc migrate` again',
      details: { problem: 'failed', version: 1, file: '001_bad.sql' },
    });
  });
});

describe('the embedded database in use', () => {
  it('names the process that holds it and what to do', () => {
    const dir = tempDir('radassoc-lock-');
    mkdirSync(dir, { recursive: true });
    const release = lockDataDir(dir);
    try {
      let err: unknown = null;
      try {
        lockDataDir(dir);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({
        code: 'DB_IN_USE',
        message:
          `the embedded database in ${dir} is already open in process ${process.pid} (another radassoc daemon or command); ` +
          'stop that process, or wait for it to finish, then try again',
        details: { dataDir: dir, pid: process.pid },
      });
    } finally {
      release();
    }
  });
});

describe('database and Redis URLs that cannot be used', () => {
  function thrown(fn: () => unknown): unknown {
    try {
      fn();
      return null;
    } catch (e) {
      return e;
    }
  }

  it('say which setting to check, without repeating the URL', () => {
    expect(thrown(() => createPostgresDb('not a url with a s3cret'))).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'DATABASE_URL is not a valid postgres:// URL; check DATABASE_URL',
      details: { setting: 'DATABASE_URL', problem: 'not-a-url' },
    });
    expect(thrown(() => connectRedis('redis-cluster://n1:6379,n2:99999', { lazyConnect: true }))).toMatchObject({
      code: 'CONFIG_INVALID',
      message: "REDIS_URL: 'n2:99999' is not host:port",
      details: { setting: 'REDIS_URL', problem: 'bad-host', host: 'n2:99999' },
    });
    expect(thrown(() => connectRedis('redis-sentinel://s1:26379,s2:26379', { lazyConnect: true }))).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'REDIS_URL: a redis-sentinel:// URL names the master after the hosts, e.g. redis-sentinel://s1:26379,s2:26379/mymaster',
      details: { setting: 'REDIS_URL', problem: 'no-sentinel-master' },
    });
  });
});
