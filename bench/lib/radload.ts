/**
 * Runs the shared load generator (radload.c), or one of ours (mschap-load.ts
 * for MS-CHAPv2, pap-load.ts for PAP with realms; both print the same line),
 * and parses its last line:
 * "mode=auth sent=N accept=N reject=N acct=N status=N bad_auth=N unexpected=N
 *  timeout=N secs=S rate=R/s p50=Xms p99=Yms max=Zms".
 * Every run is bounded twice: by its request count and by a wall-clock kill.
 */
import { spawn } from 'node:child_process';

export interface RadloadOptions {
  /** host:port */
  server: string;
  secret: string;
  mode: 'auth' | 'acct' | 'status';
  method?: 'pap' | 'chap';
  requests: number;
  window: number;
  users: number;
  /** Send Message-Authenticator in Access-Requests (-m). */
  messageAuthenticator?: boolean;
  /** Per-request timeout (radload -T), ms. */
  timeoutMs?: number;
  /** Percentage of wrong passwords (-x). */
  badPercent?: number;
  /** The whole run is killed after this long. */
  wallTimeoutMs: number;
}

export interface RadloadResult {
  mode: string;
  sent: number;
  accept: number;
  reject: number;
  acct: number;
  status: number;
  badAuth: number;
  unexpected: number;
  timeout: number;
  secs: number;
  rate: number;
  p50: number;
  p99: number;
  max: number;
  /** radload's exit code: 1 when there were timeouts or bad authenticators. */
  exitCode: number | null;
  /** Killed by the wall-clock bound. */
  killed: boolean;
  line: string;
  /** mschap-load only: Access-Accepts without the expected MS-CHAP2-Success (RFC 2548 §2.3.3). */
  noSuccess?: number;
}

const LINE =
  /mode=(\S+) sent=(\d+) accept=(\d+) reject=(\d+) acct=(\d+) status=(\d+) bad_auth=(\d+) unexpected=(\d+) timeout=(\d+) secs=([\d.]+) rate=([\d.]+)\/s p50=([\d.]+)ms p99=([\d.]+)ms max=([\d.]+)ms/;

export function parseRadloadLine(line: string): Omit<RadloadResult, 'exitCode' | 'killed' | 'line'> | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const n = (i: number): number => Number(m[i]);
  return {
    mode: m[1] ?? '',
    sent: n(2),
    accept: n(3),
    reject: n(4),
    acct: n(5),
    status: n(6),
    badAuth: n(7),
    unexpected: n(8),
    timeout: n(9),
    secs: n(10),
    rate: n(11),
    p50: n(12),
    p99: n(13),
    max: n(14),
  };
}

export function radload(bin: string, o: RadloadOptions): Promise<RadloadResult> {
  const args = ['-s', o.server, '-S', o.secret, '-t', o.mode, '-n', String(o.requests), '-w', String(o.window), '-U', String(o.users)];
  if (o.method) args.push('-P', o.method);
  if (o.messageAuthenticator) args.push('-m');
  if (o.timeoutMs !== undefined) args.push('-T', String(o.timeoutMs));
  if (o.badPercent) args.push('-x', String(o.badPercent));
  return runLoadTool('radload', bin, args, o.wallTimeoutMs);
}

export interface MschapLoadOptions {
  /** host:port */
  server: string;
  secret: string;
  requests: number;
  window: number;
  users: number;
  /** Per-request timeout (-T), ms. */
  timeoutMs?: number;
  /** Count an Access-Accept without MS-CHAP2-Success as right (-A): for a server that does not parse requests. */
  acceptWithoutSuccess?: boolean;
  /** The whole run is killed after this long. */
  wallTimeoutMs: number;
}

/** Runs bench/lib/mschap-load.js (compiled) in its own Node.js process; every Access-Request carries a Message-Authenticator. */
export function mschapLoad(script: string, o: MschapLoadOptions): Promise<RadloadResult> {
  const args = [script, '-s', o.server, '-S', o.secret, '-n', String(o.requests), '-w', String(o.window), '-U', String(o.users)];
  if (o.timeoutMs !== undefined) args.push('-T', String(o.timeoutMs));
  if (o.acceptWithoutSuccess) args.push('-A');
  return runLoadTool('mschap-load', process.execPath, args, o.wallTimeoutMs);
}

export interface PapLoadOptions {
  /** host:port */
  server: string;
  secret: string;
  requests: number;
  window: number;
  users: number;
  /** Users in this many equal blocks, requests crossing them in turn (-g). */
  groups: number;
  /** "user%06d@realm-K" for block K (-r), else the bare name. */
  realms: boolean;
  /** Per-request timeout (-T), ms. */
  timeoutMs?: number;
  /** The whole run is killed after this long. */
  wallTimeoutMs: number;
}

/** Runs bench/lib/pap-load.js (compiled) in its own Node.js process: PAP with a realm per block of users, a Message-Authenticator in every request. */
export function papLoad(script: string, o: PapLoadOptions): Promise<RadloadResult> {
  const args = [script, '-s', o.server, '-S', o.secret, '-n', String(o.requests), '-w', String(o.window), '-U', String(o.users), '-g', String(o.groups)];
  if (o.realms) args.push('-r');
  if (o.timeoutMs !== undefined) args.push('-T', String(o.timeoutMs));
  return runLoadTool('pap-load', process.execPath, args, o.wallTimeoutMs);
}

function runLoadTool(name: string, bin: string, args: string[], wallTimeoutMs: number): Promise<RadloadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, wallTimeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      const parsed = parseRadloadLine(line);
      if (!parsed) {
        reject(new Error(`${name} ${args.join(' ')}: ${killed ? `killed after ${wallTimeoutMs} ms` : `no result line (exit ${code})`}: ${err.trim() || line}`));
        return;
      }
      const noSuccess = / no_success=(\d+)/.exec(line)?.[1];
      resolve({ ...parsed, exitCode: code, killed, line, ...(noSuccess === undefined ? {} : { noSuccess: Number(noSuccess) }) });
    });
  });
}
