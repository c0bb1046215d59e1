/**
 * `radassoc import freeradius --from postgres://...` end to end: a real
 * FreeRADIUS rlm_sql database (FreeRADIUS 3.2's PostgreSQL schema) filled
 * with every password form, groups with priorities, reply items with each
 * operator, NAS rows and accounting; imported by the real CLI into
 * radassoc's own database; then members authenticated over UDP through the
 * daemon, billing compared with radacct to the octet, dry runs, re-runs and
 * a failure that must leave everything as it was.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAuthenticatorResponse, generateNtResponse, ntPasswordHash } from '../../src/auth/mschap.js';
import type { ImportReport } from '../../src/migrate/import-report.js';
import { Attr, MsAttr, PacketCode, VendorId } from '../../src/protocol/codes.js';
import { getAttribute, getString, getVendorAttribute, type RadiusPacket } from '../../src/protocol/packet.js';
import { cliOnFreshDatabase, type Cli } from '../admin/cli-harness.js';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { addAcct, freeRadiusDb, type FreeRadiusDb } from './freeradius-source-db.js';

const SECRET = 'freeradius-nas-secret-32-octets!';
const b64 = (b: Buffer): string => b.toString('base64');
const digest = (alg: string, ...parts: (string | Buffer)[]): Buffer => {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return h.digest();
};
const SALT = Buffer.from('5a1t0f8b', 'utf8');

/** Each member, the form FreeRADIUS stored its password in, and the methods that must work after the move. */
const MEMBERS = {
  clara: { pw: 'clara-pw', methods: { pap: true, chap: true, mschapv2: true } },
  hana: { pw: 'hana-pw', methods: { pap: true, chap: true, mschapv2: true } },
  nora: { pw: 'nora-pw', methods: { pap: true, chap: false, mschapv2: true } },
  sam: { pw: 'sam-pw', methods: { pap: true, chap: false, mschapv2: false } },
  mia: { pw: 'mia-pw', methods: { pap: true, chap: false, mschapv2: false } },
  cody: { pw: 'cody-pw', methods: { pap: true, chap: false, mschapv2: false } },
  dora: { pw: 'dora-pw', methods: { pap: true, chap: false, mschapv2: false } },
  duo: { pw: 'duo-pw', methods: { pap: true, chap: true, mschapv2: true } },
} as const;

let fr: FreeRadiusDb;
let cli: Cli;
let t: TestDaemon;
let nas: SimulatedNas;
let report: ImportReport;

async function importJson(extra: string[] = []): Promise<{ code: number; report: ImportReport; stderr: string }> {
  const r = await cli.run(['import', 'freeradius', '--from', fr.url, '--json', ...extra]);
  return { code: r.code, report: JSON.parse(r.stdout || 'null') as ImportReport, stderr: r.stderr };
}

