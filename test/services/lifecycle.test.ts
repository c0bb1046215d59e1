/**
 * The lifecycle services called as any front end calls them: who acts is a
 * parameter, the configuration comes with the dependencies, the result says
 * what was sent to which NAS, refusals carry a code and typed data.
 */
import { scopeOf } from '../support/scope.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { listAudit } from '../../src/db/audit.js';
import type { Db } from '../../src/db/db.js';
import { recentDisconnects } from '../../src/db/disconnect-log.js';
import { getMember, insertMember, updateMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { listLapsing, memberChanged, resume, runDues, suspend } from '../../src/services/lifecycle.js';
import { PacketCode } from '../../src/protocol/codes.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { SimulatedDas } from '../coa/simulated-das.js';
import { startRecord, storeWith } from '../lifecycle/fixtures.js';
import { serviceDeps, type TestDeps } from './fixtures.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'service-test-secret-of-32-octets';
const at = (day: string): number => Date.parse(`${day}T03:00:00Z`);
const carol = scopeOf('carol');
let db: Db;
let das: SimulatedDas;
let deps: TestDeps;

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  das = await SimulatedDas.open(SECRET);
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET, coaPort: das.port, disconnectProfile: 'mikrotik' });
  await insertMember(db, DEFAULT_TENANT_ID, newMember('ann'));
  await insertMember(db, DEFAULT_TENANT_ID, newMember('ben'));
  await insertMember(db, DEFAULT_TENANT_ID, newMember('late', { paidUntil: '2026-10-01' }));
  await insertMember(db, DEFAULT_TENANT_ID, newMember('soon', { paidUntil: '2026-11-20' }));
  const store = await storeWith(
    startRecord({ username: 'ann', acctSessionId: 'ann-1', framedIp: '192.0.2.41' }),
    startRecord({ username: 'ben', acctSessionId: 'ben-1', framedIp: '192.0.2.42' }),
  );
  deps = await serviceDeps(db, { store, config: { dues: { ...DEFAULT_CONFIG.dues, graceDays: 5 } }, now: () => at('2026-11-10') });
});

afterAll(async () => {
  await deps?.coa.close();
  das?.close();
  await db?.close();
});

beforeEach(() => das.reset());

describe('suspend', () => {
  it('suspends as the actor, audits it, and says what the NAS answered for each live session', async () => {
    const r = await suspend(deps, carol, { username: 'ann', reason: '  abuse report ' });
    expect(r).toMatchObject({ username: 'ann', changed: true, skipped: false, sessionsError: null });
    expect(r.after).toMatchObject({ status: 'suspended', suspendedReason: 'abuse report', suspensionKind: 'manual' });
    expect(r.disconnects.map((a) => [a.nas, a.acctSessionId, a.kind, a.outcome])).toEqual([['bras1', 'ann-1', 'disconnect', 'ack']]);
    expect(das.requests(PacketCode.DisconnectRequest)[0]).toMatchObject({ userName: 'ann', acctSessionId: 'ann-1', framedIp: '192.0.2.41' });
    const [audit] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:ann' });
    expect(audit).toMatchObject({ actor: 'carol', action: 'member.suspend', before: { status: 'active' }, after: { status: 'suspended', suspended_reason: 'abuse report' } });
    expect((await recentDisconnects(db, 'ann'))[0]).toMatchObject({ actor: 'carol', reason: 'abuse report', outcome: 'ack' });
  });

  it('refuses an empty reason, one over 500 characters and an unknown member with their codes and data', async () => {
    await expect(suspend(deps, carol, { username: 'ann', reason: ' ' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { missing: 'reason' },
      message: 'say why with --reason TEXT, e.g. --reason "dues unpaid since March"',
    });
    await expect(suspend(deps, carol, { username: 'ann', reason: 'x'.repeat(501) })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { problem: 'reason-length', field: 'reason', max: 500, length: 501 },
      text: 'a reason is at most 500 characters (this one has 501)',
    });
    await expect(suspend(deps, carol, { username: 'nobody', reason: 'x' })).rejects.toMatchObject({
      code: 'UNKNOWN_MEMBER',
      details: { username: 'nobody' },
      text: 'no member named nobody',
    });
    expect(das.received).toHaveLength(0);
  });
});

describe('resume', () => {
  it('moves live sessions out of the restricted plan named in the configuration', async () => {
    await suspend(deps, carol, { username: 'ben', reason: 'dues' });
    das.reset();
    const r = await resume({ ...deps, config: { ...deps.config, restrictedPlan: 'walled-garden' } }, scopeOf('dave'), { username: 'ben' });
    expect(r).toMatchObject({ changed: true, sessionsError: null });
    expect(r.pushed.map((a) => [a.acctSessionId, a.kind, a.outcome])).toEqual([['ben-1', 'disconnect', 'ack']]);
    expect((await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:ben' }))[0]).toMatchObject({ actor: 'dave', action: 'member.resume' });
    await expect(resume(deps, carol, { username: 'nobody' })).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER' });
  });
});

describe('dues', () => {
  it('takes the grace days from the configuration and the day from the clock; the dry run changes nothing', async () => {
    const dry = await runDues(deps, carol, { dryRun: true });
    expect(dry).toMatchObject({ today: '2026-11-10', graceDays: 5, dryRun: true, suspended: [] });
    expect(dry.lapsed).toEqual([{ username: 'late', paidUntil: '2026-10-01', suspendsOn: '2026-10-07' }]);
    expect((await getMember(db, DEFAULT_TENANT_ID, 'late'))?.status).toBe('active');
  });

  it('suspends as the actor given, the dues job or an admin', async () => {
    const r = await runDues(deps, scopeOf('dues-job'));
    expect(r.suspended.map((s) => [s.username, s.after.suspensionKind])).toEqual([['late', 'dues']]);
    expect((await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:late' }))[0]).toMatchObject({ actor: 'dues-job', action: 'member.suspend' });
  });

  it('refuses a day that is no date, with the field and value', async () => {
    await expect(runDues(deps, carol, { today: '10/11/2026' })).rejects.toMatchObject({
      code: 'INVALID_DATE',
      details: { field: 'today', value: '10/11/2026' },
      message: 'today "10/11/2026" is not a date in the form YYYY-MM-DD',
    });
  });

  it('lists who lapses within a number of days, and refuses a negative one', async () => {
    expect(await listLapsing(deps, scopeOf('test'), { withinDays: 15 })).toEqual([{ username: 'soon', paidUntil: '2026-11-20', daysLeft: 10, suspendsOn: '2026-11-26', plan: null }]);
    await expect(listLapsing(deps, scopeOf('test'), { withinDays: -1 })).rejects.toMatchObject({ code: 'INVALID_DAYS', details: { days: -1 } });
  });

  it('resumes a member suspended for dues once a new paid-until covers today, as the actor who recorded it', async () => {
    const before = (await getMember(db, DEFAULT_TENANT_ID, 'late'))!;
    const after = await updateMember(db, DEFAULT_TENANT_ID, 'late', { paidUntil: '2026-12-31' });
    const r = await memberChanged(deps, scopeOf('treasurer'), { before, after });
    expect(r).toMatchObject({ stillLapsed: false, pushed: [], sessionsError: null });
    expect(r.resumed?.changed).toBe(true);
    expect((await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:late' }))[0]).toMatchObject({ actor: 'treasurer', action: 'member.resume' });
  });
});
