/**
 * Starts `node bin/radassoc.js serve` as a separate process (what an admin
 * runs), measures start-up (spawn → first answer to Status-Server, and for
 * --workers N the supervisor's "radassoc serving" line), reads its memory
 * from /proc, and stops it with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRequest } from '../../src/protocol/encode.js';
import { PacketCode } from '../../src/protocol/codes.js';
import { childrenOf, memoryOf, sleep } from './proc.js';

export interface RadassocOptions {
  repo: string;
  databaseUrl: string;
  redisUrl: string;
  authPort: number;
  acctPort: number;
  dataDir: string;
  /** Secret of the NAS for 127.0.0.1, for the Status-Server probe. */
  secret: string;
  workers: number;
  /** The HTTP API's port (serve --web-port): each daemon needs its own; left out for a baseline from before the API. */
  webPort?: number;
  logFile: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  logLevel?: string;
  readyTimeoutMs?: number;
}

export interface ProcessMemory {
  pid: number;
  role: 'daemon' | 'supervisor' | 'worker';
  rssMb: number;
  hwmMb: number;
}

export interface RadassocHandle {
  pid: number;
  /** Spawn → serving on every worker, ms. */
  startupMs: number;
  memory(): ProcessMemory[];
  /** SIGTERM, then waits for the exit (SIGKILL after timeoutMs). */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; forced: boolean }>;
  child: ChildProcess;
}

/** Sends Status-Server (with Message-Authenticator, RFC 5997) and waits for any answer. */
export async function statusServer(port: number, secret: string, timeoutMs: number): Promise<boolean> {
  const sock = createSocket('udp4');
  try {
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    const answered = new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      sock.once('message', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    const pkt = encodeRequest({ code: PacketCode.StatusServer, identifier: 1, attributes: [] }, secret);
    sock.send(pkt, port, '127.0.0.1');
    return await answered;
  } finally {
    sock.close();
  }
}

export async function startRadassoc(o: RadassocOptions): Promise<RadassocHandle> {
  const args = [
    ...(o.nodeArgs ?? []),
    join(o.repo, 'bin', 'radassoc.js'),
    'serve',
    '--auth-port', String(o.authPort),
    '--acct-port', String(o.acctPort),
    '--bind', '127.0.0.1',
    '--http-port', '0',
    '--data-dir', o.dataDir,
    ...(o.webPort === undefined ? [] : ['--web-port', String(o.webPort)]),
    ...(o.workers > 1 ? ['--workers', String(o.workers)] : []),
  ];
  const fd = openSync(o.logFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: o.repo,
    stdio: ['ignore', fd, fd],
    env: {
      ...process.env,
      DATABASE_URL: o.databaseUrl,
      REDIS_URL: o.redisUrl,
      LOG_LEVEL: o.logLevel ?? 'info',
      // The bench measures the RADIUS path, and runs several daemons at once: no HTTP API, whose port they would share.
      // The environment rather than --web-port, which a baseline from before the API would refuse.
      RADASSOC_API_PORT: '0',
    },
  });
  closeSync(fd);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  const fail = async (why: string): Promise<never> => {
    if (!exited) {
      child.kill('SIGKILL');
      await exitPromise;
    }
    const tail = readFileSync(o.logFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`radassoc did not start (${why}); last lines of ${o.logFile}:\n${tail}`);
  };
  // Listening: the first answer to Status-Server.
  for (;;) {
    if (exited) return fail(`exited with ${JSON.stringify(exited)}`);
    if (Date.now() > deadline) return fail('timeout');
    if (await statusServer(o.authPort, o.secret, 25)) break;
  }
  // Several workers: the supervisor says when every one of them serves.
  if (o.workers > 1) {
    for (;;) {
      if (exited) return fail(`exited with ${JSON.stringify(exited)}`);
      if (Date.now() > deadline) return fail('timeout waiting for every worker');
      if (/"workers":\d+[^\n]*"msg":"radassoc serving"/.test(readFileSync(o.logFile, 'utf8'))) break;
      await sleep(10);
    }
  }
  const startupMs = performance.now() - started;
  const pid = child.pid ?? 0;
  return {
    pid,
    startupMs,
    child,
    memory(): ProcessMemory[] {
      if (o.workers <= 1) return [{ pid, role: 'daemon', ...memoryOf(pid) }];
      return [
        { pid, role: 'supervisor', ...memoryOf(pid) },
        ...childrenOf(pid).map((c) => ({ pid: c, role: 'worker' as const, ...memoryOf(c) })),
      ];
    },
    async stop(timeoutMs = 30_000) {
      const t0 = performance.now();
      if (exited) return { ...(exited as { code: number | null; signal: NodeJS.Signals | null }), ms: 0, forced: false };
      child.kill('SIGTERM');
      let forced = false;
      const timer = setTimeout(() => {
        forced = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      const r = await exitPromise;
      clearTimeout(timer);
      return { ...r, ms: performance.now() - t0, forced };
    },
  };
}