beforeAll(async () => {
  fr = await freeRadiusDb();
  cli = await cliOnFreshDatabase();

  await fr.sql(`INSERT INTO nas (nasname, shortname, type, secret, description) VALUES
    ('127.0.0.1', 'bras1', 'mikrotik', $1, 'the BRAS'),
    ('10.9.0.0/24', 'lan', 'cisco', 'lan-secret-lan-secret-lan-secret', NULL),
    ('nas.example.org', 'named', 'other', 'named-secret', NULL)`, [SECRET]);

  await fr.check('clara', 'Cleartext-Password', ':=', MEMBERS.clara.pw);
  await fr.check('hana', 'Password-With-Header', ':=', `{clear}${MEMBERS.hana.pw}`);
  await fr.check('nora', 'NT-Password', ':=', ntPasswordHash(MEMBERS.nora.pw).toString('hex').toUpperCase());
  await fr.check('sam', 'SSHA-Password', ':=', b64(Buffer.concat([digest('sha1', MEMBERS.sam.pw, SALT), SALT])));
  await fr.check('mia', 'MD5-Password', ':=', digest('md5', MEMBERS.mia.pw).toString('hex'));
  await fr.check('cody', 'Crypt-Password', ':=', execFileSync('openssl', ['passwd', '-6', '-salt', 'c0dysalt', MEMBERS.cody.pw], { encoding: 'utf8' }).trim());
  await fr.check('dora', 'SSHA2-512-Password', ':=', b64(Buffer.concat([digest('sha512', MEMBERS.dora.pw, SALT), SALT])));
  await fr.check('duo', 'Cleartext-Password', ':=', MEMBERS.duo.pw);
  // No method radassoc serves can check an LM hash: not imported, and said so.
  await fr.check('lars', 'LM-Password', ':=', 'aad3b435b51404eeaad3b435b51404ee');
  await fr.check('rex', 'Cleartext-Password', ':=', 'rex-pw');
  await fr.check('rex', 'Auth-Type', ':=', 'Reject');
  await fr.check('olga', 'Cleartext-Password', ':=', 'olga-pw');
  await fr.check('olga', 'Expiration', ':=', 'Jan 01 2020 00:00:00');
  await fr.check('fred', 'Cleartext-Password', ':=', 'fred-pw');
  await fr.check('fred', 'Expiration', ':=', 'Jan 01 2099 00:00:00');
  await fr.check('fred', 'Simultaneous-Use', ':=', '2');

  // gold: a plan of its own; basic falls through to addon, which adds an attribute.
  await fr.groupReply('gold', 'Session-Timeout', ':=', '3600');
  await fr.groupReply('gold', 'Mikrotik-Rate-Limit', '=', '10M/10M');
  await fr.groupReply('gold', 'Foo-Unknown-Attribute', '=', 'x');
  await fr.groupReply('basic', 'Session-Timeout', ':=', '1800');
  await fr.groupReply('basic', 'Fall-Through', '=', 'Yes');
  await fr.groupReply('addon', 'Idle-Timeout', ':=', '600');
  for (const u of ['clara', 'sam', 'cody', 'nora']) await fr.userGroup(u, 'gold', 1);
  await fr.userGroup('duo', 'addon', 2);
  await fr.userGroup('duo', 'basic', 1);

  await fr.reply('clara', 'Framed-IP-Address', ':=', '192.0.2.5');
  await fr.reply('clara', 'Reply-Message', '+=', 'welcome');
  // A member's own "=" stands over the group's "=": not gold's items any more.
  await fr.reply('cody', 'Mikrotik-Rate-Limit', '=', '1M/1M');
  // The group's ":=" replaces the member's own, as in FreeRADIUS.
  await fr.reply('sam', 'Session-Timeout', '=', '100');

  // March 2026: finished sessions, one over 4 GiB (Gigawords already folded in by FreeRADIUS), and one still open.
  await addAcct(fr, { uniqueId: 'u1', sessionId: 's1', username: 'clara', nas: '127.0.0.1', start: '2026-03-02T10:00:00Z', stop: '2026-03-02T12:00:00Z', seconds: 7200, input: 5_000_000_123n, output: 1_234_567n, framedIp: '192.0.2.5' });
  await addAcct(fr, { uniqueId: 'u2', sessionId: 's2', username: 'clara', nas: '127.0.0.1', start: '2026-03-10T08:00:00Z', stop: '2026-03-10T08:30:00Z', seconds: 1800, input: 42n, output: 4_294_967_296n });
  await addAcct(fr, { uniqueId: 'u3', sessionId: 's3', username: 'sam', nas: '10.9.0.7', start: '2026-03-15T00:00:00Z', stop: '2026-03-16T00:00:00Z', seconds: 86400, input: 999n, output: 1000n });
  await addAcct(fr, { uniqueId: 'u4', sessionId: 's4', username: 'nora', nas: '127.0.0.1', start: '2026-03-20T00:00:00Z', stop: null, seconds: 60, input: 1n, output: 1n });
  await fr.sql(`INSERT INTO radpostauth (username, pass, reply) VALUES ('clara', 'typo-password', 'Access-Reject')`);

  const dry = await cli.run(['import', 'freeradius', '--from', fr.url, '--dry-run']);
  expect(dry.code, dry.stderr).toBe(3);
  dryRunText = dry.stdout;
  expect((await cli.sql('SELECT count(*)::int AS n FROM members'))[0]!.n).toBe(0);

  const real = await importJson();
  expect(real.code, real.stderr).toBe(0);
  report = real.report;

  t = await startTestDaemon(cli.url);
  nas = await SimulatedNas.open(SECRET, '127.0.0.1');
}, 120_000);

