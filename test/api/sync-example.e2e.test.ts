/**
 * examples/sync-members.mjs, run as an association would run it: the script
 * as a child process, against a real daemon, through the API only, over a
 * CSV export. Its effect is checked over RADIUS and in the audit log; the
 * second run over the same export changes nothing.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, utcDate } from '../../src/lifecycle/days.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { tempDir } from '../support/temp.js';
import { NAS_SECRET, startApiDaemon, type ApiHarness } from './harness.js';

const SCRIPT = fileURLToPath(new URL('../../examples/sync-members.mjs', import.meta.url));
let api: ApiHarness;
let nas: SimulatedNas;
let token: string;
let csv: string;
const today = utcDate(Date.now());

function runScript(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, file], { env: { ...process.env, RADASSOC_API_URL: api.base, RADASSOC_TOKEN: token }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const pap = async (user: string, password: string): Promise<number | undefined> =>
  (await nas.request({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] }, api.t.auth)).response?.code;

async function papWithin(user: string, password: string, want: number, ms = 1500): Promise<number | undefined> {
  const end = Date.now() + ms;
  let got = await pap(user, password);
  while (got !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    got = await pap(user, password);
  }
  return got;
}

beforeAll(async () => {
  api = await startApiDaemon();
  nas = await SimulatedNas.open(NAS_SECRET);
  const setup = await api.token('admin', 'default', 'setup');
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await api.call(method, path, { token: setup, body });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.text}`);
  };
  await call('POST', '/api/v1/plans', { name: 'fibre-100', attributes: [] });
  await call('POST', '/api/v1/plans', { name: 'fibre-300', attributes: [] });
  // What radassoc holds before the first sync.
  await call('POST', '/api/v1/members', { username: 'bob', password: 'bob-pass-1', plan: 'fibre-100', paid_until: addDays(today, 20) });
  await call('POST', '/api/v1/members', { username: 'carol', password: 'carol-pass-1', plan: 'fibre-100', paid_until: addDays(today, 20) });
  await call('POST', '/api/v1/members', { username: 'dan', password: 'dan-pass-1', plan: 'fibre-100' });
  await call('POST', '/api/v1/members/dan/suspend', { reason: 'subscription ended (member sync)' });
  await call('POST', '/api/v1/members', { username: 'erin', password: 'erin-pass-1' });
  await call('POST', '/api/v1/members/erin/suspend', { reason: 'abuse report' });
  await call('POST', '/api/v1/members', { username: 'olga', password: 'olga-pass-1' });
  token = await api.token('admin', 'default', 'member-sync');
  csv = join(tempDir('radassoc-sync-'), 'export.csv');
  writeFileSync(
    csv,
    [
      'login,email,plan,paid_until,status,subscription_end,password',
      'alice,alice@example.org,fibre-100,' + addDays(today, 300) + ',active,,',
      'zoe,zoe@example.org,fibre-300,' + addDays(today, 30) + ',active,,zoe-chosen-pass',
      'bob,bob@example.org,fibre-300,' + addDays(today, 200) + ',active,,',
      'carol,carol@example.org,fibre-100,' + addDays(today, 20) + ',active,' + addDays(today, -1) + ',',
      'dan,dan@example.org,fibre-100,,active,,',
      'erin,erin@example.org,,,active,,',
      'yves,yves@example.org,fibre-100,,ended,,',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  nas?.close();
  await api?.stop();
});

describe('examples/sync-members.mjs', () => {
  let alicePassword = '';

  it('creates the new, updates plans and paid-until, suspends the ended, resumes the renewed', async () => {
    const r = await runScript(csv);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const m = /^created alice: password (\S+) \(shown once/m.exec(r.stdout);
    expect(m).not.toBeNull();
    alicePassword = m![1]!;
    expect(r.stdout).toContain('created zoe\n');
    expect(r.stdout).toContain(`updated bob: plan fibre-100 -> fibre-300, paid_until ${addDays(today, 20)} -> ${addDays(today, 200)}\n`);
    expect(r.stdout).toContain('suspended carol: subscription ended\n');
    expect(r.stdout).toContain('resumed dan: subscription renewed\n');
    expect(r.stdout).toMatch(/^left erin suspended: suspended by hand \(abuse report\)/m);
    expect(r.stdout).not.toContain('yves');
    expect(r.stdout).toMatch(/^5 changes; 1 member not in the export left alone\n$/m);

    expect(await papWithin('alice', alicePassword, PacketCode.AccessAccept)).toBe(PacketCode.AccessAccept);
    expect(await papWithin('zoe', 'zoe-chosen-pass', PacketCode.AccessAccept)).toBe(PacketCode.AccessAccept);
    expect(await papWithin('carol', 'carol-pass-1', PacketCode.AccessReject)).toBe(PacketCode.AccessReject);
    expect(await papWithin('dan', 'dan-pass-1', PacketCode.AccessAccept)).toBe(PacketCode.AccessAccept);
    expect(await pap('erin', 'erin-pass-1')).toBe(PacketCode.AccessReject);
    expect(await pap('yves', 'anything')).toBe(PacketCode.AccessReject);
    const bob = await api.call('GET', '/api/v1/members/bob', { token });
    expect(bob.body).toMatchObject({ plan: 'fibre-300', paid_until: addDays(today, 200) });

    const audit = await api.call('GET', '/api/v1/audit?limit=100', { token });
    const bySync = audit.body.entries.filter((e: { actor: string }) => e.actor === 'token:member-sync').map((e: { action: string; target: string }) => `${e.action} ${e.target}`);
    expect(bySync.sort()).toEqual(['member.add member:alice', 'member.add member:zoe', 'member.resume member:dan', 'member.set member:bob', 'member.suspend member:carol'].sort());
    expect(JSON.stringify(audit.body)).not.toContain(alicePassword);
  });

  it('changes nothing the second time: "0 changes", no new audit entry', async () => {
    const before = (await api.call('GET', '/api/v1/audit?limit=1', { token })).body.entries[0].id;
    const r = await runScript(csv);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^0 changes; 1 member not in the export left alone\n$/m);
    expect(r.stdout).not.toMatch(/^(created|updated|suspended|resumed) /m);
    expect((await api.call('GET', '/api/v1/audit?limit=1', { token })).body.entries[0].id).toBe(before);
    expect(await pap('alice', alicePassword)).toBe(PacketCode.AccessAccept);
  });

  it('names a row it cannot sync and exits 1, syncing the others', async () => {
    const bad = join(tempDir('radassoc-sync-'), 'bad.csv');
    writeFileSync(bad, `login,plan,paid_until,status\npaul,no-such-plan,,active\nquinn,fibre-100,31/12/2030,active\nrita,fibre-100,2030-13-45x,active\n`);
    const r = await runScript(bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sync-members: line 2: paul: .*no-such-plan/m);
    expect(r.stderr).toMatch(/^sync-members: line 4: paid_until "2030-13-45x" is not a date/m);
    expect(r.stdout).toMatch(/^created quinn: password /m);
    expect((await api.call('GET', '/api/v1/members/quinn', { token })).body.paid_until).toBe('2030-12-31');
  });
});
