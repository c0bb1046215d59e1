import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Db } from '../../src/db/db.js';
import { createPostgresDb, type ListenerEvent } from '../../src/db/postgres.js';
import { migrate } from '../../src/db/migrate.js';
import { deleteMember, importMembers, insertMember, suspendMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { insertPlan, updatePlan } from '../../src/db/plans.js';
import { CHANNELS, RELOAD_ALL } from '../../src/db/notify.js';
import { freePort } from '../support/services.js';
import { freshDatabaseUrl } from '../support/database.js';
import { newMember, waitFor } from './helpers.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

let url: string;
let db: Db;
const events: ListenerEvent[] = [];
beforeAll(async () => {
  url = await freshDatabaseUrl();
  db = createPostgresDb(url, { onListenerEvent: (e) => events.push(e) });
  await migrate(db);
});
afterAll(async () => {
  await db.close();
});

describe('PostgreSQL connection', () => {
  it('commits a transaction on success and rolls it back on throw', async () => {
    await db.query('CREATE TABLE t (x int)');
    await db.transaction(async (tx) => tx.query('INSERT INTO t VALUES (1)'));
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (2)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await db.query<{ x: number }>('SELECT x FROM t')).rows).toEqual([{ x: 1 }]);
  });

  it('reports an unreachable server with host:port and never the password', async () => {
    const port = await freePort();
    const bad = createPostgresDb(`postgres://radassoc:hunter2-secret@127.0.0.1:${port}/radassoc`, { connectTimeoutMs: 2000 });
    const err = await bad.query('SELECT 1').catch((e: unknown) => e);
    await bad.close();
    expect(err).toMatchObject({ code: 'DB_UNREACHABLE' });
    const message = (err as Error).message;
    expect(message).toMatch(new RegExp(`^cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*; check DATABASE_URL$`));
    expect(message).not.toContain('hunter2');
  });

  it('reports a missing database as unreachable too', async () => {
    const missing = createPostgresDb(url.replace(/\/[^/]+$/, '/no_such_db'));
    await expect(missing.query('SELECT 1')).rejects.toMatchObject({ code: 'DB_UNREACHABLE', message: expect.stringContaining('no_such_db') });
    await missing.close();
  });
});

describe('change notifications', () => {
  it('tells listeners which member (with its tenant), NAS and plan changed, whoever changed it', async () => {
    const got: string[] = [];
    const offs = await Promise.all([
      db.listen(CHANNELS.members, (p) => got.push(`member:${p}`)),
      db.listen(CHANNELS.nas, (p) => got.push(`nas:${p}`)),
      db.listen(CHANNELS.plans, (p) => got.push(`plan:${p}`)),
    ]);
    // Another client entirely, as psql or another daemon would be.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await insertPlan(other, DEFAULT_TENANT_ID, { name: 'basic', attributes: [] });
    await insertMember(other, DEFAULT_TENANT_ID, newMember('alice', { plan: 'basic' }));
    await suspendMember(other, DEFAULT_TENANT_ID, 'alice', 'dues');
    await insertNas(other, { name: 'edge1', address: '192.0.2.1', secret: 's' });
    await updatePlan(other, DEFAULT_TENANT_ID, 'basic', { rename: 'standard' }); // cascades to alice
    await deleteMember(other, DEFAULT_TENANT_ID, 'alice');
    await other.end();
    await waitFor(() => (got.length >= 8 ? true : undefined));
    expect(got).toEqual([
      'plan:1:basic', 'member:1:alice', 'member:1:alice', 'nas:edge1',
      ...(got.slice(4, 6).sort() as string[]), // plan rename: old and new name, any order
      'member:1:alice', 'member:1:alice',
    ]);
    expect(got.slice(4, 6).sort()).toEqual(['plan:1:basic', 'plan:1:standard']);
    for (const off of offs) await off();
  });

  it('sends one reload-all instead of a notification per row for a bulk change', async () => {
    const got: string[] = [];
    const off = await db.listen(CHANNELS.members, (p) => got.push(p));
    await importMembers(db, DEFAULT_TENANT_ID, Array.from({ length: 500 }, (_, i) => newMember(`bulk${i}`)));
    await waitFor(() => (got.length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([RELOAD_ALL]);
    await off();
  });

  it('keeps listening after the listener connection is killed, and says so', async () => {
    const got: string[] = [];
    const off = await db.listen(CHANNELS.members, (p) => got.push(p));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const killed = await admin.query<{ n: string }>(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'`,
    );
    expect(Number(killed.rows[0]?.n)).toBeGreaterThan(0);
    await waitFor(() => events.find((e) => e.type === 'reconnected'), 10_000);
    expect(events.map((e) => e.type)).toContain('lost');
    await insertMember(admin, DEFAULT_TENANT_ID, newMember('after-reconnect'));
    await waitFor(() => (got.includes('1:after-reconnect') ? true : undefined));
    await admin.end();
    await off();
  });
});
