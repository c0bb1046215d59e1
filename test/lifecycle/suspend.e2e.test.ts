/**
 * Suspension that bites at once, end to end: a running daemon (real UDP,
 * PostgreSQL, Redis), a member online through an Accounting Start, a
 * simulated NAS answering Disconnect-Requests on its CoA port.
 */
import { scopeOf } from '../support/scope.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSessionStore } from '../../src/accounting/open-store.js';
import type { SessionStore } from '../../src/accounting/store.js';
import { deriveCredential } from '../../src/auth/credentials.js';
import { CoaClient } from '../../src/coa/client.js';
import { DEFAULT_CONFIG, DEFAULT_REPLY_MESSAGES } from '../../src/config/schema.js';
import { listAudit } from '../../src/db/audit.js';
import { recentAuthLog } from '../../src/db/auth-log.js';
import { insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { formatDiagnosis } from '../../src/admin/diagnose-format.js';
import { diagnose } from '../../src/lifecycle/diagnose.js';
import { resume, suspend, type LifecycleDeps } from '../../src/services/lifecycle.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { getString } from '../../src/protocol/packet.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { tempDir } from '../support/temp.js';
import { SimulatedDas } from '../coa/simulated-das.js';
import { silentLog } from './fixtures.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'bras-secret-of-32-octets-for-e2e';
let t: TestDaemon;
let nas: SimulatedNas;
let das: SimulatedDas;
let store: SessionStore;
let deps: LifecycleDeps & { config: typeof DEFAULT_CONFIG };
const volunteer = scopeOf('volunteer');

const pap = (user: string, password: string) => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] });
const acct = (status: number, extra: ReturnType<typeof attr>[] = [], sessionId = '81000001') => ({
  code: PacketCode.AccountingRequest,
  attributes: [
    attr(Attr.AcctStatusType, status),
    attr(Attr.AcctSessionId, sessionId),
    attr(Attr.UserName, 'alice'),
    attr(Attr.FramedIpAddress, Buffer.from([192, 0, 2, 10])),
    attr(Attr.NasIpAddress, Buffer.from([127, 0, 0, 1])),
    ...extra,
  ],
});

async function until<T>(get: () => Promise<T | undefined> | T | undefined, what: string, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  das = await SimulatedDas.open(SECRET, '127.0.0.1');
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET, coaPort: das.port, disconnectProfile: 'mikrotik' });
  await db.close();
  t = await startTestDaemon(url);
  await insertMember(t.db, DEFAULT_TENANT_ID, { username: 'alice', credential: deriveCredential('alice-pass', ['pap', 'chap']), authMethods: ['pap', 'chap'] });
  nas = await SimulatedNas.open(SECRET, '127.0.0.1');
  // What the CLI does with REDIS_URL: its own connection to the daemon's Redis.
  store = await openSessionStore({ redisUrl: t.config.redisUrl, dataDir: tempDir(), prefix: t.config.redisKeyPrefix });
  deps = { db: t.db, sessions: store, coa: new CoaClient({ timeoutsMs: [100, 200, 400] }), log: silentLog, config: DEFAULT_CONFIG, now: () => Date.now() };
  await until(() => t.daemon.directory.member('alice'), 'alice in the directory');
});

afterAll(async () => {
  await deps?.coa.close();
  await store?.close();
  nas?.close();
  das?.close();
  await t?.stop();
});

const diagnoseAlice = () =>
  diagnose({ tenantId: DEFAULT_TENANT_ID, db: t.db, store, replyMessages: DEFAULT_REPLY_MESSAGES, restrictedPlan: null, graceDays: 7 }, 'alice');

