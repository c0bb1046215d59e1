/**
 * A database from before tenancy, with data in it as the previous version
 * wrote it, upgraded by `radassoc migrate`: everything moves into the tenant
 * 'default', nothing is lost, and every command and the daemon work as before
 * without any new flag.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDb } from '../../src/db/postgres.js';
import { defaultMigrationsDir, migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/db.js';
import { runCli, type CliResult } from '../admin/cli-harness.js';
import { freshDatabaseUrl } from '../support/database.js';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { tempDir } from '../support/temp.js';

const run = promisify(execFile);
const SECRET = 'upgrade-secret-1';
const TENANT_TABLES = ['plans', 'members', 'auth_log', 'audit_log', 'usage_sessions', 'disconnect_log', 'nas'] as const;

let url: string;
let db: Db;
let daemon: TestDaemon | null = null;

const cli = (args: string[]): Promise<CliResult> => runCli(args, { databaseUrl: url });
async function json<T>(args: string[]): Promise<T> {
  const r = await cli([...args, '--json']);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** The schema as the last version before tenancy left it: every migration below 040. */
async function migrateBeforeTenancy(target: Db): Promise<void> {
  const dir = tempDir('radassoc-old-sql-');
  for (const f of readdirSync(defaultMigrationsDir())) if (/^0[0-3]\d_.*\.sql$/.test(f)) copyFileSync(join(defaultMigrationsDir(), f), join(dir, f));
  await migrate(target, { dir });
}

beforeAll(async () => {
  url = await freshDatabaseUrl();
  db = createPostgresDb(url);
  await migrateBeforeTenancy(db);
  // Rows as the previous version's code wrote them (no tenant anywhere).
  await db.query(`INSERT INTO plans (name, attributes) VALUES ('basic', '[{"name":"Session-Timeout","value":"3600"}]')`);
  await db.query(
    `INSERT INTO members (username, cleartext, auth_methods, plan, ipv4, status, suspended_reason, suspended_at, suspension_kind) VALUES
       ('alice', 'alice-pass', '{pap,chap}', 'basic', '10.0.0.5', 'active', NULL, NULL, NULL),
       ('bob', 'bob-pass', '{pap,chap}', NULL, NULL, 'suspended', 'dues lapsed', now(), 'manual')`,
  );
  await db.query(`INSERT INTO nas (name, address, secret) VALUES ('loop', '127.0.0.1/32', $1)`, [SECRET]);
  await db.query(
    `INSERT INTO usage_sessions (unique_id, nas, acct_session_id, username, start_time, stop_time, last_update, seconds, input_octets, output_octets)
     VALUES ('u1', 'loop', 'S1', 'alice', '2026-10-03T10:00:00Z', '2026-10-03T12:00:00Z', '2026-10-03T12:00:00Z', 7200, 1000000, 5000000)`,
  );
  await db.query(`INSERT INTO audit_log (actor, action, target, after) VALUES ('ops', 'member.add', 'member:alice', '{"username":"alice"}')`);
  await db.query(`INSERT INTO auth_log (username, nas, method, result) VALUES ('alice', 'loop', 'pap', 'accept')`);
  await db.query(`INSERT INTO disconnect_log (username, nas, kind, outcome, actor) VALUES ('bob', 'loop', 'disconnect', 'ack', 'ops')`);

  const migrated = await cli(['migrate']);
  expect(migrated.code, migrated.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await db.close();
});

describe('upgrading a single-association database to tenants', () => {
  it("moves every row into the tenant 'default' and loses none", async () => {
    const upgrade = await db.query<{ tenant_id: number | null }>("SELECT tenant_id FROM audit_log WHERE action = 'schema.migrate'");
    expect(upgrade.rows).toEqual([{ tenant_id: null }]);
    const tenants = await db.query<{ id: number; name: string }>('SELECT id, name FROM tenants');
    expect(tenants.rows).toEqual([{ id: 1, name: 'default' }]);
    for (const table of TENANT_TABLES) {
      // The upgrade's own audit row (schema.migrate) is the deployment's, not a tenant's.
      const own = table === 'audit_log' ? "WHERE action <> 'schema.migrate'" : '';
      const r = await db.query<{ all: string; one: string }>(`SELECT count(*) AS all, count(*) FILTER (WHERE tenant_id = 1) AS one FROM ${table} ${own}`);
      expect(Number(r.rows[0]!.all), table).toBeGreaterThan(0);
      expect(r.rows[0]!.one, table).toBe(r.rows[0]!.all);
    }
  });

  it('answers every command as before, without --tenant', async () => {
    const members = await json<Array<{ username: string; status: string; plan: string | null }>>(['member', 'list']);
    expect(members.map((m) => [m.username, m.status, m.plan])).toEqual([
      ['alice', 'active', 'basic'],
      ['bob', 'suspended', null],
    ]);
    expect(await json<{ ipv4: string | null }>(['member', 'show', 'alice'])).toMatchObject({ ipv4: '10.0.0.5' });
    expect((await json<Array<{ name: string }>>(['plan', 'list'])).map((p) => p.name)).toEqual(['basic']);
    expect((await json<Array<{ name: string }>>(['nas', 'list'])).map((n) => n.name)).toEqual(['loop']);
    const audit = await json<Array<{ action: string; target: string }>>(['audit']);
    expect(audit.map((a) => a.target)).toContain('member:alice');

    const exported = await cli(['export', '--from', '2026-10-01', '--to', '2026-10-31']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/alice/);
    expect(exported.stdout).toMatch(/6000000|5000000/);

    // New writes land in the same tenant, and the unique keys still hold there.
    expect((await cli(['member', 'add', 'carol', '--password', 'carol-pass-1', '--plan', 'basic'])).code).toBe(0);
    const dup = await cli(['member', 'add', 'alice', '--password', 'another-pass']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const carol = await db.query<{ tenant_id: number }>("SELECT tenant_id FROM members WHERE username = 'carol'");
    expect(carol.rows).toEqual([{ tenant_id: 1 }]);
  });

  it('serves the upgraded members over RADIUS: accepts with the plan, rejects the suspended', async () => {
    daemon = await startTestDaemon(url);
    const radtest = async (user: string, password: string): Promise<string> =>
      (await run('radtest', ['-x', user, password, `127.0.0.1:${daemon!.auth}`, '0', SECRET]).catch((e: { stdout: string }) => ({ stdout: e.stdout }))).stdout;
    const alice = await radtest('alice', 'alice-pass');
    expect(alice).toMatch(/Received Access-Accept/);
    expect(alice).toMatch(/Session-Timeout = 3600/);
    expect(alice).toMatch(/Framed-IP-Address = 10\.0\.0\.5/);
    expect(await radtest('bob', 'bob-pass')).toMatch(/Received Access-Reject/);
  });
});
