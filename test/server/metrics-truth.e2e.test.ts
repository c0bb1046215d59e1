/**
 * /metrics against the CLI's own figures: radassoc_live_sessions against the
 * sessions `radassoc sessions --json` lists, radassoc_flush_backlog_sessions
 * against the finished sessions `radassoc flush --json` then writes, and the
 * answers by result against what a simulated NAS sent and got back. With
 * Redis (an in-process daemon, the CLI as a child process) and on the
 * embedded default (the real binary, the CLI through its control route). A
 * hung Redis shows NaN at once rather than a stale figure or a hung scrape;
 * datagrams met during shutdown are counted as 'shutting-down'.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveCredential } from '../../src/auth/credentials.js';
import { insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { ALL_AUTH_METHODS } from '../../src/domain/member.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import type { RawAttribute } from '../../src/protocol/packet.js';
import { runCli } from '../admin/cli-harness.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { freePort, startRedis, type RedisServer } from '../support/services.js';
import { tempDir } from '../support/temp.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const BIN = fileURLToPath(new URL('../../bin/radassoc.js', import.meta.url));
const SECRET = 'metrics-truth-secret-0123456789!';

/** One sample of the Prometheus text: `name{labels} value`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(',') : [];
    if (want.length === have.length && want.every((l) => have.includes(l))) return Number(m[3]);
  }
  return undefined;
}

async function scrape(httpPort: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

type Results = { access: Record<'accept' | 'reject' | 'challenge', number>; accounting: Record<'stored' | 'not-stored', number>; status: Record<'accept' | 'response', number> };

const acct = (status: number, id: string | null, extra: RawAttribute[] = []): { code: PacketCode; attributes: RawAttribute[] } => ({
  code: PacketCode.AccountingRequest,
  attributes: [attr(Attr.AcctStatusType, status), ...(id === null ? [] : [attr(Attr.AcctSessionId, id)]), attr(Attr.UserName, 'alice'), ...extra],
});

/**
 * What a NAS does in a few minutes: logins that work and fail, sessions that
 * start (and one that stops), a record without Acct-Session-Id, Status-Server
 * on both ports. Returns what came back, counted the way /metrics should.
 */
async function traffic(nas: SimulatedNas, ports: { auth: number; acct: number }, ids: string[]): Promise<Results> {
  const got: Results = { access: { accept: 0, reject: 0, challenge: 0 }, accounting: { stored: 0, 'not-stored': 0 }, status: { accept: 0, response: 0 } };
  const access = async (password: string): Promise<void> => {
    const { response } = await nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'alice'), attr(Attr.UserPassword, password)] }, ports.auth, { timeoutMs: 3000 });
    if (response?.code === PacketCode.AccessAccept) got.access.accept++;
    if (response?.code === PacketCode.AccessReject) got.access.reject++;
    if (response?.code === PacketCode.AccessChallenge) got.access.challenge++;
  };
  for (const pw of ['alice-pass', 'wrong-pass', 'alice-pass', 'alice-pass', 'wrong-again']) await access(pw);
  const accounted = async (spec: ReturnType<typeof acct>, result: 'stored' | 'not-stored'): Promise<void> => {
    const { response } = await nas.request(spec, ports.acct, { timeoutMs: 3000 });
    if (response?.code === PacketCode.AccountingResponse) got.accounting[result]++;
  };
  for (const id of ids) await accounted(acct(1, id), 'stored');
  await accounted(acct(2, ids[0]!, [attr(Attr.AcctSessionTime, 60), attr(Attr.AcctInputOctets, 1000), attr(Attr.AcctOutputOctets, 2000)]), 'stored');
  await accounted(acct(1, null), 'not-stored');
  for (const [port, code, result] of [[ports.auth, PacketCode.AccessAccept, 'accept'], [ports.acct, PacketCode.AccountingResponse, 'response']] as const) {
    const { response } = await nas.request({ code: PacketCode.StatusServer, attributes: [] }, port, { timeoutMs: 3000 });
    if (response?.code === code) got.status[result]++;
  }
  return got;
}

