/**
 * The register's identities sealed at rest (retention.keyFile): a pg_dump
 * of the database shows no username in the register's own sections, a
 * lookup still names the member, `retention rotate-key` moves every row to
 * a new key (and the old one then fails, clearly), and a missing or
 * malformed key file is an error that names the file, never the key.
 */
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNas } from '../../src/db/nas.js';
import { identityKeyOf } from '../../src/privacy/identity-key.js';
import { lookupRequisition } from '../../src/services/requisitions.js';
import { runCli, type CliResult } from '../admin/cli-harness.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { SimulatedNas, attr } from '../support/nas.js';
import { DEFAULT_TENANT, scopeOf } from '../support/scope.js';
import { tempDir } from '../support/temp.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { acct, addMember, addressAttributes, START, STOP } from './fixtures.js';

const SECRET = 'register-key-suite-secret-012345';
const dir = tempDir('radassoc-register-key-');
const key1 = randomBytes(32);
const key2 = randomBytes(32);
const KEY1 = join(dir, 'key1');
const KEY2 = join(dir, 'key2');
let t: TestDaemon;
let url: string;
let nas: SimulatedNas;

/** A config file for the CLI, pointing at the suite's database, Redis and a key file. */
function config(name: string, keyFile: string | null): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ databaseUrl: url, redisUrl: t.config.redisUrl, redisKeyPrefix: t.config.redisKeyPrefix, dataDir: join(dir, 'data'), retention: { keyFile } }), { mode: 0o600 });
  return file;
}

const cli = (args: string[]): Promise<CliResult> => runCli(args);

