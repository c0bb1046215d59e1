/**
 * One FreeRADIUS deployment, told twice: the rows an association's rlm_sql
 * database holds (a user per password form rlm_pap reads, groups with
 * priorities, reply items with each operator, Simultaneous-Use, Auth-Type :=
 * Reject, Expiration, NAS rows), the accounting a NAS sent to it, and the
 * Access-Requests to put to FreeRADIUS and to radassoc after the import, with
 * what to compare in the answers. The differential suites (PostgreSQL,
 * MariaDB) differ only in the database under FreeRADIUS.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { Attr, MsAttr, PacketCode, VendorId } from '../../src/protocol/codes.js';
import { describeAttributes } from '../../src/protocol/attribute-text.js';
import { saltDecrypt } from '../../src/protocol/salt-crypt.js';
import { splitVendorSpecific } from '../../src/protocol/vsa.js';
import type { RadiusPacket, RawAttribute } from '../../src/protocol/packet.js';
import { generateAuthenticatorResponse, generateNtResponse, ntPasswordHash } from '../../src/auth/mschap.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOnFreshDatabase, type Cli } from '../admin/cli-harness.js';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { startFreeRadius, type FreeRadiusServer, type FreeRadiusSql } from '../support/freeradius.js';
import { attr, SimulatedNas } from '../support/nas.js';

/** Statements with `?` placeholders; each suite runs them on its dialect. */
export interface SqlRunner {
  exec(sql: string, params?: readonly unknown[]): Promise<void>;
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** The NAS both servers answer: loopback, found by both in the nas table. */
export const NAS_ADDRESS = '127.0.0.1';
export const NAS_SECRET = 'differential-nas-secret-32-octets!';

export type Method = 'pap' | 'chap' | 'mschapv2';
export const METHODS: readonly Method[] = ['pap', 'chap', 'mschapv2'];

/** A FreeRADIUS user: how its password is stored and which methods that lets FreeRADIUS serve. */
export interface FixtureUser {
  username: string;
  password: string;
  /** The radcheck password row. */
  attribute: string;
  value: string;
  /**
   * What FreeRADIUS itself accepts (rlm_pap compares any form to a PAP
   * password; rlm_chap needs the cleartext; rlm_mschap the cleartext or the NT
   * hash): checked on FreeRADIUS first, so that a broken reference cannot
   * make the comparison pass vacuously.
   */
  accepts: readonly Method[];
}

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest();
const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest();
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();
const sha512 = (b: Buffer | string) => createHash('sha512').update(b).digest();
const salted = (hash: (b: Buffer) => Buffer, password: string, salt: Buffer) => Buffer.concat([hash(Buffer.concat([Buffer.from(password), salt])), salt]);

/** crypt(3) by OpenSSL, an implementation other than radassoc's own. */
function opensslCrypt(flag: '-1' | '-5' | '-6', salt: string, password: string): string {
  const r = spawnSync('openssl', ['passwd', flag, '-salt', salt, '-stdin'], { input: password, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl passwd ${flag} failed: ${r.stderr}`);
  return r.stdout.trim();
}

const ALL: readonly Method[] = ['pap', 'chap', 'mschapv2'];
const PAP_MSCHAP: readonly Method[] = ['pap', 'mschapv2'];
const PAP: readonly Method[] = ['pap'];

/** Every password form rlm_pap reads from radcheck, with a deterministic salt. */
export function passwordUsers(): FixtureUser[] {
  const salt = Buffer.from('5a1tsalt', 'utf8');
  const user = (username: string, attribute: string, value: (pw: string) => string, accepts: readonly Method[]): FixtureUser => {
    const password = `${username}-pass`;
    return { username, password, attribute, value: value(password), accepts };
  };
  return [
    user('clear', 'Cleartext-Password', (pw) => pw, ALL),
    user('nt', 'NT-Password', (pw) => ntPasswordHash(pw).toString('hex').toUpperCase(), PAP_MSCHAP),
    user('md5', 'MD5-Password', (pw) => md5(pw).toString('hex'), PAP),
    user('smd5', 'SMD5-Password', (pw) => salted(md5, pw, salt).toString('base64'), PAP),
    user('sha', 'SHA-Password', (pw) => sha1(pw).toString('hex'), PAP),
    user('ssha', 'SSHA-Password', (pw) => salted(sha1, pw, salt).toString('base64'), PAP),
    user('sha2', 'SHA2-Password', (pw) => sha256(pw).toString('hex'), PAP),
    user('ssha2-256', 'SSHA2-256-Password', (pw) => salted(sha256, pw, salt).toString('base64'), PAP),
    user('ssha2-512', 'SSHA2-512-Password', (pw) => salted(sha512, pw, salt).toString('base64'), PAP),
    user('crypt-md5', 'Crypt-Password', (pw) => opensslCrypt('-1', 'md5salt1', pw), PAP),
    user('crypt-sha256', 'Crypt-Password', (pw) => opensslCrypt('-5', 'sha256saltvalue', pw), PAP),
    user('crypt-sha512', 'Crypt-Password', (pw) => opensslCrypt('-6', 'sha512saltvalue', pw), PAP),
    user('hdr-clear', 'Password-With-Header', (pw) => `{clear}${pw}`, ALL),
    user('hdr-nt', 'Password-With-Header', (pw) => `{nt}${ntPasswordHash(pw).toString('hex')}`, PAP_MSCHAP),
    user('hdr-ssha', 'Password-With-Header', (pw) => `{ssha}${salted(sha1, pw, salt).toString('base64')}`, PAP),
    user('hdr-md5-hex', 'Password-With-Header', (pw) => `{md5}${md5(pw).toString('hex')}`, PAP),
    user('hdr-md5-b64', 'Password-With-Header', (pw) => `{md5}${md5(pw).toString('base64')}`, PAP),
  ];
}

/** Members whose settings come from reply rows, groups and check items; each has a Cleartext-Password. */
export const SETTINGS_USERS = {
  /** fibre (priority 1, Fall-Through = Yes) then base (priority 2). */
  grouped: 'grouped',
  /** Its own reply rows with =, += and :=, then the fibre group, whose := replaces its own Session-Timeout. */
  replyOps: 'reply-ops',
  /** base (priority 1, no Fall-Through) then fibre (priority 2): fibre never applies. */
  baseFirst: 'base-first',
  /** Auth-Type := Reject of its own. */
  rejected: 'rejected',
  /** In the group "disabled", whose radgroupcheck says Auth-Type := Reject. */
  disabled: 'disabled',
  /** Simultaneous-Use := 1. */
  single: 'single',
  /** Expiration in the past. */
  expired: 'expired',
  /** Expiration far ahead. */
  expiring: 'expiring',
} as const;
export const SETTINGS_PASSWORD = (u: string): string => `${u}-secret`;

/** Fills the standard rlm_sql tables (the schema is already loaded). */
export async function fillDeployment(db: SqlRunner): Promise<void> {
  for (const u of passwordUsers()) {
    await db.exec('INSERT INTO radcheck (username, attribute, op, value) VALUES (?, ?, ?, ?)', [u.username, u.attribute, ':=', u.value]);
  }
  const check: [string, string, string, string][] = Object.values(SETTINGS_USERS).map((u) => [u, 'Cleartext-Password', ':=', SETTINGS_PASSWORD(u)]);
  check.push(
    ['rejected', 'Auth-Type', ':=', 'Reject'],
    ['single', 'Simultaneous-Use', ':=', '1'],
    ['expired', 'Expiration', ':=', 'Jan 01 2020 00:00:00'],
    ['expiring', 'Expiration', ':=', 'Jan 01 2099 00:00:00'],
  );
  for (const row of check) await db.exec('INSERT INTO radcheck (username, attribute, op, value) VALUES (?, ?, ?, ?)', row);
  const reply: [string, string, string, string][] = [
    ['reply-ops', 'Framed-IP-Address', '=', '192.0.2.10'],
    ['reply-ops', 'Framed-Route', '+=', '198.51.100.0/24 192.0.2.10 1'],
    ['reply-ops', 'Framed-Route', '+=', '203.0.113.0/24 192.0.2.10 1'],
    ['reply-ops', 'Session-Timeout', ':=', '7200'],
    ['reply-ops', 'Idle-Timeout', '=', '900'],
    ['single', 'Framed-IP-Address', ':=', '192.0.2.20'],
  ];
  for (const row of reply) await db.exec('INSERT INTO radreply (username, attribute, op, value) VALUES (?, ?, ?, ?)', row);
  const groupReply: [string, string, string, string][] = [
    ['fibre', 'Session-Timeout', ':=', '86400'],
    ['fibre', 'Mikrotik-Rate-Limit', '=', '100M/100M'],
    ['fibre', 'Fall-Through', '=', 'Yes'],
    ['base', 'Session-Timeout', '=', '3600'],
    ['base', 'Idle-Timeout', '=', '600'],
    ['base', 'Acct-Interim-Interval', ':=', '300'],
  ];
  for (const row of groupReply) await db.exec('INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES (?, ?, ?, ?)', row);
  await db.exec('INSERT INTO radgroupcheck (groupname, attribute, op, value) VALUES (?, ?, ?, ?)', ['disabled', 'Auth-Type', ':=', 'Reject']);
  const userGroup: [string, string, number][] = [
    ['grouped', 'fibre', 1], ['grouped', 'base', 2],
    ['reply-ops', 'fibre', 1],
    ['base-first', 'fibre', 2], ['base-first', 'base', 1],
    ['disabled', 'disabled', 1],
    ['clear', 'base', 1],
  ];
  for (const row of userGroup) await db.exec('INSERT INTO radusergroup (username, groupname, priority) VALUES (?, ?, ?)', row);
  const nas: [string, string, string, string, string][] = [
    [NAS_ADDRESS, 'loopback-bras', 'other', NAS_SECRET, 'the NAS both servers answer'],
    ['192.0.2.1', 'bras1', 'cisco', 'another-nas-secret-of-32-octets!!', 'an LNS'],
  ];
  for (const row of nas) await db.exec('INSERT INTO nas (nasname, shortname, type, secret, description) VALUES (?, ?, ?, ?, ?)', row);
}

/* ---------------------------------------------------------------- accounting */

export interface AccountedSession {
  username: string;
  sessionId: string;
  start: Date;
  stop: Date | null;
  inputOctets: bigint;
  outputOctets: bigint;
}

const u32 = (n: number | bigint): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(Number(n));
  return b;
};

/** The first day of last month, UTC: a closed billing month whatever day the suite runs. */
export function billingMonth(now = new Date()): { from: string; to: string; start: Date; end: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return { from: day(start), to: day(new Date(end.getTime() - 86_400_000)), start, end };
}

/** What a BRAS sends for one session: Start, Interim-Updates, Stop (unless left open), octets with Gigawords. */
export async function sendSession(
  nas: SimulatedNas,
  acctPort: number,
  s: AccountedSession,
  interims: readonly { at: Date; input: bigint; output: bigint }[],
  opts: { startSent?: boolean } = {},
): Promise<void> {
  const base = (status: number, at: Date): RawAttribute[] => [
    attr(Attr.UserName, s.username),
    attr(Attr.AcctStatusType, status),
    attr(Attr.AcctSessionId, s.sessionId),
    attr(Attr.NasIpAddress, Buffer.from(NAS_ADDRESS.split('.').map(Number))),
    attr(Attr.NasPort, 7),
    attr(Attr.CallingStationId, '02:00:5e:00:53:01'),
    attr(Attr.EventTimestamp, Math.floor(at.getTime() / 1000)),
  ];
  const counters = (input: bigint, output: bigint, at: Date): RawAttribute[] => [
    attr(Attr.AcctInputOctets, u32(input & 0xffffffffn)),
    attr(Attr.AcctInputGigawords, u32(input >> 32n)),
    attr(Attr.AcctOutputOctets, u32(output & 0xffffffffn)),
    attr(Attr.AcctOutputGigawords, u32(output >> 32n)),
    attr(Attr.AcctSessionTime, Math.floor((at.getTime() - s.start.getTime()) / 1000)),
  ];
  const send = async (attributes: RawAttribute[]) => {
    const { response } = await nas.request({ code: PacketCode.AccountingRequest, attributes }, acctPort, { timeoutMs: 3000 });
    if (response?.code !== PacketCode.AccountingResponse) throw new Error(`no Accounting-Response for ${s.username}/${s.sessionId}`);
  };
  if (opts.startSent !== true) await send([...base(1, s.start), attr(Attr.FramedIpAddress, Buffer.from([192, 0, 2, 99]))]);
  for (const i of interims) await send([...base(3, i.at), attr(Attr.FramedIpAddress, Buffer.from([192, 0, 2, 99])), ...counters(i.input, i.output, i.at)]);
  if (s.stop !== null) {
    await send([...base(2, s.stop), attr(Attr.FramedIpAddress, Buffer.from([192, 0, 2, 99])), ...counters(s.inputOctets, s.outputOctets, s.stop), attr(Attr.AcctTerminateCause, 1)]);
  }
}

/**
 * The accounting FreeRADIUS receives before the import: sessions in the
 * billing month (one past 4 GiB each way, so Gigawords count), one in the
 * month before, one left open.
 */
export async function sendAccounting(nas: SimulatedNas, acctPort: number): Promise<AccountedSession[]> {
  const { start: month } = billingMonth();
  const at = (days: number, hours: number) => new Date(month.getTime() + (days * 24 + hours) * 3_600_000);
  const G = 2n ** 32n;
  const sessions: [AccountedSession, { at: Date; input: bigint; output: bigint }[]][] = [
    [{ username: 'clear', sessionId: 'fr-0001', start: at(2, 8), stop: at(2, 20), inputOctets: 5n * G + 123_456n, outputOctets: 2n * G + 789n },
      [{ at: at(2, 12), input: 2n * G, output: G + 5n }]],
    [{ username: 'clear', sessionId: 'fr-0002', start: at(9, 1), stop: at(9, 2), inputOctets: 1_000_000n, outputOctets: 20_000_000n }, []],
    [{ username: 'grouped', sessionId: 'fr-0003', start: at(14, 10), stop: at(15, 10), inputOctets: 3n * G + 1n, outputOctets: 4_294_967_295n }, [
      { at: at(14, 20), input: G, output: 1_000n },
      { at: at(15, 4), input: 2n * G, output: 2_000_000n },
    ]],
    [{ username: 'nt', sessionId: 'fr-0004', start: at(20, 0), stop: at(20, 0.5), inputOctets: 42n, outputOctets: 4242n }, []],
    // The month before: outside the export.
    [{ username: 'clear', sessionId: 'fr-0005', start: at(-3, 0), stop: at(-3, 1), inputOctets: 7n, outputOctets: 9n }, []],
    // Still open: FreeRADIUS has no stop; an import keeps it out of billing.
    [{ username: 'grouped', sessionId: 'fr-0006', start: at(25, 0), stop: null, inputOctets: 0n, outputOctets: 0n }, [{ at: at(25, 1), input: 500n, output: 600n }]],
  ];
  for (const [s, interims] of sessions) await sendSession(nas, acctPort, s, interims);
  return sessions.map(([s]) => s);
}

export interface UsageSums {
  sessions: number;
  seconds: bigint;
  input: bigint;
  output: bigint;
}

/** Sums over the finished radacct rows FreeRADIUS wrote, per user, for sessions that started in the month. */
export async function radacctSums(db: SqlRunner, month: { start: Date; end: Date }): Promise<Map<string, UsageSums>> {
  const rows = await db.query<{ username: string; acctsessiontime: unknown; acctinputoctets: unknown; acctoutputoctets: unknown }>(
    'SELECT username, acctsessiontime, acctinputoctets, acctoutputoctets FROM radacct WHERE acctstoptime IS NOT NULL AND acctstarttime >= ? AND acctstarttime < ?',
    [month.start, month.end],
  );
  const sums = new Map<string, UsageSums>();
  for (const r of rows) {
    const s = sums.get(r.username) ?? { sessions: 0, seconds: 0n, input: 0n, output: 0n };
    s.sessions += 1;
    s.seconds += BigInt(String(r.acctsessiontime ?? 0));
    s.input += BigInt(String(r.acctinputoctets ?? 0));
    s.output += BigInt(String(r.acctoutputoctets ?? 0));
    sums.set(r.username, s);
  }
  return sums;
}

/** The billing export's summary CSV (design.md's columns) as the same sums. */
export function exportSums(csv: string): Map<string, UsageSums> {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return new Map(rows.map((r) => [r.username!, {
    sessions: Number(r.sessions), seconds: BigInt(r.seconds!), input: BigInt(r.input_octets!), output: BigInt(r.output_octets!),
  }]));
}

/* ---------------------------------------------------------------- authentication */

export interface Outcome {
  decision: 'accept' | 'reject' | 'no answer';
  /** Reply attributes as Name=value, sorted; without what compares separately (below) or differs by design. */
  attributes: string[];
  /** MS-CHAPv2 only: whether MS-CHAP2-Success proves knowledge of the same password (RFC 2759 §8.7). */
  successVerifies?: boolean;
  /** MS-CHAPv2 only: the MPPE keys after decryption (RFC 2548 §2.4.2-3), equal on both servers when both derive them from the same NT hash and response. */
  mppeKeys?: string;
}

/**
 * Compared separately or not at all:
 * - Message-Authenticator: a signature over each answer.
 * - MS-CHAP2-Success, MS-MPPE-Send-Key/Recv-Key: salted and per request; checked by successVerifies and mppeKeys.
 * - Reply-Message and MS-CHAP-Error in Access-Reject: each server words its refusals its own way (radassoc says why).
 * - Class: radassoc tags every Access-Accept with its own, for accounting to find the session.
 */
const SEPARATE = new Set(['Message-Authenticator', 'MS-CHAP2-Success', 'MS-MPPE-Send-Key', 'MS-MPPE-Recv-Key', 'Class']);
const REJECT_ONLY = new Set(['Reply-Message', 'MS-CHAP-Error']);

function msAttribute(packet: RadiusPacket, type: number): Buffer | undefined {
  for (const a of packet.attributes) {
    if (a.type !== Attr.VendorSpecific) continue;
    for (const s of splitVendorSpecific(a.value) ?? []) if (s.vendorId === VendorId.Microsoft && s.type === type) return s.value;
  }
  return undefined;
}

/** One Access-Request, built once so that both servers get the same challenges and can be compared to the octet. */
export interface PreparedRequest {
  method: Method;
  username: string;
  attributes: RawAttribute[];
  authenticator: Buffer;
  read(response: RadiusPacket | null): Outcome;
}

const vsa = (type: number, value: Buffer): RawAttribute => {
  const b = Buffer.alloc(6 + value.length);
  b.writeUInt32BE(VendorId.Microsoft);
  b[4] = type;
  b[5] = 2 + value.length;
  value.copy(b, 6);
  return attr(Attr.VendorSpecific, b);
};

export function accessRequest(method: Method, username: string, password: string): PreparedRequest {
  const authenticator = randomBytes(16);
  const attributes: RawAttribute[] = [attr(Attr.UserName, username), attr(Attr.NasIpAddress, Buffer.from(NAS_ADDRESS.split('.').map(Number)))];
  const authChallenge = randomBytes(16);
  const peerChallenge = randomBytes(16);
  const ntResponse = generateNtResponse(authChallenge, peerChallenge, username, ntPasswordHash(password));
  if (method === 'pap') {
    attributes.push(attr(Attr.UserPassword, password));
  } else if (method === 'chap') {
    const ident = 42;
    const hash = createHash('md5').update(Buffer.from([ident])).update(password).update(authChallenge).digest();
    attributes.push(attr(Attr.ChapPassword, Buffer.concat([Buffer.from([ident]), hash])), attr(Attr.ChapChallenge, authChallenge));
  } else {
    attributes.push(vsa(MsAttr.ChapChallenge, authChallenge), vsa(MsAttr.Chap2Response, Buffer.concat([Buffer.from([9, 0]), peerChallenge, Buffer.alloc(8), ntResponse])));
  }
  const read = (response: RadiusPacket | null): Outcome => {
    if (response === null) return { decision: 'no answer', attributes: [] };
    const accept = response.code === PacketCode.AccessAccept;
    if (!accept && response.code !== PacketCode.AccessReject) throw new Error(`unexpected answer code ${response.code}`);
    const text = describeAttributes(response.attributes)
      .filter((a) => !SEPARATE.has(a.name) && (accept || !REJECT_ONLY.has(a.name)))
      .map((a) => `${a.name}=${a.value}`)
      .sort();
    const outcome: Outcome = { decision: accept ? 'accept' : 'reject', attributes: text };
    if (accept && method === 'mschapv2') {
      const success = msAttribute(response, MsAttr.Chap2Success);
      const expected = generateAuthenticatorResponse(ntPasswordHash(password), ntResponse, peerChallenge, authChallenge, username);
      outcome.successVerifies = success !== undefined && success[0] === 9 && success.subarray(1).toString() === expected;
      const key = (type: number) => {
        const v = msAttribute(response, type);
        return v === undefined ? 'missing' : (saltDecrypt(v, NAS_SECRET, authenticator)?.toString('hex') ?? 'undecryptable');
      };
      outcome.mppeKeys = `send=${key(MsAttr.MppeSendKey)} recv=${key(MsAttr.MppeRecvKey)}`;
    }
    return outcome;
  };
  return { method, username, attributes, authenticator, read };
}

/** Sends the prepared request to the server on `port` and reads its answer. */
export async function ask(nas: SimulatedNas, port: number, request: PreparedRequest): Promise<Outcome> {
  const { response } = await nas.request({ code: PacketCode.AccessRequest, attributes: request.attributes, authenticator: request.authenticator }, port, { timeoutMs: 3000 });
  return request.read(response);
}

/* ---------------------------------------------------------------- the suite */

/** A FreeRADIUS database with the standard schema loaded and nothing in it, on one dialect. */
export interface SourceDeployment {
  db: SqlRunner;
  /** What `radassoc import freeradius --from` is given. */
  url: string;
  /** What FreeRADIUS's sql module is given. */
  freeradius: FreeRadiusSql;
  close(): Promise<void>;
}

const byUsername = (a: FixtureUser, b: FixtureUser) => (a.username < b.username ? -1 : 1);

/**
 * The deployment on `open`'s database: FreeRADIUS serves it and records the
 * NAS's accounting, radassoc imports it, then both answer the same
 * Access-Requests from the same NAS.
 */
export function differentialSuite(dialect: string, open: () => Promise<SourceDeployment>): void {
  let source: SourceDeployment | undefined;
  let freeradius: FreeRadiusServer | undefined;
  let nas: SimulatedNas | undefined;
  let cli: Cli;
  let radassoc: TestDaemon | undefined;
  let sent: AccountedSession[];
  let importOutput = '';

  beforeAll(async () => {
    source = await open();
    await fillDeployment(source.db);
    freeradius = await startFreeRadius(source.freeradius);
    nas = await SimulatedNas.open(NAS_SECRET, NAS_ADDRESS);
    sent = await sendAccounting(nas, freeradius.acct);
    cli = await cliOnFreshDatabase();
    const imported = await cli.run(['import', 'freeradius', '--from', source.url]);
    importOutput = `${imported.stdout}${imported.stderr}`;
    if (imported.code !== 0) throw new Error(`radassoc import freeradius exited ${imported.code}:\n${importOutput}`);
    radassoc = await startTestDaemon(cli.url);
  });

  afterAll(async () => {
    nas?.close();
    await radassoc?.stop();
    await freeradius?.stop();
    await source?.close();
  });

  /** The same request to both servers. */
  const both = async (method: Method, username: string, password: string): Promise<{ freeradius: Outcome; radassoc: Outcome }> => {
    const request = accessRequest(method, username, password);
    return { freeradius: await ask(nas!, freeradius!.auth, request), radassoc: await ask(nas!, radassoc!.auth, request) };
  };

  describe(`FreeRADIUS on ${dialect}, then radassoc after importing its database`, () => {
    it('FreeRADIUS itself serves each stored password form by the methods that form allows', async () => {
      for (const u of passwordUsers()) {
        for (const m of METHODS) {
          const o = await ask(nas!, freeradius!.auth, accessRequest(m, u.username, u.password));
          expect({ user: u.username, method: m, decision: o.decision }).toEqual({ user: u.username, method: m, decision: u.accepts.includes(m) ? 'accept' : 'reject' });
        }
      }
    });

    it.each(passwordUsers().sort(byUsername).map((u) => [u.attribute, u.username, u] as const))(
      '%s (%s): the same decision and reply by PAP, CHAP and MS-CHAPv2, and a wrong password refused by both',
      async (_attribute, _username, u) => {
        for (const m of METHODS) {
          const answers = await both(m, u.username, u.password);
          expect({ method: m, ...answers.radassoc }).toEqual({ method: m, ...answers.freeradius });
          if (answers.radassoc.decision === 'accept' && m === 'mschapv2') expect(answers.radassoc.successVerifies).toBe(true);
        }
        const wrong = await both('pap', u.username, `${u.password}-not`);
        expect([wrong.freeradius.decision, wrong.radassoc.decision]).toEqual(['reject', 'reject']);
      },
    );

    it.each([
      ['groups by priority, the first falling through', SETTINGS_USERS.grouped],
      ['its own =, += and := reply rows under a group\'s :=', SETTINGS_USERS.replyOps],
      ['a lower-priority group that does not fall through', SETTINGS_USERS.baseFirst],
      ['Auth-Type := Reject of its own', SETTINGS_USERS.rejected],
      ['a group whose check says Auth-Type := Reject', SETTINGS_USERS.disabled],
      ['an Expiration in the past', SETTINGS_USERS.expired],
      ['Simultaneous-Use := 1, with no session open', SETTINGS_USERS.single],
    ])('a member with %s (%s) gets the same answer by each method', async (_what, username) => {
      for (const m of METHODS) {
        const answers = await both(m, username, SETTINGS_PASSWORD(username));
        expect({ method: m, ...answers.radassoc }).toEqual({ method: m, ...answers.freeradius });
      }
    });

    it('an Expiration ahead lets both in; FreeRADIUS alone caps Session-Timeout to it', async () => {
      const username = SETTINGS_USERS.expiring;
      for (const m of METHODS) {
        const answers = await both(m, username, SETTINGS_PASSWORD(username));
        expect([answers.freeradius.decision, answers.radassoc.decision]).toEqual(['accept', 'accept']);
        // By design: rlm_expiration adds Session-Timeout = the seconds left until the Expiration
        // (here decades); radassoc keeps the date as the member's paid-until, after which its
        // daily dues job suspends the member (past the grace days), and caps no session by it.
        const timeout = answers.freeradius.attributes.find((a) => a.startsWith('Session-Timeout='));
        const left = (Date.UTC(2099, 0, 1) - Date.now()) / 1000;
        expect(Math.abs(Number(timeout?.split('=')[1]) - left)).toBeLessThan(120);
        expect(answers.radassoc).toEqual({
          ...answers.freeradius,
          attributes: answers.freeradius.attributes.filter((a) => a !== timeout),
        });
      }
    });

    it('Simultaneous-Use := 1: a second login is refused by both while a session is open, then allowed after its Stop', async () => {
      const username = SETTINGS_USERS.single;
      const open: AccountedSession = { username, sessionId: 'simul-0001', start: new Date(), stop: null, inputOctets: 0n, outputOctets: 0n };
      for (const port of [freeradius!.acct, radassoc!.acct]) await sendSession(nas!, port, open, []);
      const during = await both('pap', username, SETTINGS_PASSWORD(username));
      expect([during.freeradius.decision, during.radassoc.decision]).toEqual(['reject', 'reject']);
      const stopped: AccountedSession = { ...open, stop: new Date(open.start.getTime() + 60_000), inputOctets: 10n, outputOctets: 20n };
      for (const port of [freeradius!.acct, radassoc!.acct]) await sendStop(nas!, port, stopped);
      const after = await both('pap', username, SETTINGS_PASSWORD(username));
      expect(after.radassoc).toEqual(after.freeradius);
      expect(after.radassoc.decision).toBe('accept');
    });

    it('FreeRADIUS recorded in radacct what the NAS sent, Gigawords included', async () => {
      const month = billingMonth();
      const expected = new Map<string, UsageSums>();
      for (const s of sent) {
        if (s.stop === null || s.start < month.start || s.start >= month.end) continue;
        const e = expected.get(s.username) ?? { sessions: 0, seconds: 0n, input: 0n, output: 0n };
        e.sessions += 1;
        e.seconds += BigInt((s.stop.getTime() - s.start.getTime()) / 1000);
        e.input += s.inputOctets;
        e.output += s.outputOctets;
        expected.set(s.username, e);
      }
      expect(expected.size).toBeGreaterThan(0);
      expect(await radacctSums(source!.db, month)).toEqual(expected);
    });

    it('the billing export for the month equals the radacct sums to the octet', async () => {
      const month = billingMonth();
      const csv = await cli.ok(['export', '--from', month.from, '--to', month.to]);
      expect(exportSums(csv)).toEqual(await radacctSums(source!.db, month));
    });
  });
}

/** A Stop alone, for a session whose Start was sent already. */
export async function sendStop(nas: SimulatedNas, acctPort: number, s: AccountedSession): Promise<void> {
  if (s.stop === null) throw new Error('a Stop needs a stop time');
  await sendSession(nas, acctPort, s, [], { startSent: true });
}
