/** Shared setup for the db suites: a migrated database and member fixtures. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import type { NewMember } from '../../src/domain/member.js';
import { freshDatabaseUrl } from '../support/database.js';

export async function migratedPostgres(): Promise<{ db: Db; url: string }> {
  const url = await freshDatabaseUrl();
  const db = createPostgresDb(url);
  await migrate(db);
  return { db, url };
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'radassoc-data-'));
}

/** A member whose credential serves every method (cleartext + NT hash), as `--auth all` stores it. */
export function newMember(username: string, extra: Partial<NewMember> = {}): NewMember {
  return {
    username,
    credential: { cleartext: `pw-${username}`, ntHash: Buffer.alloc(16, 7), strongHash: null },
    authMethods: ['pap', 'chap', 'mschapv1', 'mschapv2'],
    ...extra,
  };
}

export function waitFor<T>(get: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const v = get();
      if (v !== undefined) return resolve(v);
      if (Date.now() > deadline) return reject(new Error(`condition not met within ${timeoutMs} ms`));
      setTimeout(poll, 10);
    };
    poll();
  });
}