/** The pg_dump of the machine's PostgreSQL (the newest one installed, the one the suites run). */
function pgDump(): string {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0]!;
  return execFileSync(join(root, version, 'bin', 'pg_dump'), ['--data-only', url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The COPY section of one table in a dump: its header line to the terminating `\.`. */
function copySection(dump: string, table: string): string {
  const start = dump.indexOf(`COPY public.${table} (`);
  expect(start).toBeGreaterThanOrEqual(0);
  return dump.slice(start, dump.indexOf('\n\\.\n', start));
}

beforeAll(async () => {
  writeFileSync(KEY1, `${key1.toString('hex')}\n`, { mode: 0o600 });
  writeFileSync(KEY2, key2.toString('hex'), { mode: 0o600 });
  const fresh = await freshDb();
  url = fresh.url;
  await insertNas(fresh.db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET });
  await addMember(fresh.db, DEFAULT_TENANT, 'alice-sealed', 'LINE-7');
  await fresh.db.close();
  t = await startTestDaemon(url, { retention: { ...DEFAULT_CONFIG.retention, keyFile: KEY1 } });
  nas = await SimulatedNas.open(SECRET);
  const ip = addressAttributes({ ipv4: '192.0.2.77', framedIpv6Prefix: '2001:db8:77::/64' });
  for (const spec of [acct(START, 'K1', 'alice-sealed', ip), acct(STOP, 'K1', 'alice-sealed', [...ip, attr(Attr.AcctSessionTime, 60)])]) {
    const { response } = await nas.request(spec, t.acct);
    expect(response?.code).toBe(PacketCode.AccountingResponse);
  }
  await t.daemon.services.flush();
});

afterAll(async () => {
  nas?.close();
  await t?.stop();
});

const now = (): string => new Date().toISOString();
const instant = (): string => new Date(Date.now() - 30_000).toISOString();

describe('identities sealed with retention.keyFile', () => {
  it('keeps no username or member id in clear in the register, only the sealed identity and its key id', async () => {
    const { rows } = await t.db.query<Record<string, unknown>>('SELECT username, member_id, identity_key_id, identity_sealed IS NOT NULL AS sealed, line_id FROM connection_register');
    expect(rows).toEqual([{ username: null, member_id: null, identity_key_id: identityKeyOf(key1).id, sealed: true, line_id: 'LINE-7' }]);
  });

  it('leaves no username in the register sections of a pg_dump (the members table holds its own members, naturally)', () => {
    const dump = pgDump();
    expect(copySection(dump, 'members')).toContain('alice-sealed');
    expect(copySection(dump, 'connection_register')).not.toContain('alice-sealed');
    expect(copySection(dump, 'connection_register_addresses')).not.toContain('alice-sealed');
    expect(copySection(dump, 'connection_register')).toContain('LINE-7');
  });

  it('names the member in a lookup, opening the matching rows only', async () => {
    const a = await lookupRequisition(t.daemon.services, scopeOf('officer'), { ip: '2001:db8:77::9', at: instant(), ref: 'sealed-1' });
    expect(a.matches.map((m) => [m.username, m.line])).toEqual([['alice-sealed', 'LINE-7']]);
    expect(a.matches[0]!.member_id).toEqual(expect.any(Number));
  });

  it('rotate-key seals every row under the new key; the new key answers, the old one is refused clearly', async () => {
    const rotated = await cli(['retention', 'rotate-key', '--new-key-file', KEY2, '--config', config('old', KEY1), '--json']);
    expect([rotated.code, rotated.stderr]).toEqual([0, '']);
    expect(JSON.parse(rotated.stdout)).toMatchObject({ resealed: 1, sealed: 0, key_id: identityKeyOf(key2).id });
    const { rows } = await t.db.query('SELECT identity_key_id, username FROM connection_register');
    expect(rows).toEqual([{ identity_key_id: identityKeyOf(key2).id, username: null }]);

    const ok = await cli(['requisition', 'lookup', '--ip', '192.0.2.77', '--at', instant(), '--ref', 'sealed-2', '--config', config('new', KEY2), '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).matches.map((m: { username: string }) => m.username)).toEqual(['alice-sealed']);

    const old = await cli(['requisition', 'lookup', '--ip', '192.0.2.77', '--at', instant(), '--ref', 'sealed-3', '--config', config('old', KEY1)]);
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(new RegExp(`sealed with key ${identityKeyOf(key2).id}, not with the configured key ${identityKeyOf(key1).id}`));
    // Refused, and recorded all the same: the register misses no lookup, and the yearly report counts it.
    const logged = await t.db.query(`SELECT actor, result, failure FROM requisition_log WHERE reference = 'sealed-3'`);
    expect(logged.rows).toEqual([{ actor: expect.any(String), result: [], failure: 'REGISTER_KEY' }]);
    const report = await cli(['requisition', 'report', '--year', instant().slice(0, 4), '--config', config('new', KEY2), '--json']);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({ with_result: 2, failed: 1 });
    for (const out of [old.stderr, old.stdout, rotated.stdout]) {
      expect(out).not.toContain(key1.toString('hex'));
      expect(out).not.toContain(key2.toString('hex'));
      expect(out).not.toMatch(/\n\s+at /);
    }
  });

  it('a missing or malformed key file is a clear error naming the file, never a stack trace', async () => {
    const missing = join(dir, 'no-such-key');
    const r1 = await cli(['requisition', 'lookup', '--ip', '192.0.2.77', '--at', now(), '--ref', 'x', '--config', config('missing', missing)]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(`the register key file ${missing} cannot be read (ENOENT)`);
    const bad = join(dir, 'bad-key');
    writeFileSync(bad, 'not a key\n', { mode: 0o600 });
    const r2 = await cli(['retention', 'rotate-key', '--new-key-file', bad, '--config', config('new', KEY2)]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/does not hold a key: it must hold 64 hex digits.*openssl rand -hex 32/s);
    for (const r of [r1, r2]) expect(r.stderr).not.toMatch(/\n\s+at /);
    await expect(startTestDaemon(url, { retention: { ...DEFAULT_CONFIG.retention, keyFile: missing } })).rejects.toMatchObject({ code: 'REGISTER_KEY' });
  });
});
