/**
 * A wholesaler's LAC shared by two associations, driven by clients that are
 * not ours: Debian's radclient decodes the RFC 2868 tunnel attributes (and
 * decrypts Tunnel-Password with the shared secret) that hand B's sessions to
 * B's own LNS; python3-pyrad sends realm-qualified and bare names.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REPLY_MESSAGES } from '../../src/config/schema.js';
import { insertNas } from '../../src/db/nas.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { addMemberIn, addPlanIn, addTenant } from './fixtures.js';

const run = promisify(execFile);
const SECRET = 'wholesale-lac-secret-0123456789abcdef';
const PYRAD = fileURLToPath(new URL('../interop/pyrad_client.py', import.meta.url));
let t: TestDaemon;

beforeAll(async () => {
  const { db, url } = await freshDb();
  const a = await addTenant(db, 'asso-a', { realms: ['a.example'] });
  const b = await addTenant(db, 'asso-b', {
    realms: ['b.example'],
    attributes: [
      { name: 'Tunnel-Type:1', value: 'L2TP' },
      { name: 'Tunnel-Medium-Type:1', value: 'IPv4' },
      { name: 'Tunnel-Server-Endpoint:1', value: '192.0.2.10' },
      { name: 'Tunnel-Password:1', value: 'lns1-tunnel-secret' },
      { name: 'Tunnel-Assignment-Id:1', value: 'asso-b-lns1' },
      { name: 'Tunnel-Preference:1', value: '1' },
      { name: 'Tunnel-Client-Auth-Id:1', value: 'federation-lac' },
      { name: 'Tunnel-Type:2', value: 'L2TP' },
      { name: 'Tunnel-Medium-Type:2', value: 'IPv4' },
      { name: 'Tunnel-Server-Endpoint:2', value: '192.0.2.11' },
      { name: 'Tunnel-Password:2', value: 'lns2-tunnel-secret' },
      { name: 'Tunnel-Assignment-Id:2', value: 'asso-b-lns2' },
      { name: 'Tunnel-Preference:2', value: '2' },
      { name: 'Tunnel-Client-Auth-Id:2', value: 'federation-lac' },
    ],
  });
  await addPlanIn(db, a, 'adsl', [{ name: 'Session-Timeout', value: '1800' }]);
  await addPlanIn(db, b, 'adsl', [{ name: 'Session-Timeout', value: '7200' }]);
  await addMemberIn(db, a, 'alice', 'alice-of-a', { plan: 'adsl' });
  await addMemberIn(db, b, 'alice', 'alice-of-b', { plan: 'adsl' });
  await insertNas(db, { name: 'lac', address: '127.0.0.1/32', secret: SECRET, tenancy: { carries: [a.id, b.id] } });
  await db.close();
  t = await startTestDaemon(url);
});

afterAll(async () => {
  await t?.stop();
});

/** radclient -x: the request from stdin, the decoded reply on stdout. */
async function radclient(user: string, password: string): Promise<string> {
  const child = execFile('/usr/bin/radclient', ['-x', '-r', '1', '-t', '2', `127.0.0.1:${t.auth}`, 'auth', SECRET]);
  child.stdin?.end(`User-Name = "${user}"\nUser-Password = "${password}"\nMessage-Authenticator = 0x00\n`);
  return new Promise((resolve) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', () => resolve(out));
  });
}

describe("Debian's radclient on a LAC shared by two associations", () => {
  it("decodes B's two tunnels, in preference order, with each Tunnel-Password decrypted", async () => {
    const out = await radclient('alice@b.example', 'alice-of-b');
    expect(out).toMatch(/Received Access-Accept/);
    const reply = out.slice(out.indexOf('Received Access-Accept'));
    for (const tag of [1, 2]) {
      expect(reply).toMatch(new RegExp(`Tunnel-Type:${tag} = L2TP`));
      expect(reply).toMatch(new RegExp(`Tunnel-Medium-Type:${tag} = IPv4`));
      expect(reply).toMatch(new RegExp(`Tunnel-Server-Endpoint:${tag} = "192\\.0\\.2\\.1${tag - 1}"`));
      expect(reply).toMatch(new RegExp(`Tunnel-Password:${tag} = "lns${tag}-tunnel-secret"`));
      expect(reply).toMatch(new RegExp(`Tunnel-Assignment-Id:${tag} = "asso-b-lns${tag}"`));
      expect(reply).toMatch(new RegExp(`Tunnel-Preference:${tag} = ${tag}`));
      expect(reply).toMatch(new RegExp(`Tunnel-Client-Auth-Id:${tag} = "federation-lac"`));
    }
    expect(reply).toMatch(/Session-Timeout = 7200/);
  });

  it("gives A's alice her own plan and no tunnel", async () => {
    const out = await radclient('alice@A.EXAMPLE', 'alice-of-a');
    expect(out).toMatch(/Received Access-Accept/);
    const reply = out.slice(out.indexOf('Received Access-Accept'));
    expect(reply).toMatch(/Session-Timeout = 1800/);
    expect(reply).not.toMatch(/Tunnel-/);
  });
});

describe('python3-pyrad on the same LAC', () => {
  const pyrad = async (user: string, password: string): Promise<{ code: number; attributes: Record<string, unknown[]> }> => {
    const { stdout } = await run('/usr/bin/python3', [PYRAD, '127.0.0.1', String(t.auth), String(t.acct), SECRET, 'pap', user, password]);
    return JSON.parse(stdout) as { code: number; attributes: Record<string, unknown[]> };
  };

  it('tells alice@a from alice@b, whatever the case of the realm', async () => {
    expect(await pyrad('alice@a.example', 'alice-of-a')).toMatchObject({ code: 2, attributes: { 'Session-Timeout': [1800] } });
    expect(await pyrad('alice@B.Example', 'alice-of-b')).toMatchObject({ code: 2, attributes: { 'Session-Timeout': [7200] } });
    expect((await pyrad('alice@b.example', 'alice-of-a')).code).toBe(3);
  });

  it('refuses a bare name and a realm it does not carry, saying why', async () => {
    expect(await pyrad('alice', 'alice-of-a')).toMatchObject({ code: 3, attributes: { 'Reply-Message': [DEFAULT_REPLY_MESSAGES['realm-missing']] } });
    expect(await pyrad('alice@c.example', 'alice-of-a')).toMatchObject({ code: 3, attributes: { 'Reply-Message': [DEFAULT_REPLY_MESSAGES['realm-not-served']] } });
  });
});
