/**
 * The benchmark's members and NAS, the same as the FreeRADIUS anchor's:
 * userNNNNNN / passNNNNNN with Framed-IP-Address 10.a.b.c, loaded through
 * the project's own import path (importMembers: UNNEST batches in one
 * transaction per batch) with the default `--auth all` credential
 * (cleartext for CHAP, NT hash for MS-CHAP), as `member import` stores it.
 */
import pg from 'pg';
import { join } from 'node:path';
import { deriveCredential } from '../../src/auth/credentials.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { importMembers } from '../../src/db/member-import.js';
import { insertNas } from '../../src/db/nas.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { ALL_AUTH_METHODS, type NewMember } from '../../src/domain/member.js';

export const MAX_MEMBERS = 1_000_000;
export const username = (i: number): string => `user${String(i).padStart(6, '0')}`;
export const password = (i: number): string => `pass${String(i).padStart(6, '0')}`;
export const framedIp = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** A new database in the cluster at `adminUrl`, migrated; returns its URL and a pool. */
export async function createDatabase(adminUrl: string, name: string, repo: string): Promise<{ url: string; db: Db }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const db = createPostgresDb(url);
  await migrate(db, { dir: join(repo, 'sql') });
  return { url, db };
}

export async function addNas(db: Db, secret: string): Promise<void> {
  // radload sends Message-Authenticator with -m: keep the BlastRADIUS default on.
  await insertNas(db, { name: 'bench', address: '127.0.0.1/32', secret, requireMessageAuthenticator: true });
}

/** Adds members [from, to); returns the time it took (ms). */
export async function addMembers(db: Db, from: number, to: number, batch = 50_000): Promise<number> {
  if (to > MAX_MEMBERS) throw new Error(`at most ${MAX_MEMBERS} members (userNNNNNN has six digits)`);
  const t0 = performance.now();
  for (let start = from; start < to; start += batch) {
    const rows: NewMember[] = [];
    for (let i = start; i < Math.min(to, start + batch); i++) {
      rows.push({
        username: username(i),
        credential: deriveCredential(password(i), ALL_AUTH_METHODS),
        authMethods: [...ALL_AUTH_METHODS],
        ipv4: framedIp(i),
      });
    }
    await importMembers(db, DEFAULT_TENANT_ID, rows, { chunkSize: 10_000 });
  }
  return performance.now() - t0;
}
