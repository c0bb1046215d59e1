/**
 * kill -9 under accounting load: the real binary (`node bin/radassoc.js
 * serve`) takes Accounting-Request Starts from several simulated NAS ports;
 * the test SIGKILLs it mid-stream, and Redis with it, restarts both, and
 * checks that every Start the daemon acknowledged is in the session store
 * (RFC 2866 §4.1, design.md "Durability": nothing is acknowledged before it
 * is stored, Redis runs with appendfsync always). The retransmissions of the
 * unacknowledged ones are then answered: nothing is lost either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { openSessionStore } from '../../src/accounting/open-store.js';
import { insertNas } from '../../src/db/nas.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { freshDb } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { freePort, startRedis, type RedisServer } from '../support/services.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from './support/daemon.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'crash-test-nas-secret-32-octets!';
const PORTS_IN_FLIGHT = 8;
let redis: RedisServer;
let env: NodeJS.ProcessEnv;
let ports: { auth: number; acct: number };
let daemon: ChildProcess | null = null;

/** dist/ is what bin/radassoc.js runs; `npm test` builds it first, a bare vitest run may find it stale. */
function ensureBuilt(): void {
  const newest = (dir: string): number => Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  let built = 0;
  try {
    built = statSync(join(REPO, 'dist/admin/cli.js')).mtimeMs;
  } catch {
    /* never built */
  }
  if (built >= newest(join(REPO, 'src'))) return;
  const r = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.json')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
}

beforeAll(async () => {
  ensureBuilt();
  redis = await startRedis();
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'bras', address: '127.0.0.1/32', secret: SECRET });
  await db.close();
  ports = { auth: await freePort(), acct: await freePort() };
  env = { ...process.env, DATABASE_URL: url, REDIS_URL: redis.url, RADASSOC_DATA_DIR: tempDir('radassoc-crash-'), LOG_LEVEL: 'warn' };
}, 120_000);

afterAll(async () => {
  daemon?.kill('SIGKILL');
  await redis?.destroy();
});

async function startBinary(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(REPO, 'bin/radassoc.js'), 'serve', '--auth-port', String(ports.auth), '--acct-port', String(ports.acct), '--bind', '127.0.0.1', '--http-port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const probe = await SimulatedNas.open(SECRET, '127.0.0.1');
  try {
    await waitFor(async () => (await probe.request({ code: PacketCode.StatusServer, attributes: [] }, ports.acct, { timeoutMs: 200 })).response !== null, 20_000, 'daemon answering Status-Server');
  } finally {
    probe.close();
  }
  return child;
}

const startRecord = (session: string) => ({
  code: PacketCode.AccountingRequest,
  attributes: [attr(Attr.AcctStatusType, 1), attr(Attr.AcctSessionId, session), attr(Attr.UserName, `user-${session}`), attr(Attr.NasPort, 1)],
});

describe('kill -9 under accounting load', () => {
  it('keeps every accounting record it acknowledged, and answers the rest once restarted', async () => {
    daemon = await startBinary();
    const acked = new Set<string>();
    const unacked: Array<{ nas: SimulatedNas; sent: Buffer }> = [];
    let stop = false;
    const nases = await Promise.all(Array.from({ length: PORTS_IN_FLIGHT }, () => SimulatedNas.open(SECRET, '127.0.0.1')));
    // Each simulated port sends Starts one after the other; PORTS_IN_FLIGHT are in flight at any time.
    const load = nases.map(async (nas, k) => {
      for (let n = 0; !stop; n++) {
        const session = `s${k}-${n}`;
        const { response, sent } = await nas.request(startRecord(session), ports.acct, { timeoutMs: 300 });
        if (response?.code === PacketCode.AccountingResponse) acked.add(session);
        else unacked.push({ nas, sent });
      }
    });
    await waitFor(() => acked.size >= 1500, 20_000, 'load running');
    daemon.kill('SIGKILL');
    await redis.stop(); // and Redis with it, as in a power cut of both processes
    stop = true;
    await Promise.all(load);

    await redis.start();
    daemon = await startBinary();
    const store = await openSessionStore({ redisUrl: redis.url, dataDir: tempDir('radassoc-check-'), prefix: 'radassoc:', log: pino({ level: 'silent' }) });
    try {
      const open = new Set((await store.listOpen({ nas: 'bras' })).map((s) => s.acctSessionId));
      const missing = [...acked].filter((s) => !open.has(s));
      console.log(`${acked.size} Starts acknowledged before kill -9, ${unacked.length} not; ${missing.length} acknowledged ones missing after restart`);
      expect(missing).toEqual([]);
      // The NAS retransmits what was never acknowledged: the restarted daemon answers each.
      for (const { nas, sent } of unacked) expect(await nas.sendRaw(sent, ports.acct, 2000)).not.toBeNull();
    } finally {
      await store.close();
      for (const nas of nases) nas.close();
    }
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon!.once('exit', r));
    daemon = null;
  });
});
