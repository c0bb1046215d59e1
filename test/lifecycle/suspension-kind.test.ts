/**
 * What lifts a suspension follows who suspended, never the words of the
 * reason: an admin's suspension stays through a payment even when its reason
 * reads "dues lapsed"; the dues job's is lifted by a new paid-until. Rows
 * suspended before the kind existed are sorted by the audit log's actor.
 */
import { scopeOf } from '../support/scope.js';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../src/accounting/memory-store.js';
import { CoaClient } from '../../src/coa/client.js';
import type { Db } from '../../src/db/db.js';
import { defaultMigrationsDir, migrate } from '../../src/db/migrate.js';
import { getMember, insertMember, updateMember } from '../../src/db/members.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import type { MemberPatch } from '../../src/domain/member.js';
import { DUES_JOB_ACTOR } from '../../src/jobs/dues.js';
import { diagnose } from '../../src/lifecycle/diagnose.js';
import { memberView } from '../../src/lifecycle/member-view.js';
import { memberChanged, runDues, suspend, type LifecycleDeps } from '../../src/services/lifecycle.js';
import { DEFAULT_CONFIG, DEFAULT_REPLY_MESSAGES } from '../../src/config/schema.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { freshDatabaseUrl } from '../support/database.js';
import { silentLog, storeWith } from './fixtures.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const GRACE = 7;
const at = (day: string): number => Date.parse(`${day}T03:00:00Z`);
let db: Db;
let store: MemoryStore;
let coa: CoaClient;
let deps: LifecycleDeps & { config: typeof DEFAULT_CONFIG };
const treasurer = scopeOf('treasurer');
const duesJob = scopeOf(DUES_JOB_ACTOR);

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  store = await storeWith();
  coa = new CoaClient({ timeoutsMs: [50] });
  deps = { db, sessions: store, coa, log: silentLog, config: { ...DEFAULT_CONFIG, dues: { ...DEFAULT_CONFIG.dues, graceDays: GRACE } }, now: () => Date.now() };
  await insertMember(db, DEFAULT_TENANT_ID, newMember('by-hand', { paidUntil: '2026-10-31' }));
  await insertMember(db, DEFAULT_TENANT_ID, newMember('by-job', { paidUntil: '2026-10-31' }));
});

afterAll(async () => {
  await coa?.close();
  await db?.close();
});

async function pay(username: string, patch: MemberPatch, today: string) {
  const before = (await getMember(db, DEFAULT_TENANT_ID, username))!;
  const after = await updateMember(db, DEFAULT_TENANT_ID, username, patch);
  return memberChanged({ ...deps, now: () => at(today) }, treasurer, { before, after });
}

describe('suspension kinds', () => {
  it('keeps a manual suspension whose reason reads "dues lapsed" through a payment', async () => {
    const r = await suspend(deps, scopeOf('volunteer'), { username: 'by-hand', reason: 'dues lapsed' });
    expect(r.after).toMatchObject({ status: 'suspended', suspendedReason: 'dues lapsed', suspensionKind: 'manual' });
    const change = await pay('by-hand', { paidUntil: '2027-01-31' }, '2026-11-14');
    expect(change.resumed).toBeNull();
    expect(await getMember(db, DEFAULT_TENANT_ID, 'by-hand')).toMatchObject({ status: 'suspended', suspensionKind: 'manual', paidUntil: '2027-01-31' });
    const d = await diagnose({ tenantId: DEFAULT_TENANT_ID, db, store, replyMessages: DEFAULT_REPLY_MESSAGES, restrictedPlan: null, graceDays: GRACE, now: () => at('2026-11-14') }, 'by-hand');
    expect(d.member?.suspensionKind).toBe('manual');
    expect(d.summary.join('\n')).toMatch(/Suspended by an admin, so a payment does not lift it: `radassoc member resume by-hand`/);
  });

  it('lifts the dues job\'s suspension with a new paid-until, and clears the kind', async () => {
    const r = await runDues({ ...deps, now: () => at('2026-11-10') }, duesJob, { dryRun: false });
    expect(r.suspended.map((s) => s.username)).toEqual(['by-job']);
    const suspended = (await getMember(db, DEFAULT_TENANT_ID, 'by-job'))!;
    expect(memberView(suspended)).toMatchObject({ status: 'suspended', suspended_reason: 'dues lapsed', suspension_kind: 'dues' });
    const change = await pay('by-job', { paidUntil: '2026-12-31' }, '2026-11-14');
    expect(change.resumed?.changed).toBe(true);
    expect(await getMember(db, DEFAULT_TENANT_ID, 'by-job')).toMatchObject({ status: 'active', suspendedReason: null, suspensionKind: null });
  });

  it('turns a dues suspension into a manual one when an admin suspends again, reason unchanged', async () => {
    await runDues({ ...deps, now: () => at('2027-01-20') }, duesJob, { dryRun: false });
    expect((await getMember(db, DEFAULT_TENANT_ID, 'by-job'))?.suspensionKind).toBe('dues');
    const r = await suspend(deps, treasurer, { username: 'by-job', reason: 'dues lapsed' });
    expect(r.changed).toBe(true);
    expect(r.after.suspensionKind).toBe('manual');
    expect((await pay('by-job', { paidUntil: '2027-12-31' }, '2027-01-21')).resumed).toBeNull();
  });
});

