/**
 * Two associations on one deployment, with the same usernames and plan names,
 * probed the way someone in one of them would try to reach the other: every
 * scoped command of the admin side run through the real CLI, then the
 * database read directly to see what really changed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliOnFreshDatabase, type Cli, type CliResult } from '../admin/cli-harness.js';
import { tempDir } from '../support/temp.js';

interface MemberJson {
  tenant?: string;
  username: string;
  status: string;
  plan: string | null;
  max_sessions: number | null;
  line: string | null;
}

let cli: Cli;
const ids: Record<string, number> = {};
const A = ['--tenant', 'asso-a'];
const B = ['--tenant', 'asso-b'];

beforeAll(async () => {
  cli = await cliOnFreshDatabase();
  await cli.ok(['tenant', 'add', 'asso-a', '--realm', 'asso-a.example', '--grace-days', '0']);
  await cli.ok(['tenant', 'add', 'asso-b', '--realm', 'asso-b.example']);
  for (const t of await cli.sql<{ id: number; name: string }>('SELECT id, name FROM tenants')) ids[t.name] = t.id;
  await cli.ok(['plan', 'add', 'fibre', '--attr', 'Session-Timeout=3600', ...A]);
  await cli.ok(['plan', 'add', 'fibre', '--attr', 'Session-Timeout=7200', ...B]);
  await cli.ok(['plan', 'add', 'b-only', ...B]);
  const same = ['--plan', 'fibre', '--ipv4', '192.0.2.10', '--paid-until', '2026-11-01'];
  await cli.ok(['member', 'add', 'alice', '--password', 'alice-of-a-1', '--max-sessions', '1', ...same, ...A]);
  await cli.ok(['member', 'add', 'alice', '--password', 'alice-of-b-1', '--max-sessions', '2', ...same, ...B]);
  await cli.ok(['member', 'add', 'bob', '--password', 'bob-of-a-1', ...A]);
  await cli.ok(['member', 'add', 'bob', '--password', 'bob-of-b-1', ...B]);
  await cli.ok(['member', 'add', 'carol', '--password', 'carol-of-b-1', ...B]);
});

/** The row of member `username` in tenant `tenant`, read behind the CLI's back. */
async function row(tenant: string, username: string): Promise<Record<string, unknown> | undefined> {
  const rows = await cli.sql('SELECT * FROM members WHERE tenant_id = $1 AND username = $2', [ids[tenant], username]);
  return rows[0];
}

/** Refused as a member that does not exist, and nothing in the words says another tenant has one. */
function notFound(r: CliResult, username: string): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`radassoc: no member named ${username}; see \`radassoc member list\`\n`);
}

describe('a deployment with several tenants', () => {
  it('refuses a scoped command that does not say which tenant, saying what to add', async () => {
    for (const args of [['member', 'list'], ['member', 'show', 'alice'], ['plan', 'list'], ['audit'], ['dues', 'run', '--dry-run'], ['diagnose', 'alice']]) {
      const r = await cli.run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('radassoc: this deployment serves 3 tenants (asso-a, asso-b, default): say which one; add `--tenant NAME` or set RADASSOC_TENANT\n');
    }
  });

  it('acts in the tenant RADASSOC_TENANT names, and --tenant beats it', async () => {
    const b = await cli.json<MemberJson[]>(['member', 'list'], { env: { RADASSOC_TENANT: 'asso-b' } });
    expect(b.map((m) => m.username)).toEqual(['alice', 'bob', 'carol']);
    const a = await cli.json<MemberJson[]>(['member', 'list', ...A], { env: { RADASSOC_TENANT: 'asso-b' } });
    expect(a.map((m) => m.username)).toEqual(['alice', 'bob']);
    const none = await cli.run(['member', 'list'], { env: { RADASSOC_TENANT: 'asso-z' } });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('radassoc: no tenant named asso-z; see `radassoc tenant list`\n');
  });

  it('refuses --all-tenants for a change, and with --tenant', async () => {
    const change = await cli.run(['member', 'set', 'alice', '--max-sessions', '9', '--all-tenants']);
    expect(change.code).toBe(1);
    expect(change.stderr).toMatch(/--all-tenants shows every tenant in a listing; a change acts in one tenant; use `--tenant NAME` instead/);
    const both = await cli.run(['member', 'list', '--all-tenants', ...A]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--tenant asso-a and --all-tenants ask for two different scopes/);
    expect((await row('asso-a', 'alice'))?.max_sessions).toBe(1);
    expect((await row('asso-b', 'alice'))?.max_sessions).toBe(2);
  });
});

