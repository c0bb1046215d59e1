/**
 * The new commands through yargs, as an admin types them: disconnect,
 * diagnose, audit, dues. Production shape (PostgreSQL + Redis) and the
 * embedded shape, where live sessions come from the daemon's control route.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, inject } from 'vitest';
import yargs, { type Argv } from 'yargs';
import { registerAudit } from '../../src/admin/audit.js';
import type { GlobalArgs } from '../../src/admin/context.js';
import { registerDiagnose } from '../../src/admin/diagnose.js';
import { registerDisconnect } from '../../src/admin/disconnect.js';
import { registerDues } from '../../src/admin/dues.js';
import { controlBaseUrl } from '../../src/admin/services-context.js';
import { openSessionStore } from '../../src/accounting/open-store.js';
import type { SessionStore } from '../../src/accounting/store.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import type { Db } from '../../src/db/db.js';
import { insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { createControlHandler, ensureControlToken } from '../../src/ops/control.js';
import { PacketCode } from '../../src/protocol/codes.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { redisPrefix } from '../support/database.js';
import { tempDir } from '../support/temp.js';
import { SimulatedDas } from '../coa/simulated-das.js';
import { startRecord, storeWith } from './fixtures.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'cli-test-secret-of-32-octets-abc';
let db: Db;
let url: string;
let das: SimulatedDas;
let redis: SessionStore;
const prefix = redisPrefix();
const dir = tempDir('radassoc-cli-');

function configFile(name: string, extra: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ databaseUrl: url, dataDir: join(dir, name), ...extra }), { mode: 0o600 });
  return file;
}

/** Runs one command line; returns what it printed and the exit code it set. */
async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const cli = yargs(args)
    .option('config', { type: 'string', global: true })
    .option('data-dir', { type: 'string', global: true })
    .option('json', { type: 'boolean', default: false, global: true })
    .option('by', { type: 'string', global: true })
    .strict()
    .fail((msg, e) => {
      throw e ?? new Error(msg);
    }) as unknown as Argv<GlobalArgs>;
  for (const register of [registerDisconnect, registerDiagnose, registerAudit, registerDues]) register(cli);
  let out = '';
  let err = '';
  const w = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await cli.parseAsync();
  } finally {
    process.stdout.write = w;
    process.stderr.write = e;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

beforeAll(async () => {
  ({ db, url } = await migratedPostgres());
  das = await SimulatedDas.open(SECRET);
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET, coaPort: das.port, disconnectProfile: 'mikrotik' });
  await insertMember(db, DEFAULT_TENANT_ID, newMember('alice', { paidUntil: '2026-10-01' }));
  await insertMember(db, DEFAULT_TENANT_ID, newMember('bob', { paidUntil: '2026-11-20' }));
  redis = await openSessionStore({ redisUrl: inject('redisUrl'), dataDir: dir, prefix });
  await redis.applyRecord(startRecord());
  await redis.applyRecord(startRecord({ acctSessionId: '81000002', framedIp: '192.0.2.11' }));
});

afterAll(async () => {
  await redis?.close();
  das?.close();
  await db?.close();
});

afterEach(() => das.reset());