let dryRunText = '';

afterAll(async () => {
  nas?.close();
  await t?.stop();
  await fr?.close();
});

const pap = (user: string, password: string) => nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] }, t.auth);

async function chap(user: string, password: string): Promise<RadiusPacket | null> {
  const challenge = randomBytes(16);
  const hash = createHash('md5').update(Buffer.from([1])).update(password).update(challenge).digest();
  const { response } = await nas.request({
    code: PacketCode.AccessRequest,
    attributes: [attr(Attr.UserName, user), attr(Attr.ChapPassword, Buffer.concat([Buffer.from([1]), hash])), attr(Attr.ChapChallenge, challenge)],
  }, t.auth);
  return response;
}

const vsa = (type: number, value: Buffer) => {
  const b = Buffer.alloc(6 + value.length);
  b.writeUInt32BE(VendorId.Microsoft);
  b[4] = type;
  b[5] = 2 + value.length;
  value.copy(b, 6);
  return attr(Attr.VendorSpecific, b);
};

async function mschapv2(user: string, password: string): Promise<{ response: RadiusPacket | null; verifies: boolean }> {
  const authChallenge = randomBytes(16);
  const peerChallenge = randomBytes(16);
  const ntResponse = generateNtResponse(authChallenge, peerChallenge, user, ntPasswordHash(password));
  const { response } = await nas.request({
    code: PacketCode.AccessRequest,
    attributes: [attr(Attr.UserName, user), vsa(MsAttr.ChapChallenge, authChallenge), vsa(MsAttr.Chap2Response, Buffer.concat([Buffer.from([3, 0]), peerChallenge, Buffer.alloc(8), ntResponse]))],
  }, t.auth);
  const success = response ? getVendorAttribute(response, VendorId.Microsoft, MsAttr.Chap2Success) : undefined;
  const expected = generateAuthenticatorResponse(ntPasswordHash(password), ntResponse, peerChallenge, authChallenge, user);
  return { response, verifies: success !== undefined && success.subarray(1).toString() === expected };
}

describe('the methods each stored password keeps', () => {
  it.each(Object.entries(MEMBERS))('%s: PAP, CHAP and MS-CHAPv2 answer as its stored form allows', async (user, m) => {
    expect((await pap(user, m.pw)).response?.code).toBe(PacketCode.AccessAccept);
    expect((await pap(user, `${m.pw}-wrong`)).response?.code).toBe(PacketCode.AccessReject);
    expect((await chap(user, m.pw))?.code).toBe(m.methods.chap ? PacketCode.AccessAccept : PacketCode.AccessReject);
    const ms = await mschapv2(user, m.pw);
    expect(ms.response?.code).toBe(m.methods.mschapv2 ? PacketCode.AccessAccept : PacketCode.AccessReject);
    expect(ms.verifies).toBe(m.methods.mschapv2);
  });

  it('reports the same in the methods table, and names who can only use PAP', () => {
    for (const [user, m] of Object.entries(MEMBERS)) {
      expect(report.methods.find((r) => r.username === user)).toMatchObject(m.methods);
    }
    expect(report.pap_only.sort()).toEqual(['cody', 'dora', 'mia', 'sam']);
    expect(report.methods.find((r) => r.username === 'sam')?.password).toBe('SSHA-Password');
  });
});

