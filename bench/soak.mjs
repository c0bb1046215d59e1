#!/usr/bin/env node
// Soak: the real daemon (`node bin/radassoc.js serve`, from dist/) against its
// own PostgreSQL and Redis on loopback, first driven flat out for a short while
// to measure its peak, then held at half that rate for SOAK_MINUTES with a mix
// of PAP logins (1% wrong passwords) and accounting (Start, Interim, Stop).
// Reports RSS over time and its growth, timeouts, latency, drops, and the warn
// and error lines of the daemon's log. Bounded: a wall-clock limit kills
// everything it started.
//
//   npm run build && node bench/soak.mjs            (SOAK_MINUTES=10 by default)
//   SOAK_MINUTES=3 SOAK_RATE=4000 node bench/soak.mjs
//
// Loopback only; needs redis-server and PostgreSQL's server binaries (as npm test).
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'soak-nas-secret-of-32-octets-ok!';
const MEMBERS = Number(process.env.SOAK_MEMBERS ?? 5000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (isMainThread) await main();
else await generate(workerData);

// ---------------------------------------------------------------- the load, in a worker thread (its own core)

async function generate({ port, acctPort, mode, rate, seconds }) {
  const { encodeRequest } = await import(join(REPO, 'dist/protocol/encode.js'));
  const SOCKETS = 16;
  const sockets = await Promise.all(Array.from({ length: SOCKETS }, () => new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => resolve(s));
  })));
  const outstanding = new Map(); // "socket:id" → sent at (ms)
  const nextId = new Array(SOCKETS).fill(0);
  let sent = 0, answered = 0, timeouts = 0, n = 0;
  let latencies = [];
  sockets.forEach((s, k) => s.on('message', (msg) => {
    const key = `${k}:${msg[1]}`;
    const at = outstanding.get(key);
    if (at === undefined) return;
    outstanding.delete(key);
    answered++;
    latencies.push(performance.now() - at);
  }));
  const send = () => {
    const k = n % SOCKETS;
    const id = nextId[k];
    const key = `${k}:${id}`;
    if (outstanding.has(key)) return false; // all 256 ids of this socket busy: skip a beat
    nextId[k] = (id + 1) & 0xff;
    const i = n++;
    const user = i % MEMBERS;
    const name = `soak${String(user).padStart(6, '0')}`;
    let bytes, to = port;
    if (i % 5 === 4) { // accounting: each member cycles Start, Interim, Stop
      const step = Math.floor(i / (5 * MEMBERS)) % 3;
      const attr = (type, v) => ({ type, value: typeof v === 'number' ? Buffer.from([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]) : Buffer.from(v) });
      bytes = encodeRequest({ code: 4, identifier: id, attributes: [attr(40, [1, 3, 2][step]), attr(44, `${name}-${Math.floor(i / (15 * MEMBERS))}`), attr(1, name), attr(46, step * 60), attr(42, step * 1e6)] }, SECRET);
      to = acctPort;
    } else {
      const password = i % 100 === 0 ? 'wrong' : `pass${String(user).padStart(6, '0')}`;
      bytes = encodeRequest({ code: 1, identifier: id, attributes: [{ type: 1, value: Buffer.from(name) }, { type: 2, value: Buffer.from(password) }] }, SECRET);
    }
    outstanding.set(key, performance.now());
    sockets[k].send(bytes, to, '127.0.0.1');
    sent++;
    return true;
  };
  const expire = () => {
    const old = performance.now() - 2000;
    for (const [key, at] of outstanding) if (at < old) { outstanding.delete(key); timeouts++; }
  };
  const report = () => {
    latencies.sort((a, b) => a - b);
    const q = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] : 0;
    parentPort.postMessage({ sent, answered, timeouts, p50: q(0.5), p99: q(0.99) });
    sent = answered = timeouts = 0;
    latencies = [];
  };
  const end = Date.now() + seconds * 1000;
  let nextReport = Date.now() + 1000;
  if (mode === 'peak') {
    // Closed loop: keep WINDOW requests in flight, as fast as answers come.
    const WINDOW = 128;
    while (Date.now() < end) {
      while (outstanding.size < WINDOW) if (!send()) break;
      await new Promise((r) => setImmediate(r));
      if (Date.now() >= nextReport) { expire(); report(); nextReport += 1000; }
    }
  } else {
    // Open loop: `rate` per second in 5 ms ticks, whatever the answers do.
    const started = Date.now();
    let due = 0;
    while (Date.now() < end) {
      const target = Math.floor(((Date.now() - started) / 1000) * rate);
      while (due < target) { send(); due++; }
      if (Date.now() >= nextReport) { expire(); report(); nextReport += 1000; }
      await sleep(5);
    }
  }
  await sleep(2100);
  expire();
  report();
  parentPort.postMessage({ done: true });
  for (const s of sockets) s.close();
}