describe('member suspension with a live session', () => {
  it('disconnects the live session, refuses the next login, and diagnose says why', async () => {
    expect((await nas.request(pap('alice', 'alice-pass'), t.auth)).response?.code).toBe(PacketCode.AccessAccept);
    expect((await nas.request(acct(1), t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    expect(await store.listOpen({ username: 'alice' })).toHaveLength(1);

    const report = await suspend(deps, volunteer, { username: 'alice', reason: 'dues lapsed' });
    expect(report.changed).toBe(true);
    expect(report.sessionsError).toBeNull();
    expect(report.disconnects.map((a) => [a.nas, a.acctSessionId, a.outcome])).toEqual([['bras1', '81000001', 'ack']]);
    const [req] = das.requests(PacketCode.DisconnectRequest);
    expect(req).toMatchObject({ authenticatorValid: true, messageAuthenticator: 'valid', userName: 'alice', acctSessionId: '81000001', framedIp: '192.0.2.10' });

    await until(() => (t.daemon.directory.member('alice')?.status === 'suspended' ? true : undefined), 'the suspension in the cache', 1000);
    const { response } = await nas.request(pap('alice', 'alice-pass'), t.auth);
    expect(response?.code).toBe(PacketCode.AccessReject);
    expect(getString(response!, Attr.ReplyMessage)).toBe(DEFAULT_REPLY_MESSAGES.suspended);
    await until(async () => ((await recentAuthLog(t.db, DEFAULT_TENANT_ID, 'alice', 1))[0]?.reason === 'suspended' ? true : undefined), 'the auth log');

    const d = await diagnoseAlice();
    expect(d.status).toBe('suspended');
    expect(d.summary[0]).toMatch(/^Suspended since \d{4}-\d{2}-\d{2} \(reason: dues lapsed\)\. Every login is refused with: 'Your account is suspended\./);
    expect(d.logins[0]).toMatchObject({ result: 'reject', reason: 'suspended', words: 'refused: the account is suspended' });
    expect(d.disconnects[0]).toMatchObject({ nas: 'bras1', kind: 'disconnect', outcome: 'ack', actor: 'volunteer' });
    // The simulated NAS acknowledged but sent no Stop: diagnose points at exactly that.
    expect(d.summary.join(' ')).toMatch(/acknowledged the disconnect of session 81000001 .* yet it is still open/);
    expect(formatDiagnosis(d)).toMatch(/alice: SUSPENDED\n {2}Suspended since/);

    const audit = await listAudit(t.db, DEFAULT_TENANT_ID, { target: 'member:alice' });
    expect(audit[0]).toMatchObject({ actor: 'volunteer', action: 'member.suspend' });
  });

  it('shows the member offline once the NAS reports the Stop', async () => {
    expect((await nas.request(acct(2, [attr(Attr.AcctTerminateCause, 6), attr(Attr.AcctSessionTime, 60)]), t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    const d = await diagnoseAlice();
    expect(d.liveSessions).toEqual([]);
    expect(d.summary).toContain('Not online (no open session).');
    expect(d.summary.join(' ')).not.toMatch(/still open/);
  });

  it('resumes at once: the next login is accepted', async () => {
    const r = await resume(deps, volunteer, { username: 'alice' });
    expect(r.changed).toBe(true);
    await until(() => (t.daemon.directory.member('alice')?.status === 'active' ? true : undefined), 'the resumption in the cache', 1000);
    expect((await nas.request(pap('alice', 'alice-pass'), t.auth)).response?.code).toBe(PacketCode.AccessAccept);
    expect((await listAudit(t.db, DEFAULT_TENANT_ID, { target: 'member:alice' }))[0]).toMatchObject({ action: 'member.resume', actor: 'volunteer' });
  });

  it('a second suspension for the same reason changes nothing but still cuts a leftover session', async () => {
    await suspend(deps, volunteer, { username: 'alice', reason: 'abuse' });
    das.reset();
    // Say an earlier disconnect went unanswered and the member is still online.
    expect((await nas.request(acct(1, [], '81000002'), t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    const again = await suspend(deps, volunteer, { username: 'alice', reason: 'abuse' });
    expect(again.changed).toBe(false);
    expect(again.disconnects.map((a) => [a.acctSessionId, a.outcome])).toEqual([['81000002', 'ack']]);
  });
});