describe('with PostgreSQL and Redis', () => {
  const prod = () => ['--config', configFile('prod', { redisUrl: inject('redisUrl'), redisKeyPrefix: prefix }), '--by', 'carol'];

  it('disconnect <username> cuts every open session and says what each NAS answered', async () => {
    const r = await run(['disconnect', 'alice', ...prod()]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^alice:\n {2}bras1 session 8100000[12]: disconnected \(Disconnect-ACK after 1 attempt\)\n {2}bras1 session 8100000[12]: disconnected/);
    expect(das.requests(PacketCode.DisconnectRequest).map((q) => q.framedIp).sort()).toEqual(['192.0.2.10', '192.0.2.11']);
  });

  it('disconnect --session <Acct-Session-Id> --json cuts one session', async () => {
    const r = await run(['disconnect', '--session', '81000002', '--json', ...prod()]);
    const body = JSON.parse(r.out) as { username: string; disconnects: Array<{ outcome: string; acct_session_id: string }> };
    expect(body).toMatchObject({ username: 'alice', disconnects: [{ outcome: 'ack', acct_session_id: '81000002' }] });
    expect(das.requests()).toHaveLength(1);
  });

  it('disconnect refuses a session it cannot find, and both forms at once', async () => {
    await expect(run(['disconnect', '--session', 'nope', ...prod()])).rejects.toThrow(/no open session nope/);
    await expect(run(['disconnect', 'alice', '--session', 'x', ...prod()])).rejects.toThrow(/either a member .* or one session/);
    expect((await run(['disconnect', 'bob', ...prod()])).out).toBe('bob:\n  no open session; nothing to disconnect\n');
  });

  it('disconnect and diagnose refuse a name that is no member', async () => {
    await expect(run(['disconnect', 'alicee', ...prod()])).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER', message: 'no member named alicee; see `radassoc member list`' });
    await expect(run(['diagnose', 'alicee', ...prod()])).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER', message: 'no member named alicee; see `radassoc member list`' });
    expect(das.requests()).toHaveLength(0);
  });

  it('disconnect still cuts the sessions of a member removed while online', async () => {
    await redis.applyRecord(startRecord({ username: 'gone', acctSessionId: 'g-1', framedIp: '192.0.2.30' }));
    const r = await run(['disconnect', 'gone', ...prod()]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^gone:\n {2}bras1 session g-1: disconnected/);
  });

  it('exits non-zero when a NAS refuses', async () => {
    das.reset({ answer: 'nak', errorCause: 504 });
    const r = await run(['disconnect', 'alice', ...prod()]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Disconnect refused by the NAS \(NAK, Error-Cause 504 Session-Context-Not-Removable\)/);
    expect(r.err).toMatch(/2 of 2 sessions were not confirmed disconnected/);
  });

  it('audit --user lists the disconnects with who asked', async () => {
    const r = await run(['audit', '--user', 'alice', '--json', ...prod()]);
    const rows = JSON.parse(r.out) as Array<{ actor: string; action: string; target: string }>;
    expect(rows[0]).toMatchObject({ actor: 'carol', action: 'session.disconnect', target: 'member:alice' });
    expect((await run(['audit', ...prod()])).out).toMatch(/^time +actor +action +target +change\n.*carol +session\.disconnect +member:alice/);
  });

  it('diagnose prints plain words, or the same as JSON', async () => {
    const text = (await run(['diagnose', 'alice', ...prod()])).out;
    expect(text).toMatch(/^alice: ACTIVE\n {2}Active: logins with the right password are accepted\.\n {2}Dues lapsed \(paid until 2026-10-01/);
    expect(text).toMatch(/Online now: 2 sessions/);
    const json = JSON.parse((await run(['diagnose', 'alice', '--json', ...prod()])).out) as { status: string; liveSessions: unknown[]; disconnects: unknown[] };
    expect(json.status).toBe('active');
    expect(json.liveSessions).toHaveLength(2);
    expect(json.disconnects.length).toBeGreaterThan(0);
  });

  it('dues run --dry-run lists who would be suspended; dues list shows who lapses soon', async () => {
    const dry = await run(['dues', 'run', '--dry-run', '--today', '2026-11-10', ...prod()]);
    expect(dry.out).toBe(
      'dry run for 2026-11-10 (7 days of grace): would suspend 1 member and disconnect their sessions; nothing was changed\n  alice  paid until 2026-10-01\n',
    );
    expect(das.received).toHaveLength(0);
    const list = JSON.parse((await run(['dues', 'list', '--within', '1000d', '--json', ...prod()])).out) as Array<{ username: string }>;
    expect(list.map((m) => m.username)).toEqual(['alice', 'bob']);
  });
});

describe('embedded: live sessions from the daemon', () => {
  let server: Server;
  let port = 0;
  const dataDir = join(dir, 'embedded');

  beforeAll(async () => {
    const store = await storeWith(startRecord({ username: 'bob', acctSessionId: 'b-1' }));
    mkdirSync(dataDir, { recursive: true });
    const token = await ensureControlToken(dataDir);
    const control = createControlHandler({ store, token });
    server = createServer((req, res) => void (control(req, res) || res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    port = typeof a === 'object' && a ? a.port : 0;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads them through the control route and disconnects', async () => {
    const cfg = configFile('embedded', { httpPort: port });
    const r = await run(['disconnect', 'bob', '--config', cfg]);
    expect(r.out).toMatch(/bras1 session b-1: disconnected/);
  });

  it('says honestly when no daemon can be asked', async () => {
    const cfg = configFile('stopped', { httpPort: port });
    const d = await run(['diagnose', 'bob', '--config', cfg]);
    expect(d.out).toMatch(/Live sessions could not be read: cannot read the daemon's control token .*control\.token: it does not exist \(is `radassoc serve` running/);
    expect(controlBaseUrl({ ...DEFAULT_CONFIG, httpPort: 0 })).toBeNull();
    expect(controlBaseUrl({ ...DEFAULT_CONFIG, httpHost: '::1' })).toBe('http://[::1]:9812');
  });
});