describe('check items', () => {
  it('Auth-Type := Reject and an Expiration already past import as suspended: refused as FreeRADIUS refused them', async () => {
    expect((await pap('rex', 'rex-pw')).response?.code).toBe(PacketCode.AccessReject);
    expect((await pap('olga', 'olga-pw')).response?.code).toBe(PacketCode.AccessReject);
    const rows = await cli.sql<{ username: string; status: string; suspension_kind: string; paid_until: string | null }>(
      "SELECT username, status, suspension_kind, to_char(paid_until, 'YYYY-MM-DD') AS paid_until FROM members WHERE username IN ('rex', 'olga') ORDER BY username");
    expect(rows).toEqual([
      { username: 'olga', status: 'suspended', suspension_kind: 'dues', paid_until: '2019-12-31' },
      { username: 'rex', status: 'suspended', suspension_kind: 'manual', paid_until: null },
    ]);
  });

  it('a future Expiration becomes paid-until (the day before) and Simultaneous-Use the session limit', async () => {
    expect((await pap('fred', 'fred-pw')).response?.code).toBe(PacketCode.AccessAccept);
    const [fred] = await cli.sql("SELECT to_char(paid_until, 'YYYY-MM-DD') AS paid_until, max_sessions FROM members WHERE username = 'fred'");
    expect(fred).toEqual({ paid_until: '2098-12-31', max_sessions: 2 });
  });

  it('LM-Password is not imported, and the report says why', () => {
    const lars = report.not_imported.find((l) => l.name === 'lars');
    expect(lars).toMatchObject({ table: 'radcheck', attribute: 'LM-Password' });
    expect(lars?.reason).toMatch(/LAN Manager/);
  });
});

describe('groups, plans and reply items', () => {
  it('a member of one group gets its plan, and its own items on top (Framed-IP-Address as its static address)', async () => {
    const { response } = await pap('clara', MEMBERS.clara.pw);
    expect(getAttribute(response!, Attr.SessionTimeout)?.readUInt32BE()).toBe(3600);
    expect(getVendorAttribute(response!, VendorId.Mikrotik, 8)?.toString()).toBe('10M/10M');
    expect(getAttribute(response!, Attr.FramedIpAddress)).toEqual(Buffer.from([192, 0, 2, 5]));
    expect(getString(response!, Attr.ReplyMessage)).toBe('welcome');
    const [clara] = await cli.sql("SELECT plan, host(ipv4) AS ipv4 FROM members WHERE username = 'clara'");
    expect(clara).toEqual({ plan: 'gold', ipv4: '192.0.2.5' });
  });

  it("a group's := replaces the member's own = item, so the member is the plan's", async () => {
    const { response } = await pap('sam', MEMBERS.sam.pw);
    expect(getAttribute(response!, Attr.SessionTimeout)?.readUInt32BE()).toBe(3600);
    const [sam] = await cli.sql("SELECT plan, reply_attributes FROM members WHERE username = 'sam'");
    expect(sam).toEqual({ plan: 'gold', reply_attributes: null });
  });

  it('groups applied together (Fall-Through) become the first group plan and the member\'s own extra items', async () => {
    const { response } = await pap('duo', MEMBERS.duo.pw);
    expect(getAttribute(response!, Attr.SessionTimeout)?.readUInt32BE()).toBe(1800);
    expect(getAttribute(response!, Attr.IdleTimeout)?.readUInt32BE()).toBe(600);
    const [duo] = await cli.sql("SELECT plan, reply_attributes FROM members WHERE username = 'duo'");
    expect(duo).toEqual({ plan: 'basic', reply_attributes: [{ name: 'Idle-Timeout', value: '600' }] });
    // Shown to the admin, never hidden in the database alone.
    expect((await cli.json<{ reply_attributes?: unknown }>(['member', 'show', 'duo'])).reply_attributes).toEqual([{ name: 'Idle-Timeout', value: '600' }]);
    expect((await cli.json<{ reply_attributes?: unknown }>(['member', 'show', 'sam']))).not.toHaveProperty('reply_attributes');
  });

  it("a reply that is no one plan's becomes the member's own attributes, sent as FreeRADIUS sent them", async () => {
    const { response } = await pap('cody', MEMBERS.cody.pw);
    expect(getVendorAttribute(response!, VendorId.Mikrotik, 8)?.toString()).toBe('1M/1M');
    expect(getAttribute(response!, Attr.SessionTimeout)?.readUInt32BE()).toBe(3600);
    const [cody] = await cli.sql("SELECT plan FROM members WHERE username = 'cody'");
    expect(cody).toEqual({ plan: null });
    expect(report.notes.join('\n')).toMatch(/cody: .*maps onto no one plan/);
  });

  it('an attribute the dictionaries do not know is reported, never dropped silently', async () => {
    expect(report.unknown_attributes).toEqual([
      expect.objectContaining({ table: 'radgroupreply', name: 'gold', attribute: 'Foo-Unknown-Attribute' }),
    ]);
    const [gold] = await cli.sql("SELECT attributes FROM plans WHERE name = 'gold'");
    expect(gold).toEqual({ attributes: [{ name: 'Session-Timeout', value: '3600' }, { name: 'Mikrotik-Rate-Limit', value: '10M/10M' }] });
  });
});

