/**
 * The command line with two tenants: `export` and `sessions` show the
 * tenant asked for (--tenant or RADASSOC_TENANT), every tenant only with
 * --all-tenants (a tenant column first), and refuse to guess which tenant
 * when there are several; `disconnect` never spans tenants.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { flushUsage } from '../../src/accounting/flusher.js';
import { MemoryStore } from '../../src/accounting/memory-store.js';
import { ACCOUNTING_REDIS_OPTIONS, RedisStore } from '../../src/accounting/redis-store.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import type { TenantRef } from '../../src/domain/tenant.js';
import { cliOnFreshDatabase, type Cli } from '../admin/cli-harness.js';
import { startRecord } from '../lifecycle/fixtures.js';
import { redisPrefix } from '../support/database.js';
import { tempDir } from '../support/temp.js';
import { addMemberIn, addTenant } from './accounting-fixtures.js';

const DAY = '2026-11-02';
const START = Date.parse(`${DAY}T08:00:00Z`);
let cli: Cli;
let A: TenantRef;
let B: TenantRef;
let env: Record<string, string>;
let redis: RedisStore;

beforeAll(async () => {
  cli = await cliOnFreshDatabase();
  const db = createPostgresDb(cli.url);
  A = await addTenant(db, 'asso-a', ['asso-a']);
  B = await addTenant(db, 'asso-b', ['asso-b']);
  for (const t of [A, B]) await addMemberIn(db, t, 'alice');
  // A finished session of each tenant's alice on the same day, flushed.
  const done = new MemoryStore();
  for (const [t, id, octets] of [[A, 'a-1', 111], [B, 'b-1', 999]] as const) {
    await done.applyRecord(startRecord({ tenantId: t.id, acctSessionId: id, receivedAt: START }));
    await done.applyRecord(startRecord({ tenantId: t.id, acctSessionId: id, statusType: 'stop', sessionTime: 60, inputOctets: octets, outputOctets: octets, receivedAt: START + 60_000 }));
  }
  await flushUsage(done, db);
  await db.close();
  // Live sessions in Redis, which the CLI reads directly.
  const prefix = redisPrefix();
  const client = new Redis(inject('redisUrl'), ACCOUNTING_REDIS_OPTIONS);
  client.on('error', () => undefined);
  await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  redis = new RedisStore(client, { prefix });
  await redis.applyRecord(startRecord({ tenantId: A.id, acctSessionId: 'a-live', framedIp: '192.0.2.10' }));
  await redis.applyRecord(startRecord({ tenantId: B.id, acctSessionId: 'b-live', framedIp: '192.0.2.20' }));
  const config = join(tempDir('radassoc-tenancy-cli-'), 'radassoc.json');
  writeFileSync(config, JSON.stringify({ redisKeyPrefix: prefix }));
  env = { REDIS_URL: inject('redisUrl'), RADASSOC_CONFIG: config };
});

afterAll(async () => {
  await redis?.close();
});

describe('accounting commands with two tenants', () => {
  it("exports one tenant's usage, never the other's, with the contract's columns", async () => {
    const a = await cli.ok(['export', '--from', DAY, '--to', DAY, '--tenant', 'asso-a']);
    expect(a).toBe('username,sessions,seconds,input_octets,output_octets\r\nalice,1,60,111,111\r\n');
    const b = await cli.ok(['export', '--from', DAY, '--to', DAY, '--detail'], { env: { RADASSOC_TENANT: 'asso-b' } });
    expect(b).toContain('b-1');
    expect(b).not.toContain('a-1');
  });

  it('exports every tenant with --all-tenants, a tenant column first', async () => {
    const all = await cli.ok(['export', '--from', DAY, '--to', DAY, '--all-tenants']);
    expect(all).toBe('tenant,username,sessions,seconds,input_octets,output_octets\r\nasso-a,alice,1,60,111,111\r\nasso-b,alice,1,60,999,999\r\n');
    const json = await cli.json<Array<{ tenant: string; username: string }>>(['export', '--from', DAY, '--to', DAY, '--all-tenants']);
    expect(json.map((r) => [r.tenant, r.username])).toEqual([['asso-a', 'alice'], ['asso-b', 'alice']]);
  });

  it('asks which tenant when there are several, and says how', async () => {
    const r = await cli.run(['export', '--from', DAY, '--to', DAY]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/add `--tenant NAME` or set RADASSOC_TENANT/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("lists one tenant's live sessions, or every tenant's marked", async () => {
    const b = await cli.json<Array<{ acct_session_id: string; tenant?: string }>>(['sessions', '--tenant', 'asso-b'], { env });
    expect(b.map((s) => s.acct_session_id)).toEqual(['b-live']);
    expect(b[0]).not.toHaveProperty('tenant');
    const a = await cli.json<Array<{ acct_session_id: string }>>(['sessions', '--tenant', 'asso-a', '--user', 'alice'], { env });
    expect(a.map((s) => s.acct_session_id)).toEqual(['a-live']);
    const all = await cli.json<Array<{ acct_session_id: string; tenant: string }>>(['sessions', '--all-tenants'], { env });
    expect(all.map((s) => [s.tenant, s.acct_session_id])).toEqual([['asso-a', 'a-live'], ['asso-b', 'b-live']]);
  });

  it('refuses a disconnect across every tenant', async () => {
    const r = await cli.run(['disconnect', 'alice', '--all-tenants'], { env });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/a change acts in one tenant/);
    expect(await redis.countOpenForUser('alice', A.id)).toBe(1);
  });
});
