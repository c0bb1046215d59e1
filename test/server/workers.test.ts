/**
 * `radassoc serve --workers 2` as a real process tree (bin/radassoc.js, built
 * by `npm test`) against real PostgreSQL and Redis: the workers answer on the
 * same ports, /metrics adds up every worker's counters, a worker killed with
 * SIGKILL is replaced while answers keep coming, and SIGTERM stops everything
 * with exit code 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deriveCredential } from '../../src/auth/credentials.js';
import { insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { ALL_AUTH_METHODS } from '../../src/domain/member.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { freshDb } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { freePort } from '../support/services.js';
import { tempDir } from '../support/temp.js';
import { runCli } from '../admin/cli-harness.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const BIN = fileURLToPath(new URL('../../bin/radassoc.js', import.meta.url));
const SECRET = 'a-shared-secret-of-32-octets-ok!';

interface Daemon {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function serve(args: string[], env: NodeJS.ProcessEnv): Daemon {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

/** Direct children of `pid` (Linux /proc), oldest first. */
function childrenOf(pid: number): number[] {
  const found: Array<[number, number]> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) found.push([Number(name), Number(fields[19])]);
    } catch {
      /* gone meanwhile */
    }
  }
  return found.sort((a, b) => a[1] - b[1]).map(([p]) => p);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The supervisor's JSON log lines with this message. */
const lines = (d: Daemon, msg: string): Array<Record<string, unknown>> =>
  d
    .output()
    .split('\n')
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

let url: string;
let authPort: number;
let httpPort: number;
let acctPort: number;
let configFile: string;
let d: Daemon;
let nas: SimulatedNas;

const pap = { code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'alice'), attr(Attr.UserPassword, 'alice-pass')] };

/** The whole server's answered requests and how many workers the scrape added up. */
async function scrape(): Promise<{ answered: number; workers: number }> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const values = (name: string): number[] =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
  return { answered: values('radassoc_requests_answered_total').reduce((a, b) => a + b, 0), workers: values('radassoc_workers_scraped')[0] ?? 0 };
}

/** Like a NAS: a request is retransmitted until answered (a dying worker may take one with it). */
async function authenticate(): Promise<number | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { response } = await nas.request(pap, authPort, { timeoutMs: 1000 });
    if (response) return response.code;
  }
  return undefined;
}

/** One after the other: SimulatedNas matches an answer to the one request it waits for. */
async function authenticateMany(n: number): Promise<Array<number | undefined>> {
  const codes: Array<number | undefined> = [];
  for (let i = 0; i < n; i++) codes.push(await authenticate());
  return codes;
}

