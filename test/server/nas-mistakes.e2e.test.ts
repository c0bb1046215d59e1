/**
 * The usual NAS mistakes over real UDP against a running daemon (real
 * PostgreSQL and Redis): a wrong shared secret, a missing Message-Authenticator,
 * an address that is no NAS, Proxy-State without Message-Authenticator. Each
 * one is logged once with its source, NAS and likely cause (then counted, once
 * a period), and `radassoc nas diagnose` and `radassoc diagnose <user>` show it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Writable } from 'node:stream';
import { AcctStatus, Attr, PacketCode } from '../../src/protocol/codes.js';
import { deriveCredential } from '../../src/auth/credentials.js';
import { insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { recentAuthLog } from '../../src/db/auth-log.js';
import { createLogger } from '../../src/log.js';
import type { NasDiagnosis } from '../../src/lifecycle/nas-diagnose.js';
import type { Diagnosis } from '../../src/lifecycle/diagnose.js';
import { runCli, type CliResult } from '../admin/cli-harness.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'bras1-shared-secret-of-32-octets';
const WRONG = 'not-the-secret-radassoc-was-given';
const LEGACY_SECRET = 'legacy-modem-pool-secret-32-octets';
const ACCT_SECRET = 'acct-nas-shared-secret-32-octets!';
const PASSWORD = 'alice-password-never-logged';
const DROP_LOG_EVERY_MS = 1500;

interface Line {
  level: number;
  msg: string;
  from?: string;
  nas?: string;
  reason?: string;
  dropped?: number;
}

const lines: Line[] = [];
const raw: string[] = [];
let t: TestDaemon;
let url: string;
const opened: SimulatedNas[] = [];

async function nasAt(secret: string, host: string): Promise<SimulatedNas> {
  const n = await SimulatedNas.open(secret, host);
  opened.push(n);
  return n;
}

const pap = (user: string, password: string, extra: ReturnType<typeof attr>[] = []) => ({
  code: PacketCode.AccessRequest,
  attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password), ...extra],
});

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { databaseUrl: url, env: { REDIS_URL: inject('redisUrl') } });
}

async function nasDiagnosis(target: string): Promise<NasDiagnosis> {
  await t.daemon.activity.flush();
  const r = await cli(['nas', 'diagnose', target, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as NasDiagnosis;
}

async function until<T>(get: () => T | undefined | Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const dropLines = (from: string, reason: string): Line[] => lines.filter((l) => l.from === from && l.reason === reason);

beforeAll(async () => {
  const fresh = await freshDb();
  url = fresh.url;
  await insertNas(fresh.db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
  await insertNas(fresh.db, { name: 'old-modems', address: '127.0.0.2/32', secret: LEGACY_SECRET, requireMessageAuthenticator: false });
  await insertNas(fresh.db, { name: 'bras-strict', address: '127.0.0.3/32', secret: SECRET });
  await insertNas(fresh.db, { name: 'acct1', address: '127.0.0.4/32', secret: ACCT_SECRET });
  await insertNas(fresh.db, { name: 'quiet', address: '127.0.8.0/24', secret: SECRET });
  await insertMember(fresh.db, DEFAULT_TENANT_ID, { username: 'alice', credential: deriveCredential(PASSWORD, ['pap']), authMethods: ['pap'] });
  await fresh.db.close();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(text);
        lines.push(JSON.parse(text) as Line);
      }
      done();
    },
  });
  // The daemon's own logger (redaction included), at the default level.
  t = await startTestDaemon(url, {}, { log: createLogger('info', sink), activityFlushMs: 0, dropLogEveryMs: DROP_LOG_EVERY_MS });
  await until(() => t.daemon.directory.member('alice'));
});

afterAll(async () => {
  for (const n of opened) n.close();
  await t?.stop();
});

describe('a NAS mistake is logged once, with its source, NAS and likely cause', () => {
  it('wrong shared secret: the Message-Authenticator does not verify', async () => {
    const right = await nasAt(SECRET, '127.0.0.1');
    expect((await right.request(pap('alice', PASSWORD), t.auth)).response?.code).toBe(PacketCode.AccessAccept);
    await until(async () => ((await recentAuthLog(t.db, DEFAULT_TENANT_ID, 'alice', 1)).length > 0 ? true : undefined));
    const wrong = await nasAt(WRONG, '127.0.0.1');
    for (let i = 0; i < 3; i++) expect((await wrong.request(pap('alice', PASSWORD), t.auth, { timeoutMs: 150 })).response).toBeNull();
    const [line, ...more] = await until(() => (dropLines('127.0.0.1', 'bad-message-authenticator').length ? dropLines('127.0.0.1', 'bad-message-authenticator') : undefined));
    expect(more).toEqual([]);
    expect(line!.level).toBe(40);
    expect(line!.nas).toBe('bras1');
    expect(line!.msg).toBe('dropped request from 127.0.0.1 (NAS bras1): Message-Authenticator does not verify: shared secret probably wrong');
  });

  it('wrong shared secret on accounting: the Request Authenticator does not verify', async () => {
    const wrong = await nasAt(WRONG, '127.0.0.4');
    const spec = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, AcctStatus.Start), attr(Attr.AcctSessionId, 's-1'), attr(Attr.UserName, 'alice')] };
    expect((await wrong.request(spec, t.acct, { timeoutMs: 150 })).response).toBeNull();
    const line = await until(() => dropLines('127.0.0.4', 'bad-authenticator')[0]);
    expect(line.nas).toBe('acct1');
    expect(line.msg).toContain('accounting Request Authenticator does not verify: shared secret probably wrong');
  });

  it('no Message-Authenticator where the NAS must send one', async () => {
    const strict = await nasAt(SECRET, '127.0.0.3');
    expect((await strict.request(pap('alice', PASSWORD), t.auth, { messageAuthenticator: false, timeoutMs: 150 })).response).toBeNull();
    const line = await until(() => dropLines('127.0.0.3', 'missing-message-authenticator')[0]);
    expect(line.nas).toBe('bras-strict');
    expect(line.msg).toContain('NAS sent no Message-Authenticator but it is required: enable it on the NAS, or add the NAS with `--require-message-authenticator false`');
  });

  it('Proxy-State without Message-Authenticator (BlastRADIUS rule)', async () => {
    const legacy = await nasAt(LEGACY_SECRET, '127.0.0.2');
    const req = pap('alice', PASSWORD, [attr(Attr.ProxyState, 'proxy-1')]);
    expect((await legacy.request(req, t.auth, { messageAuthenticator: false, timeoutMs: 150 })).response).toBeNull();
    const line = await until(() => dropLines('127.0.0.2', 'proxy-state-without-message-authenticator')[0]);
    expect(line.nas).toBe('old-modems');
    expect(line.msg).toContain('Proxy-State without Message-Authenticator dropped (BlastRADIUS rule)');
  });

  it('an address that is no NAS: says how to add it', async () => {
    const stranger = await nasAt(SECRET, '127.0.0.9');
    expect((await stranger.request(pap('alice', PASSWORD), t.auth, { timeoutMs: 150 })).response).toBeNull();
    const line = await until(() => dropLines('127.0.0.9', 'unknown-nas')[0]);
    expect(line.nas).toBeUndefined();
    expect(line.level).toBe(30);
    expect(line.msg).toBe('dropped request from 127.0.0.9: no NAS is configured for this address: add it with `radassoc nas add NAME --ip 127.0.0.9 --secret ...`');
  });

  it('a flood logs one line at once, then one line with the count per period', async () => {
    const flood = await nasAt(WRONG, '127.0.0.5');
    const sent = 40;
    for (let i = 0; i < sent; i++) await flood.sendRaw(Buffer.from(`not radius ${i} `.repeat(2)), t.auth, 0);
    const counted = await until(() => dropLines('127.0.0.5', 'unknown-nas').find((l) => l.dropped !== undefined), DROP_LOG_EVERY_MS * 4);
    const all = dropLines('127.0.0.5', 'unknown-nas');
    expect(all).toHaveLength(2);
    expect(all[0]!.dropped).toBeUndefined();
    expect(counted.dropped).toBe(sent - 1);
    expect(counted.msg).toMatch(/^dropped 39 more from 127\.0\.0\.5 in \d+ s: no NAS is configured for this address/);
  });

  it('never writes a secret or a password to the log', () => {
    const text = raw.join('\n');
    expect(text.length).toBeGreaterThan(0);
    for (const s of [SECRET, WRONG, LEGACY_SECRET, ACCT_SECRET, PASSWORD]) expect(text).not.toContain(s);
  });
});

describe('radassoc nas diagnose', () => {
  it('wrong secret: counts the drops, names the cause and says what to check', async () => {
    const d = await nasDiagnosis('bras1');
    expect(d.nas).toEqual({ name: 'bras1', address: '127.0.0.1/32', require_message_authenticator: true });
    expect(d.answered).toBe(1);
    expect(d.dropped).toEqual({ 'bad-message-authenticator': 3 });
    expect(d.dropped_total).toBe(3);
    expect(d.last_drop?.reason).toBe('bad-message-authenticator');
    expect(d.last_drop?.cause).toBe('shared secret probably wrong');
    expect(Date.now() - Date.parse(d.last_drop!.at)).toBeLessThan(60_000);
    expect(Date.parse(d.last_request_at!)).toBeGreaterThanOrEqual(Date.parse(d.last_drop!.at));
    expect(d.advice.join('\n')).toContain('The shared secret differs between the NAS and radassoc');
    const text = await cli(['nas', 'diagnose', 'bras1']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('1 answered, 3 dropped, 0 not answered');
    expect(text.stdout).toContain('3 bad-message-authenticator: shared secret probably wrong');
    expect(text.stdout).toContain('What to check');
  });

  it('wrong secret on accounting, found by the address', async () => {
    const d = await nasDiagnosis('127.0.0.4');
    expect(d.nas?.name).toBe('acct1');
    expect(d.dropped).toEqual({ 'bad-authenticator': 1 });
    expect(d.last_drop?.cause).toBe('shared secret probably wrong');
  });

  it('missing Message-Authenticator', async () => {
    const d = await nasDiagnosis('bras-strict');
    expect(d.dropped).toEqual({ 'missing-message-authenticator': 1 });
    expect(d.answered).toBe(0);
    expect(d.advice.join('\n')).toContain('Enable Message-Authenticator in the RADIUS settings of the NAS');
    expect(d.advice.join('\n')).toContain('--require-message-authenticator false');
  });

  it('Proxy-State without Message-Authenticator', async () => {
    const d = await nasDiagnosis('old-modems');
    expect(d.dropped).toEqual({ 'proxy-state-without-message-authenticator': 1 });
    expect(d.last_drop?.cause).toBe('Proxy-State without Message-Authenticator (BlastRADIUS rule)');
    expect(d.advice.join('\n')).toContain('enable Message-Authenticator on the NAS and on the proxy');
  });

  it('an unknown source address that sent requests', async () => {
    const d = await nasDiagnosis('127.0.0.9');
    expect(d.nas).toBeNull();
    expect(d.source_kind).toBe('address');
    expect(d.dropped).toEqual({ 'unknown-nas': 1 });
    expect(d.advice.join('\n')).toContain('add it with `radassoc nas add NAME --ip 127.0.0.9 --secret ...`');
    const text = await cli(['nas', 'diagnose', '127.0.0.9']);
    expect(text.stdout).toContain('Source 127.0.0.9 (no NAS is configured for it)');
  });

  it('a NAS that sent nothing: check the address, ports and firewall', async () => {
    const d = await nasDiagnosis('127.0.8.20');
    expect(d.nas?.name).toBe('quiet');
    expect(d.last_request_at).toBeNull();
    expect(d.advice).toEqual([
      "No requests seen in the last hour: check the NAS points at this server's address and ports 1812/1813 and that no firewall drops UDP.",
    ]);
  });

  it('exits non-zero with a clear message when nothing matches', async () => {
    for (const [target, words] of [
      ['no-such-nas', 'no NAS is named no-such-nas; see `radassoc nas list`'],
      ['192.0.2.77', 'no NAS holds the address 192.0.2.77 and no request came from it in the last day'],
    ] as const) {
      const r = await cli(['nas', 'diagnose', target]);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(words);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('adds up the counts of several daemons sharing the database', async () => {
    const second = await startTestDaemon(url, {}, { activityFlushMs: 0 });
    try {
      const nas = await nasAt(SECRET, '127.0.0.1');
      expect((await nas.request(pap('alice', PASSWORD), second.auth)).response?.code).toBe(PacketCode.AccessAccept);
      expect((await nas.request(pap('alice', 'not-her-password'), t.auth)).response?.code).toBe(PacketCode.AccessReject);
      await second.daemon.activity.flush();
      const d = await nasDiagnosis('bras1');
      expect(d.answered).toBe(3);
      expect(d.refused).toEqual({ 'bad-password': 1 });
    } finally {
      await second.stop();
    }
  });
});

describe('radassoc diagnose <user>', () => {
  it("mentions the drops of the member's NAS", async () => {
    await t.daemon.activity.flush();
    const r = await cli(['diagnose', 'alice']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('NAS bras1 dropped 3 requests in the last hour: shared secret probably wrong (see `radassoc nas diagnose bras1`).');
    const d = JSON.parse((await cli(['diagnose', 'alice', '--json'])).stdout) as Diagnosis;
    expect(d.nasDrops).toEqual([{ nas: 'bras1', dropped: 3, reason: 'bad-message-authenticator', cause: 'shared secret probably wrong' }]);
  });
});
