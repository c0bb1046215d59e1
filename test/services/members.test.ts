/** The member services called directly, as any front end calls them: real PostgreSQL, an in-process session store, a simulated NAS. */
import { scopeOf } from '../support/scope.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushUsage } from '../../src/accounting/flusher.js';
import type { MemoryStore } from '../../src/accounting/memory-store.js';
import { CoaClient } from '../../src/coa/client.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { listAudit, REDACTED } from '../../src/db/audit.js';
import type { Db } from '../../src/db/db.js';
import { countMembers, getMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { insertPlan } from '../../src/db/plans.js';
import { PacketCode } from '../../src/protocol/codes.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import {
  addMember, checkAddMember, importMembers, listMembers, passwdMember, removeMember, setMember, showMember,
} from '../../src/services/members.js';
import { listLapsing } from '../../src/services/lifecycle.js';
import { SimulatedDas } from '../coa/simulated-das.js';
import { migratedPostgres } from '../db/helpers.js';
import { silentLog, startRecord, storeWith } from '../lifecycle/fixtures.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'service-test-secret-of-32-octets';
const PASSWORDS = ['alice-pw-1', 'bob-pw-2', 'alice-new-3', 'import-pw-4'];
const admin = scopeOf('treasurer');

let db: Db;
let das: SimulatedDas;
let store: MemoryStore;
let deps: ServiceDeps;

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  das = await SimulatedDas.open(SECRET);
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET, coaPort: das.port });
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'basic', attributes: [{ name: 'Session-Timeout', value: '86400' }] });
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'fast', attributes: [] });
  store = await storeWith(startRecord({ username: 'bob', acctSessionId: 'b-1', framedIp: '192.0.2.20' }));
  deps = {
    db,
    config: DEFAULT_CONFIG,
    sessions: store,
    coa: new CoaClient({ timeoutsMs: [100, 200] }),
    log: silentLog,
    flush: () => flushUsage(store, db),
    now: () => Date.parse('2026-11-02T12:00:00Z'),
  };
});

afterAll(async () => {
  await deps?.coa.close();
  das?.close();
  await db?.close();
});