describe('members of one tenant, seen from the other', () => {
  it('lists and shows only the scope\'s own members; the same name is a different member', async () => {
    const a = await cli.json<MemberJson>(['member', 'show', 'alice', ...A]);
    const b = await cli.json<MemberJson>(['member', 'show', 'alice', ...B]);
    expect([a.max_sessions, b.max_sessions]).toEqual([1, 2]);
    expect(a).not.toHaveProperty('tenant');
  });

  it('answers "no member" for a member only the other tenant has, whatever the case or realm typed', async () => {
    for (const name of ['carol', 'carol@asso-b.example', 'carol@ASSO-B.EXAMPLE', 'asso-b.example/carol']) {
      notFound(await cli.run(['member', 'show', name, ...A]), name);
    }
    notFound(await cli.run(['member', 'set', 'carol', '--max-sessions', '9', ...A]), 'carol');
    notFound(await cli.run(['member', 'passwd', 'carol', '--password', 'taken-over-1', ...A]), 'carol');
    notFound(await cli.run(['member', 'suspend', 'carol', '--reason', 'probe', ...A]), 'carol');
    notFound(await cli.run(['member', 'resume', 'carol', ...A]), 'carol');
    notFound(await cli.run(['member', 'remove', 'carol', ...A]), 'carol');
    expect(await row('asso-b', 'carol')).toMatchObject({ status: 'active', max_sessions: null, cleartext: 'carol-of-b-1' });
  });

  it('changes, suspends, resumes and re-keys only the scope\'s member of a shared name', async () => {
    const before = await row('asso-b', 'bob');
    await cli.ok(['member', 'set', 'bob', '--max-sessions', '5', ...A]);
    await cli.ok(['member', 'passwd', 'bob', '--password', 'bob-of-a-2', ...A]);
    await cli.ok(['member', 'suspend', 'bob', '--reason', 'asked to pause', ...A]);
    expect(await row('asso-a', 'bob')).toMatchObject({ max_sessions: 5, cleartext: 'bob-of-a-2', status: 'suspended' });
    expect(await row('asso-b', 'bob')).toEqual(before);
    await cli.ok(['member', 'resume', 'bob', ...A]);
    expect((await row('asso-a', 'bob'))?.status).toBe('active');
    await cli.ok(['member', 'remove', 'bob', ...A]);
    expect(await row('asso-a', 'bob')).toBeUndefined();
    expect(await row('asso-b', 'bob')).toEqual(before);
    await cli.ok(['member', 'add', 'bob', '--password', 'bob-of-a-3', ...A]);
  });

  it('marks each row with its tenant in the deployment-wide listing', async () => {
    const all = await cli.json<MemberJson[]>(['member', 'list', '--all-tenants']);
    expect(all.map((m) => `${m.tenant}:${m.username}`)).toEqual(['asso-a:alice', 'asso-b:alice', 'asso-a:bob', 'asso-b:bob', 'asso-b:carol']);
    const table = await cli.ok(['member', 'list', '--all-tenants']);
    expect(table.split('\n')[0]).toMatch(/^tenant\s+username\s+status/);
    expect((await cli.ok(['member', 'list', ...A])).split('\n')[0]).toMatch(/^username\s+status/);
  });
});