beforeAll(async () => {
  const fresh = await freshDb();
  url = fresh.url;
  await insertNas(fresh.db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
  await insertMember(fresh.db, DEFAULT_TENANT_ID, { username: 'alice', credential: deriveCredential('alice-pass', ALL_AUTH_METHODS), authMethods: [...ALL_AUTH_METHODS] });
  await fresh.db.close();
  authPort = await freePort();
  acctPort = await freePort();
  httpPort = await freePort();
  // The minute's flush job (slot 0) would race the CLI's flush in the metrics test: once a year here.
  configFile = join(tempDir('radassoc-workers-config-'), 'radassoc.json');
  writeFileSync(configFile, JSON.stringify({ accounting: { flushCron: '0 0 1 1 *' } }), { mode: 0o600 });
  d = serve(
    ['--workers', '2', '--auth-port', String(authPort), '--acct-port', String(acctPort), '--bind', '127.0.0.1', '--http-port', String(httpPort), '--data-dir', tempDir('radassoc-workers-'), '--config', configFile],
    { ...process.env, DATABASE_URL: url, REDIS_URL: inject('redisUrl'), LOG_LEVEL: 'info' },
  );
  await waitFor('every worker serving', () => lines(d, 'radassoc serving').some((l) => l.workers === 2) || d.child.exitCode !== null);
  if (d.child.exitCode !== null) throw new Error(`serve --workers 2 exited:\n${d.output()}`);
  nas = await SimulatedNas.open(SECRET, '127.0.0.1');
});

afterAll(async () => {
  nas?.close();
  if (d && d.child.exitCode === null && d.child.signalCode === null) {
    for (const pid of childrenOf(d.child.pid ?? 0)) process.kill(pid, 'SIGKILL');
    d.child.kill('SIGKILL');
    await d.exited;
  }
});

describe('serve --workers 2', () => {
  it('runs two workers on the same ports, the scheduled jobs in one of them', async () => {
    expect(childrenOf(d.child.pid ?? 0)).toHaveLength(2);
    const serving = lines(d, 'worker serving');
    expect(serving.map((l) => l.slot).sort()).toEqual([0, 1]);
    expect(serving.filter((l) => l.jobs === true).map((l) => l.slot)).toEqual([0]);
    expect(await authenticateMany(20)).toEqual(Array(20).fill(PacketCode.AccessAccept));
  });

  it('serves /healthz on the loopback HTTP port shared by the workers', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      expect(res.status).toBe(200);
    }
  });

  it('counts every worker\'s requests on /metrics, whichever worker answers the scrape', async () => {
    const before = await scrape();
    expect(before.workers).toBe(2);
    const n = 40;
    expect(await authenticateMany(n)).toEqual(Array(n).fill(PacketCode.AccessAccept));
    // Several scrapes: the shared HTTP port hands them to either worker; all must see the whole server.
    for (let i = 0; i < 4; i++) {
      const after = await scrape();
      expect(after.workers).toBe(2);
      expect(after.answered - before.answered).toBe(n);
    }
  });

  it('shows the shared store\'s live sessions and flush backlog once, not once per worker, as the CLI finds them', async () => {
    const cli = (args: string[]) => runCli([...args, '--config', configFile], { databaseUrl: url, env: { REDIS_URL: inject('redisUrl') } });
    const acct = (status: number, id: string) => ({ code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, status), attr(Attr.AcctSessionId, id), attr(Attr.UserName, 'alice')] });
    for (const id of ['W1', 'W2', 'W3', 'W4', 'W5']) expect((await nas.request(acct(1, id), acctPort, { timeoutMs: 3000 })).response?.code).toBe(PacketCode.AccountingResponse);
    for (const id of ['W1', 'W2']) expect((await nas.request(acct(2, id), acctPort, { timeoutMs: 3000 })).response?.code).toBe(PacketCode.AccountingResponse);
    const listed = await cli(['sessions', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const open = (JSON.parse(listed.stdout) as unknown[]).length;
    expect(open).toBe(3);
    const gauge = (text: string, name: string): number | undefined => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    };
    // Either worker may answer the scrape; each reads the same Redis, and the whole server's figure is that one.
    for (let i = 0; i < 4; i++) {
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      expect(gauge(text, 'radassoc_workers_scraped')).toBe(2);
      expect(gauge(text, 'radassoc_live_sessions')).toBe(open);
      expect(gauge(text, 'radassoc_flush_backlog_sessions')).toBe(2);
    }
    const flushed = await cli(['flush', '--json']);
    expect(flushed.code, flushed.stderr).toBe(0);
    expect((JSON.parse(flushed.stdout) as { finished: number }).finished).toBe(2);
    const after = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(gauge(after, 'radassoc_flush_backlog_sessions')).toBe(0);
    expect(gauge(after, 'radassoc_live_sessions')).toBe(open);
  });

  it('replaces a worker killed with SIGKILL, and keeps answering meanwhile', async () => {
    const before = childrenOf(d.child.pid ?? 0);
    const victim = before[0]!;
    process.kill(victim, 'SIGKILL');
    // Answers continue while the worker is gone and while its replacement starts.
    const during = await authenticateMany(10);
    expect(during).toEqual(Array(10).fill(PacketCode.AccessAccept));
    await waitFor('a replacement worker', () => {
      const now = childrenOf(d.child.pid ?? 0);
      return now.length === 2 && !now.includes(victim);
    });
    expect(lines(d, 'worker died; restarting it').map((l) => l.workerPid)).toContain(victim);
    await waitFor('the replacement serving', () => lines(d, 'worker serving').length >= 3);
    expect(await authenticateMany(20)).toEqual(Array(20).fill(PacketCode.AccessAccept));
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    const workers = childrenOf(d.child.pid ?? 0);
    expect(workers).toHaveLength(2);
    d.child.kill('SIGTERM');
    const { code, signal } = await d.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    await waitFor('the workers gone', () => workers.every((p) => !alive(p)), 5000);
    expect(lines(d, 'every worker stopped')).toHaveLength(1);
  });

  it('refuses several workers on the embedded database, saying what to set', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    delete env.RADASSOC_CONFIG;
    const r = serve(['--workers', '2', '--http-port', '0', '--data-dir', tempDir('radassoc-workers-embedded-')], env);
    const { code } = await r.exited;
    expect(code).toBe(1);
    expect(r.output()).toMatch(/--workers 2 .*needs PostgreSQL and Redis.*set DATABASE_URL and REDIS_URL.*--workers 1/);
  });
});
