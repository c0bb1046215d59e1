/**
 * Real PostgreSQL and Redis servers for the tests, started on free loopback
 * ports in temporary directories and stopped afterwards. Nothing is mocked:
 * the suites talk to the same servers production uses.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Finds PostgreSQL's server binaries: PATH first, then Debian's versioned directories. */
export function pgBinDir(): string {
  const fromPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim();
  if (fromPath) return fromPath.replace(/\/pg_ctl$/, '');
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(base, v, 'bin', 'pg_ctl'))) return join(base, v, 'bin');
  }
  throw new Error('PostgreSQL server binaries not found (install postgresql or put pg_ctl on PATH)');
}

/** PostgreSQL refuses to run as root: run its tools as the postgres user then. */
function asPgUser(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
  return [cmd, args];
}

function pgOwner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
  return { uid: Number(id), gid: Number(gid) };
}

export interface PostgresServer {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server fast; the data directory stays for a later start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function run(cmd: string, args: string[]): void {
  const [c, a] = asPgUser(cmd, args);
  const r = spawnSync(c, a, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = pgBinDir();
  const root = mkdtempSync(join(tmpdir(), 'radassoc-pg-'));
  const owner = pgOwner();
  if (owner) chownSync(root, owner.uid, owner.gid);
  const dataDir = join(root, 'data');
  run(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const port = await freePort();
  const opts = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const server: PostgresServer = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async start() {
      run(join(bin, 'pg_ctl'), ['-D', dataDir, '-o', opts, '-l', join(root, 'log'), '-w', 'start']);
    },
    async stop() {
      run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    },
    async destroy() {
      try {
        await server.stop();
      } catch {
        /* already stopped */
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server (SIGKILL unless graceful); the AOF stays for start(). */
  stop(graceful?: boolean): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers (a hung server). */
  pause(): Promise<void>;
  /** SIGCONT after pause(). */
  resume(): Promise<void>;
}

export function redisServerBinary(): string {
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(p)) return p;
  const fromPath = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (fromPath) return fromPath;
  throw new Error('redis-server not found: the test command installs it (apt-get install redis-server)');
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Redis with appendonly yes / appendfsync always: what "stored" means in the design. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'radassoc-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn(
        redisServerBinary(),
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
          '--appendfsync', 'always', '--daemonize', 'no', '--protected-mode', 'no'],
        { stdio: 'ignore' },
      );
      await waitForPort(port, 10_000);
    },
    async stop(graceful = false) {
      const c = child;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill(graceful ? 'SIGTERM' : 'SIGKILL');
      });
      child = null;
    },
    async destroy() {
      await server.resume();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async pause() {
      child?.kill('SIGSTOP');
    },
    async resume() {
      child?.kill('SIGCONT');
    },
  };
  await server.start();
  return server;
}