describe('NAS clients', () => {
  it('imports addresses and blocks with their secret and the disconnect profile of their vendor; a host name is reported', async () => {
    const rows = await cli.sql('SELECT name, address::text AS address, disconnect_profile FROM nas ORDER BY name');
    expect(rows).toEqual([
      { name: 'bras1', address: '127.0.0.1/32', disconnect_profile: 'mikrotik' },
      { name: 'lan', address: '10.9.0.0/24', disconnect_profile: 'cisco' },
    ]);
    expect(report.not_imported.find((l) => l.table === 'nas')?.reason).toMatch(/host name/);
    expect(JSON.stringify(report)).not.toContain(SECRET);
  });
});

describe('accounting', () => {
  it('finished radacct rows make the billing export of their month, to the octet; open ones are reported', async () => {
    const sums = await fr.sql<{ username: string; sessions: number; seconds: string; input: string; output: string }>(
      `SELECT username, count(*)::int AS sessions, sum(acctsessiontime)::text AS seconds, sum(acctinputoctets)::text AS input, sum(acctoutputoctets)::text AS output
       FROM radacct WHERE acctstoptime IS NOT NULL AND acctstarttime >= '2026-03-01' AND acctstarttime < '2026-04-01' GROUP BY username ORDER BY username`);
    const exported = JSON.parse(await cli.ok(['export', '--from', '2026-03-01', '--to', '2026-03-31', '--format', 'json'])) as { username: string; sessions: number; seconds: number; input_octets: number; output_octets: number }[];
    expect(exported.map((e) => ({ username: e.username, sessions: e.sessions, seconds: String(e.seconds), input: String(e.input_octets), output: String(e.output_octets) }))).toEqual(sums);
    expect(report.sessions).toEqual({ finished: 3, new: 3, already: 0, open: 1, refused: 0 });
    const [sam] = await cli.sql("SELECT nas FROM usage_sessions WHERE username = 'sam'");
    expect(sam).toEqual({ nas: 'lan' });
  });

  it('radpostauth is not imported, and the report says why', () => {
    expect(report.notes.join('\n')).toMatch(/radpostauth \(1 rows\) is not imported/);
    expect(JSON.stringify(report)).not.toContain('typo-password');
  });
});