describe('access lines', () => {
  it('binds a line to one member of a tenant; the other tenant may bind the same line', async () => {
    const a = await cli.json<MemberJson>(['member', 'set', 'alice', '--line', 'olt1 eth 1/1/1:100', ...A]);
    expect(a.line).toBe('olt1 eth 1/1/1:100');
    const clash = await cli.run(['member', 'set', 'bob', '--line', 'olt1 eth 1/1/1:100', ...A]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toBe("radassoc: line olt1 eth 1/1/1:100 is already bound to member alice; choose another, or free it first with `radassoc member set alice --line ''`\n");
    const b = await cli.json<MemberJson>(['member', 'set', 'carol', '--line', 'olt1 eth 1/1/1:100', ...B]);
    expect(b.line).toBe('olt1 eth 1/1/1:100');
  });

  it('names only a holder of the same tenant, shows the line, and clears it with an empty value', async () => {
    await cli.ok(['member', 'set', 'alice', '--line', 'L-200', ...B]);
    // The line A's bob asks for is B's alice's: free in A, and A learns nothing of B.
    expect((await cli.json<MemberJson>(['member', 'set', 'bob', '--line', 'L-200', ...A])).line).toBe('L-200');
    expect((await cli.json<MemberJson>(['member', 'show', 'bob', ...A])).line).toBe('L-200');
    expect(await cli.ok(['member', 'show', 'bob', ...A])).toMatch(/^line:\s+L-200$/m);
    expect((await cli.json<MemberJson>(['member', 'set', 'bob', '--line', '', ...A])).line).toBeNull();
    expect((await row('asso-b', 'alice'))?.line_id).toBe('L-200');
  });

  it('adds a member with its line, and refuses one that is not a line identifier', async () => {
    expect((await cli.json<MemberJson>(['member', 'add', 'erin', '--password', 'erin-of-a-1', '--line', 'L-300', ...A])).line).toBe('L-300');
    const bad = await cli.run(['member', 'set', 'erin', '--line', 'x'.repeat(254), ...A]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/the access-line identifier \(Agent-Circuit-Id, Agent-Remote-Id or NAS-Port-Id\) is 1 to 253 octets/);
  });
});

describe('member import', () => {
  const csv = (name: string, lines: string[]): string => {
    const path = join(tempDir('radassoc-tenancy-'), name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };

  it('checks names, addresses, lines and plans against the scope\'s tenant only', async () => {
    // carol, 192.0.2.10, olt1… and b-only are all B's: none of them is a clash in A, and A has no plan b-only.
    const file = csv('a.csv', ['username,password,plan,ipv4,line', 'carol,carol-of-a-1,fibre,192.0.2.11,olt1 eth 1/1/1:100', 'dave,dave-of-a-1,b-only,,']);
    const r = await cli.run(['member', 'import', file, ...A]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 2: line olt1 eth 1\/1\/1:100 is already bound to member alice/);
    expect(r.stderr).toMatch(/line 3: no plan named b-only/);
    expect(r.stderr).not.toMatch(/carol already exists/);
    const ok = csv('a2.csv', ['username,password,plan,ipv4,line', 'carol,carol-of-a-1,fibre,192.0.2.11,L-400', 'dave,dave-of-a-1,,,']);
    expect(await cli.ok(['member', 'import', ok, ...A])).toBe('imported 2 members\n');
    expect(await row('asso-a', 'carol')).toMatchObject({ plan: 'fibre', line_id: 'L-400', cleartext: 'carol-of-a-1' });
    expect(await row('asso-b', 'carol')).toMatchObject({ cleartext: 'carol-of-b-1' });
    const again = await cli.run(['member', 'import', csv('a3.csv', ['username,password', 'alice,alice-again-1']), ...A]);
    expect(again.stderr).toMatch(/line 2: member alice already exists/);
  });
});

describe('plans of one tenant, seen from the other', () => {
  it('lists, shows and changes only the scope\'s plans', async () => {
    const a = await cli.json<Array<{ name: string; attributes: unknown }>>(['plan', 'list', ...A]);
    expect(a).toEqual([expect.objectContaining({ name: 'fibre', attributes: [{ name: 'Session-Timeout', value: '3600' }] })]);
    expect((await cli.json<Array<{ name: string }>>(['plan', 'list', ...B])).map((p) => p.name)).toEqual(['b-only', 'fibre']);
    const show = await cli.run(['plan', 'show', 'b-only', ...A]);
    expect(show.code).toBe(1);
    expect(show.stderr).toBe('radassoc: no plan named b-only; see `radassoc plan list`\n');
    await cli.ok(['plan', 'set', 'fibre', '--attr', 'Session-Timeout=600', ...A]);
    expect(await cli.json(['plan', 'show', 'fibre', ...B])).toMatchObject({ attributes: [{ name: 'Session-Timeout', value: '7200' }] });
    expect((await cli.run(['plan', 'set', 'b-only', '--clear', ...A])).stderr).toMatch(/no plan named b-only/);
    expect((await cli.run(['plan', 'remove', 'b-only', ...A])).stderr).toMatch(/no plan named b-only/);
    expect(await cli.sql('SELECT name FROM plans WHERE tenant_id = $1 ORDER BY name', [ids['asso-b']])).toEqual([{ name: 'b-only' }, { name: 'fibre' }]);
  });

  it('counts only the scope\'s members on a plan it refuses to remove', async () => {
    const r = await cli.run(['plan', 'remove', 'fibre', ...B]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^radassoc: plan fibre is used by 1 member;/);
  });

  it('marks each plan with its tenant in the deployment-wide listing', async () => {
    const all = await cli.json<Array<{ tenant: string; name: string }>>(['plan', 'list', '--all-tenants']);
    expect(all.map((p) => `${p.tenant}:${p.name}`)).toEqual(['asso-b:b-only', 'asso-a:fibre', 'asso-b:fibre']);
  });
});

describe('the audit log', () => {
  it('shows a tenant its own entries only, and the deployment-wide view marks each', async () => {
    const a = await cli.json<Array<{ id: number; target: string }>>(['audit', '--limit', '1000', ...A]);
    const mine = await cli.sql<{ id: string }>('SELECT id FROM audit_log WHERE tenant_id = $1 ORDER BY id DESC', [ids['asso-a']]);
    expect(a.map((e) => String(e.id))).toEqual(mine.map((r) => String(r.id)));
    expect(a.some((e) => e.target === 'plan:b-only')).toBe(false);
    expect(await cli.json(['audit', '--user', 'alice', '--limit', '1000', ...A])).toHaveLength(
      (await cli.sql("SELECT 1 FROM audit_log WHERE tenant_id = $1 AND target = 'member:alice'", [ids['asso-a']])).length,
    );
    const all = await cli.json<Array<{ tenant: string | null; action: string }>>(['audit', '--all-tenants', '--limit', '1000']);
    expect(all.length).toBe((await cli.sql('SELECT 1 FROM audit_log')).length);
    expect(new Set(all.map((e) => e.tenant))).toEqual(new Set(['asso-a', 'asso-b', null]));
    expect(all.find((e) => e.action === 'schema.migrate')?.tenant).toBeNull();
  });
});

describe('diagnose', () => {
  beforeAll(async () => {
    const at = new Date(Date.now() - 60_000);
    await cli.sql(
      `INSERT INTO auth_log (time, username, nas, method, result, reason, tenant_id) VALUES
         ($1, 'alice', 'bras-a', 'pap', 'accept', NULL, $2), ($1, 'alice', 'lns-b', 'pap', 'reject', 'bad-password', $3),
         ($1, 'zed', 'lns-b', 'pap', 'reject', 'unknown-user', $3)`,
      [at, ids['asso-a'], ids['asso-b']],
    );
    await cli.sql(
      `INSERT INTO usage_sessions (unique_id, nas, acct_session_id, username, start_time, stop_time, last_update, seconds, tenant_id)
       VALUES ('b-session', 'lns-b', 'b-1', 'alice', $1, $1, $1, 60, $2)`,
      [at, ids['asso-b']],
    );
  });

  it('reads the scope\'s member, plan, logins and sessions, nothing of the other tenant\'s', async () => {
    const d = await cli.json<{ member: { maxSessions: number; planAttributes: unknown }; logins: Array<{ nas: string }>; finishedSessions: unknown[] }>(['diagnose', 'alice', ...A]);
    expect(d.member).toMatchObject({ maxSessions: 1, planAttributes: [{ name: 'Session-Timeout', value: '600' }] });
    expect(d.logins.map((l) => l.nas)).toEqual(['bras-a']);
    expect(d.finishedSessions).toEqual([]);
    const b = await cli.json<{ logins: Array<{ nas: string }>; finishedSessions: unknown[] }>(['diagnose', 'alice', ...B]);
    expect(b.logins.map((l) => l.nas)).toEqual(['lns-b']);
    expect(b.finishedSessions).toHaveLength(1);
  });

  it('says nothing of the other tenant\'s attempts under a name the scope has no member of', async () => {
    const r = await cli.run(['diagnose', 'zed', ...A]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('radassoc: no member named zed; see `radassoc member list`\n');
    const inB = await cli.run(['diagnose', 'zed', ...B]);
    expect(inB.stderr).toMatch(/lns-b/);
  });
});

describe('dues run', () => {
  it('suspends in the scope\'s tenant only, after that tenant\'s own grace days', async () => {
    // Both alices paid until 2026-11-01; asso-a gives no grace, asso-b the deployment's 7 days.
    const a = await cli.json<{ grace_days: number; lapsed: Array<{ username: string }> }>(['dues', 'run', '--today', '2026-11-05', ...A]);
    expect(a.grace_days).toBe(0);
    expect(a.lapsed.map((m) => m.username)).toEqual(['alice']);
    expect(await row('asso-a', 'alice')).toMatchObject({ status: 'suspended', suspension_kind: 'dues' });
    expect((await row('asso-b', 'alice'))?.status).toBe('active');
    const b = await cli.json<{ grace_days: number; lapsed: unknown[] }>(['dues', 'run', '--today', '2026-11-05', ...B]);
    expect(b).toMatchObject({ grace_days: 7, lapsed: [] });
    expect((await row('asso-b', 'alice'))?.status).toBe('active');
  });

  it('lifts only the scope\'s dues suspension on a new paid-until', async () => {
    await cli.ok(['dues', 'run', '--today', '2026-11-20', ...B]);
    expect((await row('asso-b', 'alice'))?.status).toBe('suspended');
    await cli.ok(['member', 'set', 'alice', '--paid-until', '2099-12-31', ...A]);
    expect((await row('asso-a', 'alice'))?.status).toBe('active');
    expect((await row('asso-b', 'alice'))?.status).toBe('suspended');
  });
});
