/**
 * Dues automation driven by an injected clock: the job suspends members past
 * paid-until plus grace with "dues lapsed" and disconnects them; the dry run
 * changes nothing; a new paid-until resumes.
 */
import { scopeOf } from '../support/scope.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../src/accounting/memory-store.js';
import { CoaClient } from '../../src/coa/client.js';
import { listAudit } from '../../src/db/audit.js';
import type { Db } from '../../src/db/db.js';
import { recentDisconnects } from '../../src/db/disconnect-log.js';
import { getMember, insertMember, suspendMember, updateMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { insertPlan } from '../../src/db/plans.js';
import type { MemberPatch } from '../../src/domain/member.js';
import { startDuesJob } from '../../src/jobs/dues.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { findLapsed, isLapsed, lapsingWithin, parseDays, suspendsOn } from '../../src/lifecycle/dues.js';
import { memberChanged, runDues, type LifecycleDeps } from '../../src/services/lifecycle.js';
import { PacketCode } from '../../src/protocol/codes.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { SimulatedDas } from '../coa/simulated-das.js';
import { silentLog, startRecord, storeWith } from './fixtures.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'dues-test-secret-of-32-octets-ok';
const GRACE = 7;
const at = (day: string): number => Date.parse(`${day}T03:00:00Z`);
let db: Db;
let das: SimulatedDas;
let store: MemoryStore;
let coa: CoaClient;
let deps: LifecycleDeps & { config: typeof DEFAULT_CONFIG };
const treasurer = scopeOf('treasurer');

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  das = await SimulatedDas.open(SECRET);
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET, coaPort: das.port, disconnectProfile: 'mikrotik' });
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'slow', attributes: [{ name: 'Mikrotik-Rate-Limit', value: '2M/2M' }] });
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'fast', attributes: [{ name: 'Mikrotik-Rate-Limit', value: '100M/100M' }] });
  await insertMember(db, DEFAULT_TENANT_ID, newMember('late', { paidUntil: '2026-10-31' }));
  await insertMember(db, DEFAULT_TENANT_ID, newMember('grace', { paidUntil: '2026-11-05' }));
  await insertMember(db, DEFAULT_TENANT_ID, newMember('soon', { paidUntil: '2026-11-30', plan: 'slow' }));
  await insertMember(db, DEFAULT_TENANT_ID, newMember('paid', { paidUntil: '2026-12-31' }));
  await insertMember(db, DEFAULT_TENANT_ID, newMember('untracked'));
  await insertMember(db, DEFAULT_TENANT_ID, newMember('abuser', { paidUntil: '2026-01-01' }));
  await suspendMember(db, DEFAULT_TENANT_ID, 'abuser', 'abuse');
  store = await storeWith(startRecord({ username: 'late', acctSessionId: 'late-1', framedIp: '192.0.2.21' }), startRecord({ username: 'soon', acctSessionId: 'soon-1', framedIp: '192.0.2.22' }));
  coa = new CoaClient({ timeoutsMs: [50, 100, 200] });
  deps = { db, sessions: store, coa, log: silentLog, config: { ...DEFAULT_CONFIG, dues: { ...DEFAULT_CONFIG.dues, graceDays: GRACE } }, now: () => Date.now() };
});

afterAll(async () => {
  await coa?.close();
  das?.close();
  await db?.close();
});

beforeEach(() => das.reset());

const statusOf = async (u: string) => {
  const m = await getMember(db, DEFAULT_TENANT_ID, u);
  return [m?.status, m?.suspendedReason];
};

async function set(username: string, patch: MemberPatch, today: string) {
  const before = (await getMember(db, DEFAULT_TENANT_ID, username))!;
  const after = await updateMember(db, DEFAULT_TENANT_ID, username, patch);
  return memberChanged({ ...deps, now: () => at(today) }, treasurer, { before, after });
}

describe('dues dates', () => {
  it('suspends from the day after paid-until plus grace', () => {
    expect(suspendsOn('2026-10-31', 7)).toBe('2026-11-08');
    expect(isLapsed('2026-10-31', '2026-11-07', 7)).toBe(false);
    expect(isLapsed('2026-10-31', '2026-11-08', 7)).toBe(true);
    expect(isLapsed(null, '2030-01-01', 0)).toBe(false);
    expect([parseDays('30d'), parseDays('30'), parseDays('2w')]).toEqual([30, 30, 14]);
    expect(() => parseDays('a month')).toThrow(/30d or 2w/);
  });
});

