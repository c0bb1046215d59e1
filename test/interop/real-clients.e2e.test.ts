/**
 * Independent RADIUS clients against the daemon: Debian's radtest/radclient
 * (FreeRADIUS utilities) and python3-pyrad. Our own encoder is not involved,
 * so a symmetric mistake in our codec cannot hide here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { deriveCredential } from '../../src/auth/credentials.js';
import { insertMember, suspendMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { insertPlan } from '../../src/db/plans.js';
import { ALL_AUTH_METHODS } from '../../src/domain/member.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const run = promisify(execFile);
const SECRET = 'interop-secret-0123456789abcdefgh';
const PYRAD = fileURLToPath(new URL('./pyrad_client.py', import.meta.url));
let t: TestDaemon;

beforeAll(async () => {
  const { db, url } = await freshDb();
  await insertNas(db, { name: 'lab', address: '127.0.0.1/32', secret: SECRET });
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'adsl', attributes: [{ name: 'Session-Timeout', value: '3600' }] });
  await insertMember(db, DEFAULT_TENANT_ID, { username: 'alice', credential: deriveCredential('alice-pass', [...ALL_AUTH_METHODS]), authMethods: [...ALL_AUTH_METHODS], plan: 'adsl', ipv4: '198.51.100.7' });
  await insertMember(db, DEFAULT_TENANT_ID, { username: 'carol', credential: deriveCredential('carol-pass', [...ALL_AUTH_METHODS]), authMethods: [...ALL_AUTH_METHODS] });
  await suspendMember(db, DEFAULT_TENANT_ID, 'carol', 'dues lapsed');
  await db.close();
  t = await startTestDaemon(url);
});

afterAll(async () => {
  await t?.stop();
});

async function radtest(method: 'pap' | 'chap' | 'mschap', user: string, password: string): Promise<string> {
  const { stdout } = await run('radtest', ['-t', method, user, password, `127.0.0.1:${t.auth}`, '0', SECRET]).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  return stdout;
}

describe("Debian's radtest", () => {
  it.each(['pap', 'chap', 'mschap'] as const)('authenticates with %s and gets the reply attributes', async (method) => {
    const out = await radtest(method, 'alice', 'alice-pass');
    expect(out).toMatch(/Received Access-Accept/);
    expect(out).toMatch(/Framed-IP-Address = 198\.51\.100\.7/);
    expect(out).toMatch(/Session-Timeout = 3600/);
  });

  it('is told why a suspended member is refused', async () => {
    const out = await radtest('pap', 'carol', 'carol-pass');
    expect(out).toMatch(/Received Access-Reject/);
    expect(out).toMatch(/Reply-Message = "Your account is suspended/);
  });

  it('gets Status-Server answered on both ports', async () => {
    for (const [port, kind] of [[t.auth, 'status'], [t.acct, 'status']] as const) {
      const child = execFile('radclient', ['-x', `127.0.0.1:${port}`, kind, SECRET]);
      child.stdin?.end('Message-Authenticator = 0x00\n');
      const out = await new Promise<string>((resolve) => {
        let buf = '';
        child.stdout?.on('data', (d: Buffer) => (buf += d.toString()));
        child.on('close', () => resolve(buf));
      });
      expect(out).toMatch(port === t.auth ? /Received Access-Accept/ : /Received Accounting-Response/);
    }
  });
});

describe('python3-pyrad', () => {
  const pyrad = async (mode: string, user: string, password: string): Promise<{ code?: number; codes?: number[]; attributes?: Record<string, unknown[]> }> => {
    const { stdout } = await run('/usr/bin/python3', [PYRAD, '127.0.0.1', String(t.auth), String(t.acct), SECRET, mode, user, password]);
    return JSON.parse(stdout) as { code?: number };
  };

  it('authenticates with PAP and CHAP', async () => {
    for (const mode of ['pap', 'chap']) {
      const r = await pyrad(mode, 'alice', 'alice-pass');
      expect(r.code).toBe(2);
      expect(r.attributes?.['Framed-IP-Address']).toEqual(['198.51.100.7']);
    }
    expect((await pyrad('pap', 'alice', 'wrong')).code).toBe(3);
  });

  it('has its accounting Start and Stop acknowledged and stored', async () => {
    const r = await pyrad('acct-start-stop', 'alice', '-');
    expect(r.codes).toEqual([5, 5]);
    const sessions = await t.daemon.store.pendingFlush(100);
    const s = sessions.find((x) => x.session.acctSessionId === 'pyrad-1')?.session;
    expect(s).toMatchObject({ username: 'alice', inputOctets: 1234, outputOctets: 5678, terminateCause: 'User-Request' });
  });
});
