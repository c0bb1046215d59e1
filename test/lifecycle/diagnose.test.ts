/**
 * `diagnose` in plain words for every reject reason, and the Diagnosis
 * object --json prints. Authentication attempts are arranged with
 * insertAuthLogBatch, sessions in an in-process store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../src/accounting/memory-store.js';
import { deriveCredential } from '../../src/auth/credentials.js';
import { DEFAULT_REPLY_MESSAGES } from '../../src/config/schema.js';
import { insertAuthLogBatch } from '../../src/db/auth-log.js';
import type { Db } from '../../src/db/db.js';
import { insertDisconnectLog } from '../../src/db/disconnect-log.js';
import { insertMember, suspendMember } from '../../src/db/members.js';
import { insertPlan } from '../../src/db/plans.js';
import { upsertSessions } from '../../src/db/usage.js';
import type { AuthLogEntry, RejectReason } from '../../src/domain/auth-result.js';
import { formatDiagnosis } from '../../src/admin/diagnose-format.js';
import { diagnose, type DiagnoseDeps } from '../../src/lifecycle/diagnose.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { liveSession, startRecord, storeWith } from './fixtures.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const NOW = Date.parse('2026-11-10T12:00:00Z');
let db: Db;
let store: MemoryStore;
let deps: DiagnoseDeps;

function attempts(username: string, result: 'accept' | 'reject', reason: RejectReason | null, n = 1, method: AuthLogEntry['method'] = 'pap'): AuthLogEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    time: new Date(NOW - 60_000 * (i + 1)),
    username,
    nas: 'bras1',
    method,
    result,
    reason,
    callingStationId: null,
    classId: null,
  }));
}

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'fibre-100', attributes: [{ name: 'Session-Timeout', value: '86400' }] });
  for (const u of ['bad', 'locked', 'malformed', 'limited', 'susp', 'quiet']) await insertMember(db, DEFAULT_TENANT_ID, newMember(u, u === 'limited' ? { maxSessions: 1 } : {}));
  await insertMember(db, DEFAULT_TENANT_ID, { username: 'papper', credential: deriveCredential('pw-papper-1', ['pap']), authMethods: ['pap'] });
  await insertMember(db, DEFAULT_TENANT_ID, newMember('alice', { plan: 'fibre-100', ipv4: '192.0.2.10', paidUntil: '2026-11-05' }));
  await suspendMember(db, DEFAULT_TENANT_ID, 'susp', 'dues lapsed', new Date('2026-11-02T03:00:00Z'), 'dues');
  await insertAuthLogBatch(db, [
    ...attempts('bad', 'reject', 'bad-password', 3),
    ...attempts('locked', 'reject', 'locked-out'),
    ...attempts('malformed', 'reject', 'malformed-credentials'),
    ...attempts('limited', 'reject', 'too-many-sessions'),
    ...attempts('susp', 'reject', 'suspended'),
    ...attempts('papper', 'reject', 'method-not-possible', 1, 'chap'),
    ...attempts('nobody', 'reject', 'unknown-user', 2),
    ...attempts('alice', 'accept', null),
  ]);
  store = await storeWith(startRecord({ username: 'limited', acctSessionId: 'l-1', receivedAt: NOW - 3 * 3600_000 - 5 * 60_000 }));
  await upsertSessions(db, [liveSession({ uniqueId: 'old-1', username: 'alice', startTime: NOW - 86_400_000, lastUpdate: NOW - 82_800_000, stopTime: NOW - 82_800_000, sessionTime: 3600, terminateCause: 'Lost-Carrier', inputOctets: 1_500_000_000 })], NOW);
  await insertDisconnectLog(db, { username: 'susp', nas: 'bras1', uniqueId: 'x', acctSessionId: 'x-1', kind: 'disconnect', outcome: 'timeout', errorCause: null, attempts: 3, ms: 7000, actor: 'dues-job', reason: 'dues lapsed', detail: null, time: new Date('2026-11-02T03:00:01Z') });
  deps = { db, tenantId: DEFAULT_TENANT_ID, store, replyMessages: DEFAULT_REPLY_MESSAGES, restrictedPlan: null, graceDays: 7, now: () => NOW };
});

afterAll(async () => {
  await db?.close();
});

const summary = async (u: string, d: DiagnoseDeps = deps) => (await diagnose(d, u)).summary.join('\n');

describe('diagnose says why, in plain words', () => {
  it.each([
    ['bad', /Last login attempt 2026-11-10 11:59 UTC via bras1 \(PAP\): refused: wrong password\.\nThe last 3 attempts were all refused: wrong password\.\nThe password in the member's router does not match/],
    ['locked', /refused: locked out for a while after too many failed logins\.\nWait a few minutes/],
    ['malformed', /refused: the password sent could not be read .*\nCheck the shared secret of NAS bras1/],
    ['limited', /At the session limit \(1 of 1 open\): new logins are refused until one ends/],
    ['susp', /^Suspended since 2026-11-02 \(reason: dues lapsed\)\. Every login is refused with: 'Your account is suspended\. Please contact the association\.'\nSuspended by the dues job: recording the payment with `radassoc member set susp --paid-until YYYY-MM-DD` resumes the account\./],
    ['papper', /Only PAP logins can work; a router using CHAP, MS-CHAPv1 or MS-CHAPv2 is refused\.[\s\S]*\(CHAP\): refused: the router used CHAP, which the password kept for this member cannot check/],
    ['nobody', /^No member is named nobody\.\nA NAS tried this name 2 times recently .*case-sensitive/],
  ])('%s', async (user, expected) => {
    expect(await summary(user)).toMatch(expected);
  });

  it('tells an active member with dues in grace when the account will be suspended', async () => {
    const d = await diagnose(deps, 'alice');
    expect(d.summary.slice(0, 2)).toEqual([
      'Active: logins with the right password are accepted.',
      'Dues ran out on 2026-11-05; unless a payment is recorded, the account is suspended on 2026-11-13 (7 days of grace).',
    ]);
    expect(d.summary).toContain('Not online (no open session). The last session ended 2026-11-09 13:00 UTC after 1 h (Lost-Carrier).');
    expect(d.dues).toEqual({ paidUntil: '2026-11-05', state: 'grace', suspendsOn: '2026-11-13', graceDays: 7 });
    expect(d.member).toMatchObject({ plan: 'fibre-100', planAttributes: [{ name: 'Session-Timeout', value: '86400' }], ipv4: '192.0.2.10' });
    expect(d.finishedSessions[0]).toMatchObject({ terminateCause: 'Lost-Carrier', seconds: 3600, inputOctets: 1_500_000_000 });
    expect(formatDiagnosis(d)).toMatch(/plan: +fibre-100 \(Session-Timeout=86400\)\n {2}addresses: +192\.0\.2\.10/);
  });

  it('shows live sessions with NAS and duration', async () => {
    const d = await diagnose(deps, 'limited');
    expect(d.liveSessions).toMatchObject([{ nas: 'bras1', acctSessionId: 'l-1', framedIp: '192.0.2.10', seconds: 3 * 3600 + 300 }]);
    expect(d.summary).toContain('Online now: 1 session (bras1, 192.0.2.10, for 3 h 5 min).');
  });

  it('reports a disconnect that was never confirmed', async () => {
    expect(await summary('susp')).toMatch(/The last disconnect request \(2026-11-02 03:00 UTC\) was not confirmed: bras1 session x-1: no answer from the NAS after 3 attempts/);
  });

  it('speaks of the restricted plan where suspended members are let in', async () => {
    expect(await summary('susp', { ...deps, restrictedPlan: 'walled-garden' })).toMatch(/^Suspended since 2026-11-02 \(reason: dues lapsed\)\. Logins are accepted, but into the restricted plan walled-garden\./);
  });

  it('says so when live sessions cannot be read, and still shows the rest', async () => {
    const broken = { listOpen: () => Promise.reject(new Error('daemon not running')), getSession: () => Promise.resolve(null) };
    const d = await diagnose({ ...deps, store: broken }, 'bad');
    expect(d.liveSessions).toBeNull();
    expect(d.summary).toContain('Live sessions could not be read: daemon not running');
    expect(d.logins).toHaveLength(3);
  });

  it('gives the same facts as JSON', async () => {
    const d = JSON.parse(JSON.stringify(await diagnose(deps, 'susp'))) as Record<string, unknown>;
    expect(Object.keys(d)).toEqual(['username', 'at', 'found', 'status', 'summary', 'member', 'dues', 'logins', 'liveSessionsError', 'liveSessions', 'finishedSessions', 'disconnects', 'nasDrops']);
    expect(d.logins).toEqual([{ time: '2026-11-10T11:59:00.000Z', nas: 'bras1', method: 'pap', result: 'reject', reason: 'suspended', words: 'refused: the account is suspended' }]);
  });
});