describe('the dues job', () => {
  it('dry run lists who would be suspended and changes nothing', async () => {
    const r = await runDues(deps, treasurer, { dryRun: true, today: '2026-11-10' });
    expect(r.lapsed).toEqual([{ username: 'late', paidUntil: '2026-10-31', suspendsOn: '2026-11-08' }]);
    expect(r.suspended).toEqual([]);
    expect(await statusOf('late')).toEqual(['active', null]);
    expect(das.received).toHaveLength(0);
    expect(await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:late' })).toEqual([]);
  });

  it('suspends members past paid-until plus grace with "dues lapsed" and disconnects them', async () => {
    const job = startDuesJob({ db, store, coa, log: silentLog, schedule: '0 3 * * *', graceDays: GRACE, now: () => at('2026-11-10') });
    try {
      const r = await job.runOnce();
      expect(r?.suspended.map((s) => s.username)).toEqual(['late']);
      expect(r?.suspended[0]?.disconnects.map((a) => [a.acctSessionId, a.outcome])).toEqual([['late-1', 'ack']]);
      const [req] = das.requests(PacketCode.DisconnectRequest);
      expect(req).toMatchObject({ authenticatorValid: true, userName: 'late', acctSessionId: 'late-1', framedIp: '192.0.2.21' });
      expect(await statusOf('late')).toEqual(['suspended', 'dues lapsed']);
      expect(await statusOf('grace')).toEqual(['active', null]);
      expect((await getMember(db, DEFAULT_TENANT_ID, 'late'))?.suspendedAt?.toISOString()).toBe('2026-11-10T03:00:00.000Z');
      expect((await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:late' }))[0]).toMatchObject({ actor: 'dues-job', action: 'member.suspend' });
      expect((await recentDisconnects(db, 'late'))[0]).toMatchObject({ actor: 'dues-job', reason: 'dues lapsed', outcome: 'ack' });

      // A second run the same day (another daemon copy) finds nothing to do.
      expect((await job.runOnce())?.suspended).toEqual([]);
    } finally {
      await job.stop();
    }
  });

  it('catches members whose grace ends later', async () => {
    expect((await findLapsed(db, DEFAULT_TENANT_ID, '2026-11-12', GRACE)).map((m) => m.username)).toEqual([]);
    const r = await runDues({ ...deps, now: () => at('2026-11-13') }, scopeOf('dues-job'), { dryRun: false });
    expect(r.suspended.map((s) => s.username)).toEqual(['grace']);
    expect(r.suspended[0]?.disconnects).toEqual([]);
  });

  it('leaves a member suspended for another reason alone', async () => {
    expect(await statusOf('abuser')).toEqual(['suspended', 'abuse']);
    const r = await set('abuser', { paidUntil: '2027-01-01' }, '2026-11-13');
    expect(r.resumed).toBeNull();
    expect(await statusOf('abuser')).toEqual(['suspended', 'abuse']);
  });
});

describe('a new paid-until', () => {
  it('resumes a member suspended for dues', async () => {
    const r = await set('late', { paidUntil: '2026-12-31' }, '2026-11-14');
    expect(r.resumed?.changed).toBe(true);
    expect(r.stillLapsed).toBe(false);
    expect(await statusOf('late')).toEqual(['active', null]);
    expect((await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:late' }))[0]).toMatchObject({ actor: 'treasurer', action: 'member.resume' });
  });

  it('does not resume when the new date is lapsed too', async () => {
    const r = await set('grace', { paidUntil: '2026-11-01' }, '2026-11-14');
    expect(r).toMatchObject({ resumed: null, stillLapsed: true });
    expect(await statusOf('grace')).toEqual(['suspended', 'dues lapsed']);
  });
});

describe('member list --lapsing-within', () => {
  it('lists active members whose dues run out within the period, soonest first', async () => {
    const rows = await lapsingWithin(db, DEFAULT_TENANT_ID, '2026-11-14', 30, GRACE);
    expect(rows).toEqual([{ username: 'soon', paidUntil: '2026-11-30', daysLeft: 16, suspendsOn: '2026-12-08', plan: 'slow' }]);
    // Suspended members (grace, abuser) are not "lapsing": they already lapsed.
    expect((await lapsingWithin(db, DEFAULT_TENANT_ID, '2026-11-14', 60, GRACE)).map((m) => m.username)).toEqual(['soon', 'late', 'paid']);
  });
});

describe('plan and address changes on a live session', () => {
  it('disconnects the session of a NAS without CoA so it reconnects with the new plan', async () => {
    const r = await set('soon', { plan: 'fast' }, '2026-11-14');
    expect(r.pushed.map((a) => [a.acctSessionId, a.kind, a.outcome])).toEqual([['soon-1', 'disconnect', 'ack']]);
    expect(await set('soon', { maxSessions: 2 }, '2026-11-14')).toMatchObject({ pushed: [] });
  });
});