function load(opts, onSecond) {
  return new Promise((resolve, reject) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: opts });
    w.on('message', (m) => (m.done ? resolve() : onSecond(m)));
    w.on('error', reject);
  });
}

// ---------------------------------------------------------------- servers

async function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function pgBin() {
  const p = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim();
  if (p) return p.replace(/\/pg_ctl$/, '');
  const base = '/usr/lib/postgresql';
  const v = existsSync(base) ? readdirSync(base).sort((a, b) => b - a).find((d) => existsSync(join(base, d, 'bin/pg_ctl'))) : null;
  if (!v) throw new Error('PostgreSQL server binaries not found');
  return join(base, v, 'bin');
}

function asPg(cmd, args) {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

async function startServers(root, cleanup) {
  const bin = pgBin();
  // Its own directory, owned by postgres when we run as root (PostgreSQL refuses to run as root).
  const pgRoot = mkdtempSync(join(tmpdir(), 'radassoc-soak-pg-'));
  cleanup.push(() => rmSync(pgRoot, { recursive: true, force: true }));
  if (process.getuid?.() === 0) chownSync(pgRoot, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout));
  const run = (cmd, args) => {
    const [c, a] = asPg(cmd, args);
    const r = spawnSync(c, a, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  };
  run(join(bin, 'initdb'), ['-D', join(pgRoot, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const pgPort = await freePort();
  run(join(bin, 'pg_ctl'), ['-D', join(pgRoot, 'data'), '-o', `-p ${pgPort} -k ${pgRoot} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=100`, '-l', join(pgRoot, 'log'), '-w', 'start']);
  cleanup.push(() => run(join(bin, 'pg_ctl'), ['-D', join(pgRoot, 'data'), '-m', 'immediate', '-w', 'stop']));
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', root, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'], { stdio: 'ignore' });
  cleanup.push(() => redis.kill('SIGKILL'));
  await sleep(300);
  return { databaseUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`, redisUrl: `redis://127.0.0.1:${redisPort}` };
}

async function populate(databaseUrl) {
  const { createPostgresDb } = await import(join(REPO, 'dist/db/postgres.js'));
  const { migrate } = await import(join(REPO, 'dist/db/migrate.js'));
  const { insertNas } = await import(join(REPO, 'dist/db/nas.js'));
  const db = createPostgresDb(databaseUrl);
  await migrate(db);
  await insertNas(db, { name: 'soak-bras', address: '127.0.0.1/32', secret: SECRET });
  // Cleartext credentials (the default `--auth all`), as the CLI derives them: no scrypt in the way.
  const { deriveCredential } = await import(join(REPO, 'dist/auth/credentials.js'));
  const { insertMember } = await import(join(REPO, 'dist/db/members.js'));
  for (let i = 0; i < MEMBERS; i++) {
    const name = `soak${String(i).padStart(6, '0')}`;
    await insertMember(db, { username: name, credential: deriveCredential(`pass${String(i).padStart(6, '0')}`, ['pap', 'chap', 'mschapv1', 'mschapv2']), authMethods: ['pap', 'chap', 'mschapv1', 'mschapv2'], maxSessions: 4 });
  }
  await db.close();
}

function rssMb(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function scrape(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const get = (re) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  return { drops: get(/^radassoc_packets_dropped_total\{[^}]*\} (\d+)/gm), unanswered: get(/^radassoc_requests_unanswered_total\{[^}]*\} (\d+)/gm), authLogDropped: get(/^radassoc_auth_log_dropped (\d+)/gm) };
}

// ---------------------------------------------------------------- main

async function main() {
  const minutes = Number(process.env.SOAK_MINUTES ?? 10);
  if (!existsSync(join(REPO, 'dist/admin/cli.js'))) throw new Error('run `npm run build` first');
  const root = mkdtempSync(join(tmpdir(), 'radassoc-soak-'));
  const cleanup = [];
  const wall = setTimeout(() => { console.error('soak: wall-clock limit reached'); finish(2); }, (minutes + 4) * 60_000);
  let daemon = null;
  const finish = (code) => {
    daemon?.kill('SIGKILL');
    for (const f of cleanup.reverse()) try { f(); } catch { /* best effort */ }
    rmSync(root, { recursive: true, force: true });
    process.exit(code);
  };
  process.once('SIGINT', () => finish(130));
  try {
    const { databaseUrl, redisUrl } = await startServers(root, cleanup);
    await populate(databaseUrl);
    const ports = { auth: await freePort(), acct: await freePort(), http: await freePort() };
    const config = join(root, 'radassoc.json');
    // Failed logins are part of the mix: keep the lockout from turning the soak into a lockout test.
    await import('node:fs/promises').then((fs) => fs.writeFile(config, JSON.stringify({ lockout: { userThreshold: 1000, nasThreshold: 1_000_000, windowSeconds: 300 } }), { mode: 0o600 }));
    const logFile = join(root, 'daemon.log');
    daemon = spawn(process.execPath, [join(REPO, 'bin/radassoc.js'), 'serve', '--config', config, '--auth-port', String(ports.auth), '--acct-port', String(ports.acct), '--bind', '127.0.0.1', '--http-port', String(ports.http)],
      { env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, RADASSOC_DATA_DIR: join(root, 'data'), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(logFile);
    daemon.stdout.pipe(log);
    daemon.stderr.pipe(log);
    await sleep(3000);

    const peaks = [];
    await load({ port: ports.auth, acctPort: ports.acct, mode: 'peak', seconds: 12 }, (s) => peaks.push(s.answered));
    const peak = Math.round(peaks.slice(2, 11).reduce((a, b) => a + b, 0) / Math.max(1, peaks.slice(2, 11).length));
    const rate = Number(process.env.SOAK_RATE ?? Math.round(peak / 2));
    console.log(`peak ${peak} req/s (closed loop, 128 in flight); soak at ${rate} req/s for ${minutes} min`);

    const samples = [];
    let second = 0, sent = 0, answered = 0, timeouts = 0, p99max = 0;
    await load({ port: ports.auth, acctPort: ports.acct, mode: 'soak', rate, seconds: minutes * 60 }, (s) => {
      second++;
      sent += s.sent; answered += s.answered; timeouts += s.timeouts; p99max = Math.max(p99max, s.p99);
      if (process.env.SOAK_VERBOSE) console.log(`${second}s: ${s.answered}/${s.sent} answered, p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, ${s.timeouts} timeouts`);
      if (second % 10 === 0) {
        samples.push({ t: second, rssMb: rssMb(daemon.pid) });
        if (second % 60 === 0) console.log(`${second / 60} min: rss ${rssMb(daemon.pid).toFixed(1)} MB, last second ${s.answered}/${s.sent} answered, p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, timeouts so far ${timeouts}`);
      }
    });
    const metrics = await scrape(ports.http);
    const lines = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.startsWith('{'));
    const levels = lines.map((l) => JSON.parse(l).level);
    const firstMinute = samples.filter((x) => x.t <= 60).map((x) => x.rssMb);
    const lastMinute = samples.filter((x) => x.t > minutes * 60 - 60).map((x) => x.rssMb);
    const avg = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const summary = {
      minutes, peakPerSecond: peak, ratePerSecond: rate, sent, answered, timeouts, worstSecondP99Ms: Number(p99max.toFixed(2)),
      rssFirstMinuteMb: Number(avg(firstMinute).toFixed(1)), rssLastMinuteMb: Number(avg(lastMinute).toFixed(1)), rssMaxMb: Number(Math.max(...samples.map((x) => x.rssMb)).toFixed(1)),
      rssGrowthMb: Number((avg(lastMinute) - avg(firstMinute)).toFixed(1)),
      logWarn: levels.filter((l) => l === 40).length, logError: levels.filter((l) => l >= 50).length,
      ...metrics,
    };
    console.log(JSON.stringify(summary));
    for (const l of lines.filter((x) => JSON.parse(x).level >= 50).slice(0, 5)) console.log(`error line: ${l}`);
    clearTimeout(wall);
    finish(0);
  } catch (e) {
    console.error(`soak failed: ${e.stack ?? e}`);
    finish(1);
  }
}
