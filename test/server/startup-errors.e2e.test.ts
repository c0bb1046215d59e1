/**
 * `radassoc serve` refusing to start, as an operator meets it: the real
 * binary, a real port held by another socket, a real directory it may not
 * write, a real closed Redis port. Each refusal is one line on stderr that
 * names what is wrong and what to change, says each thing once, carries no
 * stack trace and no password, and exits non-zero.
 */
import { spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../support/database.js';
import { freePort } from '../support/services.js';
import { tempDir } from '../support/temp.js';
import { runCli } from '../admin/cli-harness.js';

const BIN = fileURLToPath(new URL('../../bin/radassoc.js', import.meta.url));

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function serve(args: string[], env: Record<string, string> = {}, as?: { uid: number; gid: number }): Promise<Exit> {
  const base = { ...process.env };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'RADASSOC_CONFIG', 'RADASSOC_DATA_DIR', 'LOG_LEVEL']) delete base[k];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...as });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`radassoc serve did not exit; stderr so far:\n${stderr}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** One line, no stack trace, no "error: error:". */
function expectOneLine(r: Exit): void {
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\bat .*\.js:\d+|unexpected error|error: .*error:/i);
}

const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;

const holders: Array<UdpSocket | Server> = [];
afterEach(async () => {
  await Promise.all(holders.splice(0).map((h) => new Promise<void>((resolve) => h.close(() => resolve()))));
});

/** Holds a UDP port on 127.0.0.1; resolves also when someone else holds it already (it is taken either way). */
function holdUdp(port: number): Promise<void> {
  const s = createSocket('udp4');
  return new Promise((resolve) => {
    s.once('error', () => resolve());
    s.bind(port, '127.0.0.1', () => {
      holders.push(s);
      resolve();
    });
  });
}

async function holdTcp(port: number): Promise<void> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve());
  });
  holders.push(s);
}

/** serve on PostgreSQL (fast to start), loopback only, free ports unless given. */
async function serveOnPostgres(ports: { auth?: number; acct?: number; http?: number }, env: Record<string, string> = {}): Promise<Exit> {
  const auth = ports.auth ?? (await freePort());
  const acct = ports.acct ?? (await freePort());
  const http = ports.http ?? 0;
  const args = ['--bind', '127.0.0.1', '--auth-port', String(auth), '--acct-port', String(acct), '--http-port', String(http), '--data-dir', tempDir('radassoc-startup-')];
  return serve(args, { DATABASE_URL: await freshDatabaseUrl(), ...env });
}

describe('a port already taken', () => {
  it('authentication on 1812: names the port, FreeRADIUS, and --auth-port / authPort', async () => {
    await holdUdp(1812);
    const r = await serveOnPostgres({ auth: 1812 });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'radassoc: UDP port 1812 on 127.0.0.1 (RADIUS authentication) is already in use: FreeRADIUS may be running (systemctl stop freeradius), ' +
        'or another radassoc daemon; stop it, or choose another port with --auth-port or authPort in the config file\n',
    );
    expectOneLine(r);
    expect(occurrences(r.stderr, '1812')).toBe(1);
  });

  it('accounting on another port: names it, another radassoc, and --acct-port / acctPort', async () => {
    const acct = await freePort();
    await holdUdp(acct);
    const r = await serveOnPostgres({ acct });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `radassoc: UDP port ${acct} on 127.0.0.1 (RADIUS accounting) is already in use: another radassoc daemon may be running; ` +
        'stop it, or choose another port with --acct-port or acctPort in the config file\n',
    );
    expectOneLine(r);
  });

  it('HTTP /metrics: names the port and --http-port / httpPort', async () => {
    const http = await freePort();
    await holdTcp(http);
    const r = await serveOnPostgres({ http });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `radassoc: TCP port ${http} on 127.0.0.1 (HTTP /metrics and /healthz) is already in use: another radassoc daemon may be running; ` +
        'stop it, or choose another port with --http-port or httpPort in the config file (0 disables it)\n',
    );
    expectOneLine(r);
    expect(occurrences(r.stderr, String(http))).toBe(1);
  });

  it('the embedded database port: names embeddedDbPort, and refuses before creating the database', async () => {
    const pgPort = await freePort();
    await holdTcp(pgPort);
    const dataDir = tempDir('radassoc-startup-embedded-');
    const configFile = join(dataDir, 'radassoc.json');
    writeFileSync(configFile, JSON.stringify({ embeddedDbPort: pgPort }), { mode: 0o600 });
    const r = await serve(['--data-dir', dataDir, '--config', configFile, '--bind', '127.0.0.1', '--auth-port', '0', '--acct-port', '0', '--http-port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `radassoc: TCP port ${pgPort} on 127.0.0.1 (the embedded database, served to the CLI) is already in use: ` +
        'another radassoc daemon with another data directory, or a PostgreSQL server, may be running; ' +
        'stop it, or choose another port with embeddedDbPort in the config file (--config FILE or RADASSOC_CONFIG)\n',
    );
    expectOneLine(r);
    expect(existsSync(join(dataDir, 'pgdata'))).toBe(false);
    expect(existsSync(join(dataDir, 'pgdata.lock'))).toBe(false);
  });

  it('the embedded database of this data directory open elsewhere: names the process holding it', async () => {
    const dataDir = tempDir('radassoc-startup-locked-');
    // This test process stands for the radassoc already running there.
    writeFileSync(join(dataDir, 'pgdata.lock'), JSON.stringify({ pid: process.pid }));
    const r = await serve(['--data-dir', dataDir, '--bind', '127.0.0.1', '--auth-port', '0', '--acct-port', '0', '--http-port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `radassoc: the embedded database in ${dataDir} is already open in process ${process.pid} (another radassoc daemon or command); ` +
        'stop that process, or wait for it to finish, then try again\n',
    );
    expectOneLine(r);
  });
});

describe('a data directory radassoc may not write', () => {
  // As root, the daemon runs as nobody, as the Dockerfile's unprivileged user would; otherwise as ourselves.
  const root = process.getuid?.() === 0;
  const as = root ? { uid: 65534, gid: 65534 } : undefined;
  const uid = as?.uid ?? process.getuid?.() ?? -1;
  const user = `(?:user \\S+ \\(uid ${uid}\\)|uid ${uid})`;
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  function readOnlyDir(): string {
    const dir = tempDir('radassoc-startup-ro-');
    chmodSync(dir, root ? 0o755 : 0o555);
    return dir;
  }

  it('names the directory, the user, and the chown that fixes a bind mount', async () => {
    const dir = readOnlyDir();
    const r = await serve(['--data-dir', dir, '--bind', '127.0.0.1', '--auth-port', '0', '--acct-port', '0', '--http-port', '0'], {}, as);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^radassoc: the data directory ${escape(dir)} is not writable by ${user}; give that user write access ` +
          `\\(chown -R ${uid} ${escape(dir)}; with Docker, chown the bind-mounted host directory to uid ${uid}\\), ` +
          'or choose another directory with --data-dir or RADASSOC_DATA_DIR\n$',
      ),
    );
    expectOneLine(r);
  });

  it('names the parent that keeps it from being created', async () => {
    const parent = readOnlyDir();
    const dir = join(parent, 'radassoc-data');
    const r = await serve(['--data-dir', dir, '--bind', '127.0.0.1', '--auth-port', '0', '--acct-port', '0', '--http-port', '0'], {}, as);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^radassoc: cannot create the data directory ${escape(dir)}: ${escape(parent)} is not writable by ${user}; .*chown -R ${uid} ${escape(parent)};`));
    expectOneLine(r);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('a DATABASE_URL that is not PostgreSQL', () => {
  const PASSWORD = 'Mq7vRt2pXz9w';

  it('says the scheme is not supported and that radassoc stores in PostgreSQL, without echoing the URL', async () => {
    const url = `mysql://radius:${PASSWORD}@db.example.org:3306/radius`;
    const expected =
      'radassoc: databaseUrl uses mysql://, which is not supported: radassoc stores its data in PostgreSQL; ' +
      'give a postgres:// or postgresql:// URL (from environment DATABASE_URL)\n';
    const r = await serve(['--data-dir', tempDir('radassoc-startup-mysql-')], { DATABASE_URL: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(expected);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(r.stderr).not.toContain('db.example.org');
    const cli = await runCli(['member', 'list'], { databaseUrl: url });
    expect(cli).toMatchObject({ code: 1, stdout: '', stderr: expected });
  });

  it('says so when it is no URL at all', async () => {
    const r = await runCli(['member', 'list'], { databaseUrl: `radius:${PASSWORD}@db.example.org` });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('radassoc: databaseUrl is not a URL: give postgres://USER:PASSWORD@HOST:5432/DATABASE (from environment DATABASE_URL)\n');
  });

  it('accepts postgresql:// as well as postgres://', async () => {
    const url = (await freshDatabaseUrl()).replace(/^postgres:/, 'postgresql:');
    const r = await runCli(['migrate'], { databaseUrl: url });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('Redis unreachable at start', () => {
  it('names host and port, never the password, and exits 2', async () => {
    const port = await freePort();
    const password = 'Hs8kLw3nVq6e';
    const r = await serveOnPostgres({}, { REDIS_URL: `redis://:${password}@127.0.0.1:${port}/0` });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`radassoc: cannot reach Redis at 127.0.0.1:${port}: connect ECONNREFUSED; check REDIS_URL and that Redis runs\n`);
    expectOneLine(r);
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(r.ms).toBeLessThan(20_000);
  });
});

describe('PostgreSQL unreachable at start', () => {
  it('names host and port once', async () => {
    const port = await freePort();
    const r = await serve(['--data-dir', tempDir('radassoc-startup-pg-'), '--http-port', '0'], { DATABASE_URL: `postgres://radassoc:Zx4cVb7nMq1w@127.0.0.1:${port}/radassoc` });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`radassoc: cannot reach PostgreSQL at 127.0.0.1:${port}: connect ECONNREFUSED; check DATABASE_URL\n`);
    expect(r.stderr).not.toContain('Zx4cVb7nMq1w');
  });
});
