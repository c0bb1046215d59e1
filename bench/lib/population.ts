/**
 * The benchmark's members and NAS, the same as the FreeRADIUS anchor's:
 * userNNNNNN / passNNNNNN with Framed-IP-Address 10.a.b.c, loaded through
 * the project's own import path (importMembers: UNNEST batches in one
 * transaction per batch) with the default `--auth all` credential
 * (cleartext for CHAP, NT hash for MS-CHAP), as `member import` stores it.
 * For the federation row: tenants "tenant-K" with realm "realm-K", each with
 * its block of those members, and one shared NAS carrying them all.
 */
import pg from 'pg';
import { join } from 'node:path';
import { deriveCredential } from '../../src/auth/credentials.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { importMembers } from '../../src/db/member-import.js';
import { insertNas } from '../../src/db/nas.js';
import { ALL_AUTH_METHODS, type NewMember } from '../../src/domain/member.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

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

export const tenantName = (k: number): string => `tenant-${k}`;
/** bench/lib/pap-load.ts sends "user%06d@realm-K" for the K-th block: the same text. */
export const tenantRealm = (k: number): string => `realm-${k}`;

export async function addNas(db: Db, secret: string): Promise<void> {
  // radload sends Message-Authenticator with -m: keep the BlastRADIUS default on.
  await insertNas(db, { name: 'bench', address: '127.0.0.1/32', secret, requireMessageAuthenticator: true });
}

function memberRows(from: number, to: number): NewMember[] {
  const rows: NewMember[] = [];
  for (let i = from; i < to; i++) {
    rows.push({
      username: username(i),
      credential: deriveCredential(password(i), ALL_AUTH_METHODS),
      authMethods: [...ALL_AUTH_METHODS],
      ipv4: framedIp(i),
    });
  }
  return rows;
}

/** Adds members [from, to); returns the time it took (ms). */
export async function addMembers(db: Db, from: number, to: number, batch = 50_000): Promise<number> {
  if (to > MAX_MEMBERS) throw new Error(`at most ${MAX_MEMBERS} members (userNNNNNN has six digits)`);
  const t0 = performance.now();
  for (let start = from; start < to; start += batch) {
    await importMembers(db, DEFAULT_TENANT_ID, memberRows(start, Math.min(to, start + batch)), { chunkSize: 10_000 });
  }
  return performance.now() - t0;
}

/** Tenants tenant-0 .. tenant-(count-1), each with its realm; returns their ids in that order. */
export async function addTenants(db: Db, count: number): Promise<number[]> {
  const ks = Array.from({ length: count }, (_, k) => k);
  return db.transaction(async (tx) => {
    const r = await tx.query<{ id: number; name: string }>(
      'INSERT INTO tenants (name, display_name) SELECT n, upper(n) FROM unnest($1::text[]) AS t(n) RETURNING id, name',
      [ks.map(tenantName)],
    );
    const idOf = new Map(r.rows.map((row) => [row.name, Number(row.id)]));
    const ids = ks.map((k) => idOf.get(tenantName(k))!);
    await tx.query('INSERT INTO tenant_realms (realm, tenant_id) SELECT * FROM unnest($1::text[], $2::int[])', [ks.map(tenantRealm), ids]);
    return ids;
  });
}

/** The deployment's NAS for 127.0.0.1, owned by no tenant and carrying these (nas.tenant_id NULL, nas_tenants rows). */
export async function addSharedNas(db: Db, secret: string, carries: readonly number[]): Promise<void> {
  await db.transaction((tx) => insertNas(tx, { name: 'bench-shared', address: '127.0.0.1/32', secret, requireMessageAuthenticator: true, tenancy: { carries: [...carries] } }));
}

/** Members [k * perTenant, (k + 1) * perTenant) into the k-th tenant, one import per tenant, as `member import --tenant` makes them. */
export async function addTenantMembers(db: Db, tenantIds: readonly number[], perTenant: number): Promise<number> {
  if (tenantIds.length * perTenant > MAX_MEMBERS) throw new Error(`at most ${MAX_MEMBERS} members (userNNNNNN has six digits)`);
  const t0 = performance.now();
  for (const [k, tenantId] of tenantIds.entries()) {
    await importMembers(db, tenantId, memberRows(k * perTenant, (k + 1) * perTenant));
  }
  return performance.now() - t0;
}