describe('dry runs and re-runs', () => {
  it('the dry run printed the report, changed nothing, and exited 3 for what would be lost', () => {
    expect(dryRunText).toMatch(/dry run: nothing was changed/);
    expect(dryRunText).toMatch(/can now only use PAP \(a NAS that does CHAP will reject them\): .*sam/);
    expect(dryRunText).not.toContain(MEMBERS.clara.pw);
  });

  it('a re-run with nothing changed in FreeRADIUS changes nothing and doubles no session', async () => {
    const again = await importJson();
    expect(again.code).toBe(0);
    expect(again.report.changes).toEqual([]);
    expect(again.report.sessions).toMatchObject({ new: 0, already: 3 });
    expect((await cli.sql('SELECT count(*)::int AS n FROM usage_sessions'))[0]!.n).toBe(3);
  });

  it('a failure while writing leaves radassoc exactly as it was', async () => {
    const before = JSON.stringify(await cli.sql('SELECT username, cleartext, plan FROM members ORDER BY username'));
    await cli.sql("ALTER TABLE usage_sessions ADD CONSTRAINT poison_check CHECK (acct_session_id <> 'poison')");
    await fr.sql("UPDATE radcheck SET value = 'clara-new' WHERE username = 'clara' AND attribute = 'Cleartext-Password'");
    await addAcct(fr, { uniqueId: 'u9', sessionId: 'poison', username: 'clara', nas: '127.0.0.1', start: '2026-03-25T00:00:00Z', stop: '2026-03-25T01:00:00Z', seconds: 3600, input: 1n, output: 1n });
    const failed = await cli.run(['import', 'freeradius', '--from', fr.url]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/nothing was imported/);
    expect(failed.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(JSON.stringify(await cli.sql('SELECT username, cleartext, plan FROM members ORDER BY username'))).toBe(before);
    expect((await cli.sql('SELECT count(*)::int AS n FROM usage_sessions'))[0]!.n).toBe(3);
    await cli.sql('ALTER TABLE usage_sessions DROP CONSTRAINT poison_check');
    await fr.sql("DELETE FROM radacct WHERE acctsessionid = 'poison'");
  });

  it('a re-run brings what changed: a password, a plan, a NAS secret and new sessions, and says what changed', async () => {
    await fr.sql("UPDATE nas SET secret = 'a-new-lan-secret-a-new-lan-secret' WHERE shortname = 'lan'");
    await fr.groupReply('gold', 'Acct-Interim-Interval', ':=', '300');
    await fr.sql("UPDATE radacct SET acctstoptime = '2026-03-20T01:00:00Z', acctsessiontime = 3600 WHERE acctuniqueid = 'u4'");
    const again = await importJson();
    expect(again.code, again.stderr).toBe(0);
    const changed = Object.fromEntries(again.report.changes.map((c) => [`${c.kind} ${c.name}`, c.fields]));
    expect(changed).toMatchObject({ 'member clara': ['password'], 'plan gold': ['attributes'], 'nas lan': ['secret'] });
    expect(again.report.sessions).toMatchObject({ new: 1, already: 3, open: 0 });
    expect((await cli.sql('SELECT count(*)::int AS n FROM usage_sessions'))[0]!.n).toBe(4);
    // The daemon hears of the change (NOTIFY) and checks the new password.
    const deadline = Date.now() + 5000;
    let code: number | undefined;
    while (Date.now() < deadline && (code = (await pap('clara', 'clara-new')).response?.code) !== PacketCode.AccessAccept) await new Promise((r) => setTimeout(r, 50));
    expect(code).toBe(PacketCode.AccessAccept);
    expect((await pap('clara', MEMBERS.clara.pw)).response?.code).toBe(PacketCode.AccessReject);
    const { response } = await pap('sam', MEMBERS.sam.pw);
    expect(getAttribute(response!, Attr.AcctInterimInterval)?.readUInt32BE()).toBe(300);
  });
});

describe('bad input', () => {
  it('a URL of no dialect radassoc reads is refused with what to give, and its password is not repeated', async () => {
    const r = await cli.run(['import', 'freeradius', '--from', 'oracle://radius:hunter2@db/radius']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/postgres:\/\/, postgresql:\/\/, mysql:\/\/ or mariadb:\/\//);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('a database that does not answer is said so, without the password', async () => {
    const r = await cli.run(['import', 'freeradius', '--from', 'postgres://radius:hunter2@127.0.0.1:1/radius']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/did not answer/);
    expect(r.stderr).not.toContain('hunter2');
  });
});
