/**
 * The diagnose service: the diagnosis from the configuration and the clock
 * in the dependencies, and a name that is no member refused with the
 * sentences saying whether a NAS tried it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAuthLogBatch } from '../../src/db/auth-log.js';
import type { Db } from '../../src/db/db.js';
import { insertMember, suspendMember } from '../../src/db/members.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import type { AuthLogEntry } from '../../src/domain/auth-result.js';
import { diagnoseMember } from '../../src/services/diagnose.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { serviceDeps, type TestDeps } from './fixtures.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { scopeOf } from '../support/scope.js';

const NOW = Date.parse('2026-11-10T12:00:00Z');
let db: Db;
let deps: TestDeps;

const reject = (username: string, minutesAgo: number): AuthLogEntry => ({
  time: new Date(NOW - minutesAgo * 60_000),
  username,
  nas: 'bras1',
  method: 'pap',
  result: 'reject',
  reason: username === 'ann' ? 'suspended' : 'unknown-user',
  callingStationId: null,
  classId: null,
});

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  await insertMember(db, DEFAULT_TENANT_ID, newMember('ann', { paidUntil: '2026-11-08' }));
  await suspendMember(db, DEFAULT_TENANT_ID, 'ann', 'abuse', new Date(NOW - 86_400_000));
  await insertAuthLogBatch(db, [reject('ann', 1), reject('ann', 2), reject('ann', 3), reject('annn', 5), reject('annn', 6)]);
  deps = await serviceDeps(db, { config: { restrictedPlan: 'walled', dues: { ...DEFAULT_CONFIG.dues, graceDays: 3 } }, now: () => NOW });
});

afterAll(async () => {
  await deps?.coa.close();
  await db?.close();
});

describe('diagnoseMember', () => {
  it('words the diagnosis with the configuration and clock it is given', async () => {
    const d = await diagnoseMember(deps, scopeOf('test'), { username: 'ann', logins: 2 });
    expect(d).toMatchObject({ username: 'ann', at: '2026-11-10T12:00:00.000Z', found: true, status: 'suspended', liveSessions: [] });
    expect(d.dues).toEqual({ paidUntil: '2026-11-08', state: 'grace', suspendsOn: '2026-11-12', graceDays: 3 });
    expect(d.summary[0]).toMatch(/Logins are accepted, but into the restricted plan walled\./);
    expect(d.logins).toHaveLength(2);
    expect((await diagnoseMember(deps, scopeOf('test'), { username: 'ann', logins: 0 })).logins).toHaveLength(1);
  });

  it('refuses a name that is no member, with whether a NAS tried it', async () => {
    await expect(diagnoseMember(deps, scopeOf('test'), { username: 'annn' })).rejects.toMatchObject({
      code: 'UNKNOWN_MEMBER',
      text: 'no member named annn',
      details: { username: 'annn', sentences: [expect.stringMatching(/^A NAS tried this name 2 times recently .* via bras1\): check the user name/)] },
    });
    await expect(diagnoseMember(deps, scopeOf('test'), { username: 'zed' })).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER', details: { username: 'zed', sentences: [] } });
  });
});
