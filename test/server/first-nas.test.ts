/**
 * The NAS created on a first start, against a real PostgreSQL: the loopback
 * NAS of the try-out, the NAS named by RADASSOC_INITIAL_NAS_ADDRESS (with its
 * secret given, read from a file, or generated), and a container's first start,
 * which never creates a NAS for its own loopback.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';
import { listNas } from '../../src/db/nas.js';
import { loadConfig } from '../../src/config/load.js';
import { ensureFirstNas, inContainer, newSharedSecret, type FirstNasConfig } from '../../src/server/first-nas.js';
import { freshDb } from '../support/daemon.js';
import { tempDir } from '../support/temp.js';

function capture(): { log: ReturnType<typeof createLogger>; lines: () => string; out: (t: string) => void; printed: () => string } {
  let logged = '';
  let printed = '';
  const sink = new Writable({ write: (c, _e, cb) => void ((logged += String(c)), cb()) });
  return { log: createLogger('info', sink), lines: () => logged, out: (t) => void (printed += t), printed: () => printed };
}

const base = (over: Partial<FirstNasConfig> = {}): FirstNasConfig => ({
  dataDir: tempDir('radassoc-first-nas-'),
  initialNasAddress: null,
  initialNasSecret: null,
  initialNasSecretFile: null,
  ...over,
});

describe('first start without RADASSOC_INITIAL_NAS_ADDRESS', () => {
  it('creates a NAS for 127.0.0.1 on the embedded default, its secret in localhost.secret (mode 600) and never in the log', async () => {
    const { db } = await freshDb();
    const c = capture();
    const config = base();
    const r = await ensureFirstNas(db, config, { embedded: true, inContainer: false, log: c.log, out: c.out });
    expect(r).toMatchObject({ created: true, name: 'localhost', address: '127.0.0.1/32' });
    const file = join(config.dataDir, 'localhost.secret');
    const secret = readFileSync(file, 'utf8').trim();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const [nas] = await listNas(db);
    expect(nas).toMatchObject({ name: 'localhost', address: '127.0.0.1/32', secret });
    expect(c.printed()).toContain(`radtest alice s3cret-pass 127.0.0.1 0 "$(cat ${file})"`);
    expect(c.lines() + c.printed()).not.toContain(secret);
    await db.close();
  });

  it('creates nothing inside the container image, and logs which variables to set', async () => {
    const { db } = await freshDb();
    const c = capture();
    const r = await ensureFirstNas(db, base(), { embedded: true, inContainer: true, log: c.log, out: c.out });
    expect(r).toEqual({ created: false, reason: 'container-needs-address' });
    expect(await listNas(db)).toEqual([]);
    const line = JSON.parse(c.lines().trim()) as { level: number; msg: string };
    expect(line.level).toBe(40);
    expect(line.msg).toMatch(/RADASSOC_INITIAL_NAS_ADDRESS/);
    expect(line.msg).toMatch(/radassoc nas add/);
    await db.close();
  });

  it('creates nothing against PostgreSQL outside a container, as before', async () => {
    const { db } = await freshDb();
    const c = capture();
    expect(await ensureFirstNas(db, base(), { embedded: false, inContainer: false, log: c.log, out: c.out })).toEqual({ created: false, reason: 'nothing-to-create' });
    expect(await listNas(db)).toEqual([]);
    await db.close();
  });

  it('leaves a NAS table that already has a NAS as it is', async () => {
    const { db } = await freshDb();
    const c = capture();
    const config = base();
    await ensureFirstNas(db, config, { embedded: true, inContainer: false, log: c.log, out: c.out });
    const before = await listNas(db);
    expect(await ensureFirstNas(db, { ...config, initialNasAddress: '192.0.2.0/24' }, { embedded: true, inContainer: false, log: c.log, out: c.out })).toEqual({ created: false, reason: 'nas-present' });
    expect(await listNas(db)).toEqual(before);
    await db.close();
  });
});

describe('first start with RADASSOC_INITIAL_NAS_ADDRESS', () => {
  it('generates a 32-octet secret into first-nas.secret (mode 600) when none is given, in a container too', async () => {
    const { db } = await freshDb();
    const c = capture();
    const config = base({ initialNasAddress: '172.17.0.0/16' });
    const r = await ensureFirstNas(db, config, { embedded: false, inContainer: true, log: c.log, out: c.out });
    const file = join(config.dataDir, 'first-nas.secret');
    expect(r).toEqual({ created: true, name: 'first-nas', address: '172.17.0.0/16', secretFile: file });
    const secret = readFileSync(file, 'utf8').trim();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await listNas(db)).toMatchObject([{ name: 'first-nas', address: '172.17.0.0/16', secret, requireMessageAuthenticator: true }]);
    expect(c.printed()).toContain(file);
    expect(c.lines() + c.printed()).not.toContain(secret);
    await db.close();
  });

  it('uses the secret given in RADASSOC_INITIAL_NAS_SECRET and writes no file', async () => {
    const { db } = await freshDb();
    const c = capture();
    const secret = 'a-long-random-secret-of-32-octets-or-more';
    const config = base({ initialNasAddress: '2001:db8::1', initialNasSecret: secret });
    const r = await ensureFirstNas(db, config, { embedded: true, inContainer: false, log: c.log, out: c.out });
    expect(r).toEqual({ created: true, name: 'first-nas', address: '2001:db8::1/128', secretFile: null });
    expect(await listNas(db)).toMatchObject([{ name: 'first-nas', secret }]);
    expect(() => statSync(join(config.dataDir, 'first-nas.secret'))).toThrow();
    expect(c.lines()).not.toContain(secret);
    await db.close();
  });

  it('reads the secret from RADASSOC_INITIAL_NAS_SECRET_FILE without its final newline', async () => {
    const { db } = await freshDb();
    const c = capture();
    const dir = tempDir('radassoc-secret-');
    const file = join(dir, 'nas_secret');
    writeFileSync(file, 'from-a-container-secret-file-0123456789\n', { mode: 0o600 });
    await ensureFirstNas(db, base({ initialNasAddress: '198.51.100.7', initialNasSecretFile: file }), { embedded: false, inContainer: true, log: c.log, out: c.out });
    expect(await listNas(db)).toMatchObject([{ name: 'first-nas', address: '198.51.100.7/32', secret: 'from-a-container-secret-file-0123456789' }]);
    await db.close();
  });

  it('refuses a secret file that cannot be read or is empty, saying which file, and creates no NAS', async () => {
    const { db } = await freshDb();
    const c = capture();
    const missing = join(tempDir('radassoc-secret-'), 'absent');
    await expect(ensureFirstNas(db, base({ initialNasAddress: '198.51.100.7', initialNasSecretFile: missing }), { embedded: false, inContainer: true, log: c.log })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(`${missing} cannot be read (ENOENT)`),
    });
    const empty = join(tempDir('radassoc-secret-'), 'empty');
    writeFileSync(empty, '\n');
    await expect(ensureFirstNas(db, base({ initialNasAddress: '198.51.100.7', initialNasSecretFile: empty }), { embedded: false, inContainer: true, log: c.log })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('is empty'),
    });
    expect(await listNas(db)).toEqual([]);
    await db.close();
  });

  it('words the secret-file refusals from the error catalogue, the file in the data and the next step as the hint', async () => {
    const { db } = await freshDb();
    const c = capture();
    const missing = join(tempDir('radassoc-secret-'), 'absent');
    const unreadable = await ensureFirstNas(db, base({ initialNasAddress: '198.51.100.7', initialNasSecretFile: missing }), { embedded: false, inContainer: true, log: c.log }).catch((e: unknown) => e);
    expect(unreadable).toMatchObject({
      code: 'CONFIG_INVALID',
      text: `initialNasSecretFile ${missing} cannot be read (ENOENT)`,
      hint: 'check the path and that the radassoc user may read it',
      message: `initialNasSecretFile ${missing} cannot be read (ENOENT); check the path and that the radassoc user may read it`,
      details: { setting: 'initialNasSecretFile', file: missing, problem: 'unreadable', errno: 'ENOENT' },
    });
    const empty = join(tempDir('radassoc-secret-'), 'empty');
    writeFileSync(empty, '');
    const blank = await ensureFirstNas(db, base({ initialNasAddress: '198.51.100.7', initialNasSecretFile: empty }), { embedded: false, inContainer: true, log: c.log }).catch((e: unknown) => e);
    expect(blank).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `initialNasSecretFile ${empty} is empty; put the NAS's shared secret in it`,
      details: { setting: 'initialNasSecretFile', file: empty, problem: 'empty' },
    });
    await db.close();
  });

  it('creates one NAS when several daemons start together on an empty table', async () => {
    const { db } = await freshDb();
    const c = capture();
    const config = base({ initialNasAddress: '203.0.113.0/24' });
    const results = await Promise.all([1, 2, 3].map(() => ensureFirstNas(db, config, { embedded: false, inContainer: false, log: c.log, out: c.out })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const [nas, ...more] = await listNas(db);
    expect(more).toEqual([]);
    expect(readFileSync(join(config.dataDir, 'first-nas.secret'), 'utf8').trim()).toBe(nas!.secret);
    await db.close();
  });
});

describe('the first-start settings in the configuration', () => {
  it('come from the RADASSOC_INITIAL_NAS_* variables, and a bad address names the variable', () => {
    const env = { RADASSOC_INITIAL_NAS_ADDRESS: '172.17.0.1', RADASSOC_INITIAL_NAS_SECRET: 's'.repeat(32), RADASSOC_INITIAL_NAS_SECRET_FILE: '/run/secrets/nas', RADASSOC_HTTP_HOST: '0.0.0.0' };
    expect(loadConfig({}, env)).toMatchObject({ initialNasAddress: '172.17.0.1', initialNasSecret: 's'.repeat(32), initialNasSecretFile: '/run/secrets/nas', httpHost: '0.0.0.0' });
    expect(() => loadConfig({}, { RADASSOC_INITIAL_NAS_ADDRESS: '172.17.0.1/8' })).toThrow(/initialNasAddress .*did you mean 172\.0\.0\.0\/8\? \(from environment RADASSOC_INITIAL_NAS_ADDRESS\)/);
  });

  it('refuse a config file readable by every user that holds the NAS secret', () => {
    const file = join(tempDir('radassoc-conf-'), 'radassoc.json');
    writeFileSync(file, JSON.stringify({ initialNasSecret: 'x'.repeat(32) }), { mode: 0o644 });
    expect(() => loadConfig({ config: file }, {})).toThrow(/holds a password or a shared secret .*chmod o-r/);
  });

  it('tell the container image apart by RADASSOC_IN_CONTAINER, not by Docker marker files', () => {
    expect(inContainer({ RADASSOC_IN_CONTAINER: '1' })).toBe(true);
    expect(inContainer({})).toBe(false);
  });
});

describe('a generated shared secret', () => {
  it('never starts with - or _, so radtest "$(cat localhost.secret)" cannot read it as an option', () => {
    // A leading '-' is one base64url secret in 64: 5,000 draws would show about 78 of them.
    for (let i = 0; i < 5000; i++) {
      const s = newSharedSecret(12);
      expect(s).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{15}$/);
    }
    expect(newSharedSecret(32)).toHaveLength(43);
  });
});