describe('migration 032 of existing suspensions', () => {
  const opened: Db[] = [];
  afterAll(async () => {
    for (const d of opened) await d.close();
  });

  it('marks as dues only what the dues job suspended with "dues lapsed"; everything else is manual', async () => {
    // The schema as it was before 032, with rows written the way radassoc wrote them then.
    const before = mkdtempSync(join(tmpdir(), 'radassoc-sql-'));
    for (const f of readdirSync(defaultMigrationsDir()).filter((f) => f < '032')) cpSync(join(defaultMigrationsDir(), f), join(before, f));
    const old = createPostgresDb(await freshDatabaseUrl());
    opened.push(old);
    await migrate(old, { dir: before });
    const rows: Array<[user: string, reason: string | null, actors: string[]]> = [
      ['job', 'dues lapsed', [DUES_JOB_ACTOR]],
      ['typed', 'dues lapsed', ['volunteer']],
      ['job-then-admin', 'dues lapsed', [DUES_JOB_ACTOR, 'volunteer']],
      ['admin-then-job', 'dues lapsed', ['volunteer', DUES_JOB_ACTOR]],
      ['job-other-reason', 'abuse', [DUES_JOB_ACTOR]],
      ['no-audit', 'dues lapsed', []],
      ['active', null, []],
    ];
    for (const [user, reason, actors] of rows) {
      await old.query(
        `INSERT INTO members (username, cleartext, auth_methods, status, suspended_reason, suspended_at)
         VALUES ($1, 'pw', ARRAY['pap'], $2, $3, $4)`,
        [user, reason === null ? 'active' : 'suspended', reason, reason === null ? null : new Date('2026-11-02T03:00:00Z')],
      );
      for (const actor of actors) {
        // As the audit log was before tenants (migration 040): no tenant_id column yet.
        await old.query(`INSERT INTO audit_log (actor, action, target, after) VALUES ($1, 'member.suspend', $2, $3::jsonb)`, [
          actor,
          `member:${user}`,
          JSON.stringify({ suspended_reason: reason }),
        ]);
      }
    }
    const applied = await migrate(old);
    expect(applied.applied.map((m) => m.file)).toContain('032_suspension_kind.sql');
    const kinds = await old.query<{ username: string; suspension_kind: string | null }>('SELECT username, suspension_kind FROM members ORDER BY id');
    expect(Object.fromEntries(kinds.rows.map((r) => [r.username, r.suspension_kind]))).toEqual({
      job: 'dues',
      typed: 'manual',
      'job-then-admin': 'manual',
      'admin-then-job': 'dues',
      'job-other-reason': 'manual',
      'no-audit': 'manual',
      active: null,
    });
  });
});