/** The refusal a call ends in. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; text: string; hint: string | null; details: Record<string, unknown> }> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, 'the call should have been refused').not.toBeNull();
  return e as { code: string; text: string; hint: string | null; details: Record<string, unknown> };
}

async function auditText(): Promise<string> {
  const r = await db.query('SELECT actor, action, target, before, after FROM audit_log ORDER BY id');
  return JSON.stringify(r.rows);
}

describe('adding and reading members', () => {
  it('adds a member, returns it without its credential, and audits who added it', async () => {
    const view = await addMember(deps, admin, {
      username: 'alice', password: PASSWORDS[0]!, plan: 'basic', ipv4: '192.0.2.10', ipv6Prefix: '2001:DB8:1200::/56', paidUntil: '2026-11-20',
    });
    expect(view).toMatchObject({
      username: 'alice', status: 'active', plan: 'basic', ipv4: '192.0.2.10', ipv6_prefix: '2001:db8:1200::/56',
      auth: ['pap', 'chap', 'mschapv1', 'mschapv2'], credential: 'cleartext',
    });
    expect(JSON.stringify(view)).not.toContain(PASSWORDS[0]);
    const [entry] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:alice' });
    expect(entry).toMatchObject({ actor: 'treasurer', action: 'member.add', after: { username: 'alice', plan: 'basic' } });
    const pap = await addMember(deps, admin, { username: 'bob', password: PASSWORDS[1]!, authMethods: ['pap'], plan: 'basic' });
    expect(pap).toMatchObject({ auth: ['pap'], serves: ['pap'], credential: 'strong-hash' });
  });

  it('shows one member and lists them by status; refuses an unknown name or status with its code', async () => {
    expect(await showMember(deps, scopeOf('test'), 'bob')).toMatchObject({ username: 'bob', plan: 'basic' });
    expect((await listMembers(deps, scopeOf('test'))).map((m) => m.username)).toEqual(['alice', 'bob']);
    expect(await listMembers(deps, scopeOf('test'), { status: 'suspended' })).toEqual([]);
    const unknown = await refusal(showMember(deps, scopeOf('test'), 'nobody'));
    expect(unknown).toMatchObject({ code: 'UNKNOWN_MEMBER', text: 'no member named nobody', details: { username: 'nobody' } });
    const status = await refusal(listMembers(deps, scopeOf('test'), { status: 'lapsed' as 'active' }));
    expect(status).toMatchObject({ code: 'INVALID_ARGUMENT', details: { problem: 'member-status', status: 'lapsed' } });
  });

  it('lists who lapses within some days of the injected today, the grace period counted', async () => {
    const lapsing = await listLapsing(deps, scopeOf('test'), { withinDays: 30 });
    expect(lapsing).toEqual([{ username: 'alice', paidUntil: '2026-11-20', daysLeft: 18, suspendsOn: '2026-11-28', plan: 'basic' }]);
    expect(await listLapsing(deps, scopeOf('test'), { withinDays: 10 })).toEqual([]);
  });

  it('refuses each mistake with its own code and data, writing nothing', async () => {
    const before = await countMembers(db);
    const add = (over: Record<string, unknown>) => refusal(addMember(deps, admin, { username: 'dave', password: 'pw', ...over }));
    expect(await refusal(addMember(deps, admin, { username: 'alice', password: 'x' }))).toMatchObject({
      code: 'DUPLICATE_MEMBER', text: 'member alice already exists', hint: expect.stringContaining('radassoc member passwd alice'),
    });
    expect(await add({ plan: 'gold' })).toMatchObject({ code: 'UNKNOWN_PLAN', details: { plan: 'gold' } });
    expect(await add({ ipv4: '10.0.0.300' })).toMatchObject({ code: 'INVALID_ADDRESS', text: '"10.0.0.300" is not an IPv4 address like 192.0.2.10' });
    expect(await add({ ipv4: '192.0.2.10' })).toMatchObject({
      code: 'ADDRESS_IN_USE', text: 'address 192.0.2.10 is already assigned to member alice', details: { address: '192.0.2.10', holder: 'alice' },
    });
    expect(await add({ ipv6Prefix: '2001:db8::1/56' })).toMatchObject({ code: 'INVALID_CIDR', text: expect.stringContaining('did you mean 2001:db8::/56') });
    expect(await add({ paidUntil: '2026-02-30' })).toMatchObject({ code: 'INVALID_DATE', details: { value: '2026-02-30' } });
    expect(await add({ maxSessions: 0 })).toMatchObject({ code: 'INVALID_ARGUMENT', details: { problem: 'max-sessions', value: 0 } });
    expect(await add({ authMethods: ['pap', 'eap'] })).toMatchObject({ code: 'INVALID_ARGUMENT', details: { problem: 'auth-methods', unknown: ['eap'] } });
    expect(await add({ password: 'a'.repeat(129) })).toMatchObject({ code: 'INVALID_PASSWORD', text: expect.stringContaining('longer than 128 octets') });
    expect(await add({ username: 'tab\there' })).toMatchObject({ code: 'INVALID_ARGUMENT', details: { problem: 'username' } });
    expect(await countMembers(db)).toBe(before);
  });

  it('checks without a database what it will check again when called, so a front end can refuse before connecting', () => {
    expect(() => checkAddMember({ username: 'dave', password: '', plan: null })).toThrow(expect.objectContaining({ code: 'INVALID_PASSWORD' }));
    expect(checkAddMember({ username: 'dave', password: 'pw', ipv4: '192.0.2.77' })).toMatchObject({
      username: 'dave', methods: ['pap', 'chap', 'mschapv1', 'mschapv2'], fields: { ipv4: '192.0.2.77' },
    });
  });
});

describe('changing members', () => {
  it('changes the password and its methods, auditing the change without the password', async () => {
    const view = await passwdMember(deps, admin, { username: 'alice', password: PASSWORDS[2]!, authMethods: ['mschapv2'] });
    expect(view).toMatchObject({ auth: ['mschapv2'], credential: 'nt-hash' });
    expect((await getMember(db, DEFAULT_TENANT_ID, 'alice'))?.credential.cleartext).toBeNull();
    const [entry] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:alice' });
    expect(entry).toMatchObject({ action: 'member.passwd', actor: 'treasurer', after: { password: REDACTED, auth: ['mschapv2'] } });
    expect(await refusal(passwdMember(deps, admin, { username: 'nobody', password: 'x' }))).toMatchObject({ code: 'UNKNOWN_MEMBER' });
  });

  it('refuses methods the stored credential cannot serve, saying which and what to run', async () => {
    const e = await refusal(setMember(deps, admin, { username: 'alice', authMethods: ['pap', 'chap'] }));
    expect(e).toMatchObject({
      code: 'CREDENTIAL_CANNOT_SERVE',
      text: 'the stored credential of alice (nt-hash) cannot serve chap',
      hint: 'set a new password with `radassoc member passwd alice --auth pap,chap`',
      details: { username: 'alice', credential: 'nt-hash', missing: ['chap'] },
    });
    expect(await refusal(setMember(deps, admin, { username: 'alice' }))).toMatchObject({ code: 'INVALID_ARGUMENT', details: { problem: 'nothing-to-change' } });
  });

  it('sets and clears fields, with nothing to push when the member has no live session', async () => {
    const { member, follow } = await setMember(deps, admin, { username: 'alice', plan: 'fast', maxSessions: 2, ipv6Prefix: null });
    expect(member).toMatchObject({ plan: 'fast', max_sessions: 2, ipv6_prefix: null });
    expect(follow).toEqual({ resumed: null, stillLapsed: false, pushed: [], sessionsError: null });
    const [entry] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:alice' });
    expect(entry).toMatchObject({ action: 'member.set', before: { plan: 'basic', max_sessions: null }, after: { plan: 'fast', max_sessions: 2 } });
  });

  it('pushes a plan change to the live session at its NAS and returns what was sent where', async () => {
    das.reset({ answer: 'ack' });
    const { member, follow } = await setMember(deps, admin, { username: 'bob', plan: 'fast' });
    expect(member.plan).toBe('fast');
    expect(follow.pushed).toMatchObject([{ username: 'bob', nas: 'bras1', acctSessionId: 'b-1', kind: 'disconnect', outcome: 'ack' }]);
    expect(das.requests(PacketCode.DisconnectRequest)).toHaveLength(1);
    expect(das.requests(PacketCode.DisconnectRequest)[0]).toMatchObject({ authenticatorValid: true, userName: 'bob' });
  });

  it('says that live sessions are unknown when they cannot be read, the change made all the same', async () => {
    const broken = { listOpen: () => Promise.reject(new Error('daemon not running')), getSession: () => Promise.resolve(null) };
    const { member, follow } = await setMember({ ...deps, sessions: broken }, admin, { username: 'bob', ipv4: '192.0.2.21' });
    expect(member.ipv4).toBe('192.0.2.21');
    expect(follow).toMatchObject({ pushed: [], sessionsError: 'daemon not running' });
  });

  it('removes a member, auditing it as it was, and its disconnect log with it', async () => {
    // The plan change above disconnected bob's session once: that row goes with bob.
    expect(await removeMember(deps, admin, 'bob')).toEqual({ removed: 'bob', erased: { auth_log: 0, disconnect_log: 1, identifiers: 0 } });
    expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM disconnect_log WHERE username = 'bob'")).rows[0]?.n).toBe(0);
    expect(await getMember(db, DEFAULT_TENANT_ID, 'bob')).toBeNull();
    const [entry] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:bob' });
    expect(entry).toMatchObject({ action: 'member.remove', actor: 'treasurer', before: { username: 'bob', plan: 'fast' }, after: null });
    expect(await refusal(removeMember(deps, admin, 'bob'))).toMatchObject({ code: 'UNKNOWN_MEMBER' });
  });
});

describe('importing members', () => {
  it('refuses the whole batch with every fault of every row at once, a reader\'s and the database\'s included', async () => {
    const before = await countMembers(db);
    const e = await refusal(
      importMembers(deps, admin, {
        source: 'members.csv',
        rows: [
          { line: 2, username: 'new1', password: 'pw', ipv4: '172.16.0.1' },
          { line: 3, username: 'new3', password: '', ipv4: '172.16.0.300', maxSessions: 0, paidUntil: '2026-13-01', authMethods: ['radius'] },
          { line: 4, username: 'new1', password: 'pw', ipv4: '172.16.0.1' },
          { line: 5, username: 'alice', password: 'pw', plan: 'gold' },
        ],
        faults: [{ line: 6, message: '2 fields where the header has 4' }],
        claims: [{ line: 6, username: 'new6', ipv4: '192.0.2.10', plan: null }],
      }),
    );
    expect(e.code).toBe('IMPORT_FAILED');
    expect(e.details.faults).toEqual([
      {
        line: 3,
        problems: [
          'password: the password is empty; choose another password',
          'auth: auth methods must be some of pap, chap, mschapv1, mschapv2 (not radius)',
          'ipv4: "172.16.0.300" is not an IPv4 address like 192.0.2.10',
          'max_sessions: max sessions must be a whole number of at least 1 (got 0)',
          'paid_until: "2026-13-01" is not a date in the form YYYY-MM-DD',
        ],
      },
      { line: 4, problems: ['username new1 already appears on line 2', 'ipv4: address 172.16.0.1 already appears on line 2'] },
      { line: 5, problems: ['member alice already exists', 'no plan named gold; see `radassoc plan list`'] },
      { line: 6, problems: ['2 fields where the header has 4', 'address 192.0.2.10 is already assigned to member alice'] },
    ]);
    expect(e.details.faulty_lines).toBe(4);
    expect(e.text.split('\n').at(-1)).toBe('nothing was imported; fix the file and run the import again');
    expect(await countMembers(db)).toBe(before);
  });

  it('imports every row in one transaction with one audit entry naming the source, never a password', async () => {
    const r = await importMembers(deps, scopeOf('import job'), {
      source: 'autumn.csv',
      rows: [
        { line: 2, username: 'imp1', password: PASSWORDS[3]!, plan: 'basic', ipv4: '172.16.1.1', maxSessions: 1, paidUntil: '2027-01-31' },
        { line: 3, username: 'imp2', password: PASSWORDS[3]!, authMethods: ['pap'] },
      ],
    });
    expect(r).toEqual({ imported: 2 });
    expect(await showMember(deps, scopeOf('test'), 'imp1')).toMatchObject({ plan: 'basic', ipv4: '172.16.1.1', max_sessions: 1, paid_until: '2027-01-31' });
    expect(await showMember(deps, scopeOf('test'), 'imp2')).toMatchObject({ auth: ['pap'], credential: 'strong-hash' });
    const [entry] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'import:autumn.csv' });
    expect(entry).toMatchObject({ actor: 'import job', action: 'member.import', after: { file: 'autumn.csv', imported: 2, usernames: ['imp1', 'imp2'] } });
    const text = await auditText();
    for (const pw of PASSWORDS) expect(text).not.toContain(pw);
  });
});
