/**
 * A real MariaDB server for the suites that read a FreeRADIUS database on
 * MySQL/MariaDB: a datadir made by mariadb-install-db in a temporary
 * directory, mariadbd on a free loopback port with its socket in that
 * directory, started once per test file and destroyed afterwards.
 *
 * mariadbd runs with TZ=UTC: FreeRADIUS writes radacct's DATETIME columns
 * with NOW()/FROM_UNIXTIME(), in the server's time zone, so pinning it makes
 * the datetimes the suites expect independent of this machine's zone.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from './services.js';

export interface MariaDbServer {
  port: number;
  /** Runs statements as root over the socket (multiple statements allowed). */
  admin(sql: string, params?: unknown[]): Promise<unknown>;
  /** Creates a database and a user with a password that owns it, reachable over TCP. */
  createDatabase(name: string, user: string, password: string): Promise<{ url: string }>;
  destroy(): Promise<void>;
}

function binary(name: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`${name} not found: the test command installs it (apt-get install mariadb-server)`);
}

/** mariadbd refuses root: run it as Debian's mysql user then, as PostgreSQL runs as postgres. */
function serverUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = spawnSync('id', ['-u', 'mysql'], { encoding: 'utf8' }).stdout.trim();
  const gid = spawnSync('id', ['-g', 'mysql'], { encoding: 'utf8' }).stdout.trim();
  if (uid === '') throw new Error('running as root needs the mysql user (created by the mariadb-server package)');
  return { name: 'mysql', uid: Number(uid), gid: Number(gid) };
}

/** Small and fast: a test server holds a few hundred rows and never needs to survive a crash. */
const SERVER_OPTIONS = ['--innodb-log-file-size=8M', '--innodb-buffer-pool-size=32M', '--innodb-flush-log-at-trx-commit=0', '--skip-name-resolve', '--skip-log-bin'];

async function waitForSocket(socket: string, child: ChildProcess, log: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mariadbd exited ${child.exitCode}:\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    try {
      const c = await mysql.createConnection({ socketPath: socket, user: 'root' });
      await c.end();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`mariadbd did not answer within ${ms} ms:\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startMariaDb(): Promise<MariaDbServer> {
  const root = mkdtempSync(join(tmpdir(), 'radassoc-mariadb-'));
  const user = serverUser();
  if (user) chownSync(root, user.uid, user.gid);
  const dataDir = join(root, 'data');
  const socket = join(root, 'mysqld.sock');
  const log = join(root, 'error.log');
  const userArgs = user ? [`--user=${user.name}`] : [];
  const install = spawnSync(
    binary('mariadb-install-db'),
    ['--no-defaults', `--datadir=${dataDir}`, ...userArgs, '--auth-root-authentication-method=normal', '--skip-test-db', ...SERVER_OPTIONS],
    { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`);
  const port = await freePort();
  const child = spawn(
    binary('mariadbd'),
    ['--no-defaults', `--datadir=${dataDir}`, ...userArgs, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${socket}`,
      `--pid-file=${join(root, 'mysqld.pid')}`, `--log-error=${log}`, ...SERVER_OPTIONS],
    { stdio: 'ignore', env: { ...process.env, TZ: 'UTC' } },
  );
  await waitForSocket(socket, child, log, 30_000);

  const admin = async (sql: string, params: unknown[] = []): Promise<unknown> => {
    const c = await mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
    try {
      const [rows] = await c.query(sql, params);
      return rows;
    } finally {
      await c.end();
    }
  };
  return {
    port,
    admin,
    async createDatabase(name, dbUser, password) {
      await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
      // 127.0.0.1 as written: the server skips name resolution, so a 'localhost' account would not match TCP clients.
      await admin(`CREATE USER ?@'127.0.0.1' IDENTIFIED BY ?`, [dbUser, password]);
      await admin(`GRANT ALL PRIVILEGES ON \`${name}\`.* TO ?@'127.0.0.1'`, [dbUser]);
      return { url: `mysql://${encodeURIComponent(dbUser)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${name}` };
    },
    async destroy() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
