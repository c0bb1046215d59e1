/**
 * `radassoc import freeradius-users <file>`: a FreeRADIUS users file
 * (mods-config/files/authorize) imported by the real CLI into one tenant,
 * then its members authenticated over UDP by the daemon.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/migrate/import-report.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { getAttribute } from '../../src/protocol/packet.js';
import { cliOnFreshDatabase, runCli, type Cli } from '../admin/cli-harness.js';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { tempDir } from '../support/temp.js';

const SECRET = 'users-file-nas-secret-32-octets!';
const SALT = Buffer.from('pepper42');
const ssha = (pw: string): string => Buffer.concat([createHash('sha1').update(pw).update(SALT).digest(), SALT]).toString('base64');

const USERS = `# members moved in from the files module
alice   Cleartext-Password := "alice-pw"
        Session-Timeout := 7200,
        Reply-Message := "Hello, %{User-Name}"

bob     SSHA-Password := "${ssha('bob-pw')}", Simultaneous-Use := 1
        Framed-IP-Address = 192.0.2.9

bob     Cleartext-Password := "never-used"

DEFAULT Auth-Type := Reject
        Reply-Message = "Go away"
`;

let cli: Cli;
let file: string;
let t: TestDaemon;
let nas: SimulatedNas;
let report: ImportReport;

beforeAll(async () => {
  cli = await cliOnFreshDatabase();
  await cli.ok(['tenant', 'add', 'asso']);
  await cli.ok(['nas', 'add', 'bras', '--ip', '127.0.0.1', '--secret', SECRET, '--tenant', 'asso']);
  file = join(tempDir('radassoc-users-'), 'authorize');
  writeFileSync(file, USERS);
}, 60_000);

afterAll(async () => {
  nas?.close();
  await t?.stop();
});

const pap = (user: string, password: string) => nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] }, t.auth);

describe('import freeradius-users', () => {
  it('a dry run prints the report, changes nothing and exits 3 when entries would not be imported', async () => {
    const r = await cli.run(['import', 'freeradius-users', file, '--tenant', 'asso', '--dry-run']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/authorize line 11 \(DEFAULT\): a DEFAULT entry applies to every user/);
    expect(r.stdout).toMatch(/authorize line 9 \(bob\): FreeRADIUS stopped at bob's entry on line 6/);
    expect(r.stdout).not.toContain('alice-pw');
    expect((await cli.sql('SELECT count(*)::int AS n FROM members'))[0]!.n).toBe(0);
  });

  it('imports the users into the tenant named, with what each stored password still serves', async () => {
    const r = await cli.run(['import', 'freeradius-users', file, '--tenant', 'asso', '--json']);
    expect(r.code, r.stderr).toBe(0);
    report = JSON.parse(r.stdout) as ImportReport;
    expect(report.methods).toEqual([
      { username: 'alice', password: 'Cleartext-Password', pap: true, chap: true, mschapv2: true },
      { username: 'bob', password: 'SSHA-Password', pap: true, chap: false, mschapv2: false },
    ]);
    expect(report.pap_only).toEqual(['bob']);
    expect(report.not_imported.find((l) => l.attribute === 'Reply-Message')?.reason).toMatch(/%\{\.\.\.\} expansion/);
    const rows = await cli.sql(
      `SELECT m.username, t.name AS tenant, m.max_sessions, host(m.ipv4) AS ipv4, m.reply_attributes
       FROM members m JOIN tenants t ON t.id = m.tenant_id ORDER BY m.username`);
    expect(rows).toEqual([
      { username: 'alice', tenant: 'asso', max_sessions: null, ipv4: null, reply_attributes: [{ name: 'Session-Timeout', value: '7200' }] },
      { username: 'bob', tenant: 'asso', max_sessions: 1, ipv4: '192.0.2.9', reply_attributes: null },
    ]);
    const bob = await cli.json<{ credential: string; serves: string[] }>(['member', 'show', 'bob', '--tenant', 'asso']);
    expect(bob).toMatchObject({ credential: 'legacy-hash', serves: ['pap'] });
  });

  it('the imported members authenticate by PAP through the daemon, with their reply items', async () => {
    t = await startTestDaemon(cli.url);
    nas = await SimulatedNas.open(SECRET, '127.0.0.1');
    const alice = (await pap('alice', 'alice-pw')).response;
    expect(alice?.code).toBe(PacketCode.AccessAccept);
    expect(getAttribute(alice!, Attr.SessionTimeout)?.readUInt32BE()).toBe(7200);
    const bob = (await pap('bob', 'bob-pw')).response;
    expect(bob?.code).toBe(PacketCode.AccessAccept);
    expect(getAttribute(bob!, Attr.FramedIpAddress)).toEqual(Buffer.from([192, 0, 2, 9]));
    expect((await pap('bob', 'never-used')).response?.code).toBe(PacketCode.AccessReject);
  });

  it('imports into the embedded database too, which keeps the hash as the credential', async () => {
    const dataDir = join(tempDir('radassoc-users-embedded-'), 'radassoc-data');
    const r = await runCli(['import', 'freeradius-users', file, '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    const show = await runCli(['member', 'show', 'bob', '--data-dir', dataDir, '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ credential: 'legacy-hash', serves: ['pap'], max_sessions: 1, ipv4: '192.0.2.9' });
  }, 120_000); // creating an embedded database takes a while on a busy machine

  it('a file that cannot be read is refused with what to do', async () => {
    const r = await cli.run(['import', 'freeradius-users', join(tempDir('radassoc-users-'), 'missing')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no such file/);
  });
});