/** Every answered series of the scrape, in the same shape as what the NAS got. */
function answered(text: string): Results {
  const n = (kind: string, result: string): number => sample(text, 'radassoc_requests_answered_total', { kind, result }) ?? -1;
  return {
    access: { accept: n('access', 'accept'), reject: n('access', 'reject'), challenge: n('access', 'challenge') },
    accounting: { stored: n('accounting', 'stored'), 'not-stored': n('accounting', 'not-stored') },
    status: { accept: n('status', 'accept'), response: n('status', 'response') },
  };
}

/** The gauges against the CLI: sessions listed, then the flush and what it wrote. */
async function checkGaugesAgainstCli(httpPort: number, cli: (args: string[]) => ReturnType<typeof runCli>, open: number, finished: number): Promise<void> {
  const before = await scrape(httpPort);
  const listed = await cli(['sessions', '--json']);
  expect(listed.code, listed.stderr).toBe(0);
  const sessions = JSON.parse(listed.stdout) as unknown[];
  expect(sessions).toHaveLength(open);
  expect(sample(before, 'radassoc_live_sessions')).toBe(sessions.length);
  expect(sample(before, 'radassoc_flush_backlog_sessions')).toBe(finished);

  const flushed = await cli(['flush', '--json']);
  expect(flushed.code, flushed.stderr).toBe(0);
  const report = JSON.parse(flushed.stdout) as { finished: number; sessions: number };
  expect(report.finished).toBe(finished);
  expect(report.sessions).toBeGreaterThanOrEqual(open + finished);
  const after = await scrape(httpPort);
  expect(sample(after, 'radassoc_flush_backlog_sessions')).toBe(0);
  expect(sample(after, 'radassoc_live_sessions')).toBe(open);
}

describe('/metrics with Redis tells what the CLI tells', () => {
  let t: TestDaemon;
  let redis: RedisServer;
  let httpPort: number;
  let configFile: string;
  let url: string;

  beforeAll(async () => {
    const fresh = await freshDb();
    url = fresh.url;
    await insertNas(fresh.db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
    await insertMember(fresh.db, DEFAULT_TENANT_ID, { username: 'alice', credential: deriveCredential('alice-pass', ALL_AUTH_METHODS), authMethods: [...ALL_AUTH_METHODS] });
    await fresh.db.close();
    redis = await startRedis();
    httpPort = await freePort();
    t = await startTestDaemon(url, { httpPort, redisUrl: redis.url });
    // The CLI reads the same Redis keys: same prefix, through its config file.
    configFile = join(tempDir('radassoc-metrics-cli-'), 'radassoc.json');
    writeFileSync(configFile, JSON.stringify({ redisKeyPrefix: t.config.redisKeyPrefix }), { mode: 0o600 });
  });

  afterAll(async () => {
    await t?.stop();
    await redis?.destroy();
  });

  const cli = (args: string[]): ReturnType<typeof runCli> => runCli([...args, '--config', configFile], { databaseUrl: url, env: { REDIS_URL: redis.url } });

  it('counts answers by result as the NAS received them, and live sessions and the flush backlog as the CLI finds them', async () => {
    const nas = await SimulatedNas.open(SECRET);
    const got = await traffic(nas, t, ['R1', 'R2', 'R3', 'R4']);
    nas.close();
    expect(got).toEqual({ access: { accept: 3, reject: 2, challenge: 0 }, accounting: { stored: 5, 'not-stored': 1 }, status: { accept: 1, response: 1 } });
    expect(answered(await scrape(httpPort))).toEqual(got);
    await checkGaugesAgainstCli(httpPort, cli, 3, 1);
  });

  it('shows NaN for the store-wide gauges at once when Redis hangs, and the figures again once it answers', async () => {
    await redis.pause();
    try {
      const t0 = Date.now();
      const text = await scrape(httpPort);
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(sample(text, 'radassoc_live_sessions')).toBeNaN();
      expect(sample(text, 'radassoc_flush_backlog_sessions')).toBeNaN();
      expect(text).toMatch(/# HELP radassoc_live_sessions .*NaN when it could not be read/);
    } finally {
      await redis.resume();
    }
    const end = Date.now() + 10_000;
    let live = NaN;
    while (Number.isNaN(live) && Date.now() < end) live = sample(await scrape(httpPort), 'radassoc_live_sessions') ?? NaN;
    expect(live).toBe(3);
  });
});

describe('shutdown', () => {
  it('counts datagrams read after stop began, and requests in flight it gave up on, as shutting-down', async () => {
    const fresh = await freshDb();
    await insertNas(fresh.db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
    await fresh.db.close();
    const redis = await startRedis();
    const t = await startTestDaemon(fresh.url, { redisUrl: redis.url }, { drainMs: 300 });
    const nas = await SimulatedNas.open(SECRET);
    const late = await SimulatedNas.open(SECRET);
    try {
      // Redis hangs: this Accounting-Request stays in flight (the store answers only after 2 s).
      await redis.pause();
      const inFlight = nas.request(acct(1, 'S1'), t.acct, { timeoutMs: 3000 });
      await new Promise((r) => setTimeout(r, 100));
      const stopped = t.daemon.stop();
      const lateAnswers = await Promise.all([1, 2, 3].map(() => late.request({ code: PacketCode.StatusServer, attributes: [] }, t.auth, { timeoutMs: 200 })));
      expect(lateAnswers.map((a) => a.response)).toEqual([null, null, null]);
      // Past drainMs the daemon has given up on the request; Redis comes back and stop() can close its connections.
      await new Promise((r) => setTimeout(r, 300));
      const m = t.daemon.metrics;
      expect(m.unanswered['shutting-down']).toBe(1);
      await redis.resume();
      await stopped;
      expect((await inFlight).response).toBeNull();
      expect(m.drops['shutting-down']).toBe(3);
      // Counted once: the abandoned request, stored once Redis answered, is neither answered nor counted again.
      expect(m.unanswered['shutting-down']).toBe(1);
      expect(m.unanswered['storage-unavailable']).toBe(0);
      expect(m.answered.get('accounting')).toBe(0);
    } finally {
      nas.close();
      late.close();
      await t.db.close();
      await redis.destroy();
    }
  });
});

describe('/metrics on the embedded default tells what the CLI tells', () => {
  let daemon: ChildProcess | undefined;
  afterAll(() => {
    daemon?.kill('SIGKILL');
  });

  it('live sessions, flush backlog and answers by result', { timeout: 120_000 }, async () => {
    const dataDir = tempDir('radassoc-metrics-embedded-');
    const [auth, acctPort, http, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = { ...process.env };
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'RADASSOC_CONFIG', 'RADASSOC_DATA_DIR']) delete env[k];
    const configFile = join(dataDir, 'radassoc.json');
    // The minute's flush job would race the CLI's flush: it runs once a year here.
    writeFileSync(configFile, JSON.stringify({ embeddedDbPort: pgPort, accounting: { flushCron: '0 0 1 1 *' } }), { mode: 0o600 });
    const child = spawn(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--config', configFile, '--auth-port', String(auth), '--acct-port', String(acctPort), '--http-port', String(http)], { env });
    daemon = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`daemon not serving within 60 s:\n${out}`)), 60_000);
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (/radassoc serving/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
    });
    const cli = (args: string[]): ReturnType<typeof runCli> => runCli([...args, '--data-dir', dataDir, '--config', configFile]);
    const add = await cli(['member', 'add', 'alice', '--password', 'alice-pass']);
    expect(add.code, add.stderr).toBe(0);
    const secret = readFileSync(join(dataDir, 'localhost.secret'), 'utf8').trim();
    const nas = await SimulatedNas.open(secret);
    // The daemon hears of the new member through NOTIFY: wait until alice logs in.
    for (let i = 0; i < 50; i++) {
      const { response } = await nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'alice'), attr(Attr.UserPassword, 'alice-pass')] }, auth);
      if (response?.code === PacketCode.AccessAccept) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = answered(await scrape(http));
    const got = await traffic(nas, { auth, acct: acctPort }, ['E1', 'E2', 'E3']);
    nas.close();
    expect(got).toEqual({ access: { accept: 3, reject: 2, challenge: 0 }, accounting: { stored: 4, 'not-stored': 1 }, status: { accept: 1, response: 1 } });
    const after = answered(await scrape(http));
    const delta = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => Object.fromEntries(Object.keys(a).map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)]));
    expect({ access: delta(after.access, before.access), accounting: delta(after.accounting, before.accounting), status: delta(after.status, before.status) }).toEqual(got);
    await checkGaugesAgainstCli(http, cli, 2, 1);

    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    daemon = undefined;
  });
});
