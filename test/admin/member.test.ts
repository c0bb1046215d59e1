import { beforeAll, describe, expect, it } from 'vitest';
import { auditText, cliOnFreshDatabase, type Cli } from './cli-harness.js';

interface MemberJson {
  username: string;
  status: string;
  suspended_reason: string | null;
  plan: string | null;
  ipv4: string | null;
  ipv6_prefix: string | null;
  max_sessions: number | null;
  paid_until: string | null;
  auth: string[];
  serves: string[];
  credential: string;
}

const PASSWORDS = ['Alice-pw-1', 'bob pw from stdin', 'Alice-new-2', 'carol-pap-only'];

let cli: Cli;
beforeAll(async () => {
  cli = await cliOnFreshDatabase();
  await cli.ok(['plan', 'add', 'basic', '--attr', 'Session-Timeout=86400']);
  await cli.ok(['plan', 'add', 'fast', '--attr', 'Mikrotik-Rate-Limit=50M/50M']);
});

/** One line on stderr, nothing on stdout, exit 1. */
async function refused(args: string[], message: RegExp | string, input?: string): Promise<void> {
  const r = await cli.run(args, input === undefined ? {} : { input });
  expect(r.code, args.join(' ')).toBe(1);
  expect(r.stdout).toBe('');
  if (typeof message === 'string') expect(r.stderr).toBe(`radassoc: ${message}\n`);
  else expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  for (const pw of PASSWORDS) expect(r.stderr).not.toContain(pw);
}

describe('radassoc member add and show', () => {
  it('adds a member with every field and shows it without the credential', async () => {
    const out = await cli.ok([
      'member', 'add', 'alice', '--password', PASSWORDS[0]!, '--plan', 'basic', '--ipv4', '192.0.2.10',
      '--ipv6-prefix', '2001:DB8:1200::/56', '--max-sessions', '2', '--paid-until', '2026-12-31',
    ]);
    expect(out).toBe('added member alice (auth: pap,chap,mschapv1,mschapv2; credential: cleartext)\n');
    const shown = await cli.ok(['member', 'show', 'alice']);
    expect(shown).toMatch(/^username:\s+alice$/m);
    expect(shown).toMatch(/^ipv6_prefix:\s+2001:db8:1200::\/56$/m);
    expect(shown).toMatch(/^serves:\s+pap,chap,mschapv1,mschapv2$/m);
    expect(shown).toMatch(/^credential:\s+cleartext$/m);
    expect(shown).not.toContain(PASSWORDS[0]);
  });

  it('reads the password from the first line of stdin and keeps only a strong hash for --auth pap', async () => {
    const bob = await cli.json<MemberJson>(['member', 'add', 'bob', '--password-stdin'], { input: `${PASSWORDS[1]}\r\nignored\n` });
    expect(bob).toMatchObject({ username: 'bob', auth: ['pap', 'chap', 'mschapv1', 'mschapv2'], credential: 'cleartext' });
    const stored = await cli.sql<{ cleartext: string }>("SELECT cleartext FROM members WHERE username = 'bob'");
    expect(stored[0]?.cleartext).toBe(PASSWORDS[1]);
    const carol = await cli.json<MemberJson>(['member', 'add', 'carol', '--password', PASSWORDS[3]!, '--auth', 'pap']);
    expect(carol).toMatchObject({ auth: ['pap'], serves: ['pap'], credential: 'strong-hash' });
    const row = await cli.sql<Record<string, unknown>>("SELECT cleartext, nt_hash, strong_hash FROM members WHERE username = 'carol'");
    expect(row[0]).toMatchObject({ cleartext: null, nt_hash: null, strong_hash: expect.stringMatching(/^scrypt\$/) });
    const shown = await cli.json<MemberJson>(['member', 'show', 'carol']);
    expect(Object.keys(shown)).not.toContain('password');
    expect(JSON.stringify(shown)).not.toMatch(/scrypt|carol-pap-only/);
  });

  it('refuses every mistake with one line that says what to do', async () => {
    await refused(['member', 'add', 'alice', '--password', 'x'], /member alice already exists; change it with `radassoc member set alice \.\.\.` or its password with `radassoc member passwd alice`/);
    await refused(['member', 'add', 'dave'], /give the password with --password <password> or --password-stdin/);
    await refused(['member', 'add', 'dave', '--password', 'x', '--password-stdin'], 'give the password either with --password or with --password-stdin, not both', 'x\n');
    await refused(['member', 'add', 'dave', '--password-stdin'], /nothing came on standard input/, '');
    await refused(['member', 'add', 'dave', '--password', 'x', '--plan', 'gold'], 'no plan named gold; see `radassoc plan list`');
    await refused(['member', 'add', 'dave', '--password', 'x', '--ipv4', '10.0.0.300'], '"10.0.0.300" is not an IPv4 address like 192.0.2.10');
    await refused(['member', 'add', 'dave', '--password', 'x', '--ipv6-prefix', '2001:db8::1/56'], /host bits set.*did you mean 2001:db8::\/56/);
    await refused(['member', 'add', 'dave', '--password', 'x', '--ipv6-prefix', '2001:db8::'], /an IPv6 prefix needs a length/);
    await refused(['member', 'add', 'dave', '--password', 'x', '--paid-until', '31/12/2026'], /--paid-until: '31\/12\/2026' is not a date in the form YYYY-MM-DD/);
    await refused(['member', 'add', 'dave', '--password', 'x', '--paid-until', '2026-02-30'], /'2026-02-30' is not a day of the calendar/);
    await refused(['member', 'add', 'dave', '--password', 'x', '--auth', 'pap,eap'], /unknown auth method 'eap'; use --auth all or a comma list/);
    await refused(['member', 'add', 'dave', '--password', 'x', '--max-sessions', 'two'], /--max-sessions must be a whole number/);
    await refused(['member', 'add', 'dave', '--password', 'x', '--ipv4', '192.0.2.10'], /address 192\.0\.2\.10 is already assigned to member alice/);
    await refused(['member', 'add', 'dave', '--password', 'a'.repeat(129)], /longer than 128 octets/);
    await refused(['member', 'show', 'nobody'], 'no member named nobody; see `radassoc member list`');
    expect((await cli.json<MemberJson[]>(['member', 'list'])).map((m) => m.username)).toEqual(['alice', 'bob', 'carol']);
  });
});

describe('radassoc member changes', () => {
  it('changes the password and the methods it serves with passwd', async () => {
    const out = await cli.ok(['member', 'passwd', 'alice', '--password-stdin', '--auth', 'mschapv2'], { input: `${PASSWORDS[2]}\n` });
    expect(out).toBe('password of alice changed (auth: mschapv2; credential: nt-hash)\n');
    const row = await cli.sql<{ cleartext: string | null }>("SELECT cleartext FROM members WHERE username = 'alice'");
    expect(row[0]?.cleartext).toBeNull();
    await refused(['member', 'passwd', 'nobody', '--password', 'x'], 'no member named nobody; see `radassoc member list`');
    await refused(['member', 'passwd', 'alice'], /give the password with --password/);
  });

  it('changes --auth without a password only when the stored credential can serve the new methods', async () => {
    const alice = await cli.json<MemberJson>(['member', 'set', 'alice', '--auth', 'pap,mschapv1,mschapv2']);
    expect(alice).toMatchObject({ auth: ['pap', 'mschapv1', 'mschapv2'], credential: 'nt-hash' });
    await refused(['member', 'set', 'alice', '--auth', 'all'],
      'the stored credential of alice (nt-hash) cannot serve chap; set a new password with `radassoc member passwd alice --auth all`');
    await refused(['member', 'set', 'carol', '--auth', 'pap,chap'], /carol \(strong-hash\) cannot serve chap; set a new password with `radassoc member passwd/);
    // From the cleartext, narrowing to PAP keeps only a strong hash.
    const bob = await cli.json<MemberJson>(['member', 'set', 'bob', '--auth', 'pap']);
    expect(bob).toMatchObject({ auth: ['pap'], credential: 'strong-hash' });
  });

  it('sets and clears fields with member set, "none" clearing', async () => {
    const set = await cli.json<MemberJson>([
      'member', 'set', 'alice', '--plan', 'fast', '--ipv4', '192.0.2.11', '--max-sessions', '3', '--paid-until', '2027-01-31',
    ]);
    expect(set).toMatchObject({ plan: 'fast', ipv4: '192.0.2.11', max_sessions: 3, paid_until: '2027-01-31' });
    const cleared = await cli.json<MemberJson>([
      'member', 'set', 'alice', '--plan', 'none', '--ipv4', 'none', '--ipv6-prefix', 'none', '--max-sessions', 'none', '--paid-until', 'none',
    ]);
    expect(cleared).toMatchObject({ plan: null, ipv4: null, ipv6_prefix: null, max_sessions: null, paid_until: null });
    await refused(['member', 'set', 'alice'], /nothing to change: give at least one of --plan/);
    await refused(['member', 'set', 'alice', '--plan', 'gold'], 'no plan named gold; see `radassoc plan list`');
    await refused(['member', 'set', 'alice', '--paid-until', 'soon'], /is not a date in the form YYYY-MM-DD/);
    await refused(['member', 'set', 'nobody', '--plan', 'fast'], 'no member named nobody; see `radassoc member list`');
  });

  it('suspends with a required reason, lists by status and resumes', async () => {
    await refused(['member', 'suspend', 'bob'], /say why with --reason TEXT/);
    await refused(['member', 'suspend', 'bob', '--reason', '  '], /say why with --reason TEXT/);
    await refused(['member', 'suspend', 'bob', '--reason', 'x'.repeat(501)], 'a reason is at most 500 characters (this one has 501)');
    expect(await cli.ok(['member', 'suspend', 'bob', '--reason', 'dues unpaid'])).toBe('suspended member bob: dues unpaid\n');
    const suspended = await cli.json<MemberJson[]>(['member', 'list', '--status', 'suspended']);
    expect(suspended).toMatchObject([{ username: 'bob', status: 'suspended', suspended_reason: 'dues unpaid' }]);
    const active = await cli.ok(['member', 'list', '--status', 'active']);
    expect(active).toMatch(/^username\s+status\s+plan\s+ipv4\s+ipv6_prefix\s+max_sessions\s+paid_until\s+auth\n/);
    expect(active).toMatch(/^alice\s+active/m);
    expect(active).not.toMatch(/^bob/m);
    expect(await cli.ok(['member', 'resume', 'bob'])).toBe('resumed member bob\n');
    expect(await cli.ok(['member', 'resume', 'bob'])).toBe('member bob was not suspended; nothing changed\n');
    await refused(['member', 'suspend', 'nobody', '--reason', 'x'], 'no member named nobody; see `radassoc member list`');
  });

  it("sets the member's own reply attributes with --attr, shows a password redacted, and clears them with --attr none", async () => {
    await cli.ok(['member', 'add', 'rex', '--password', 'rex-password-1']);
    expect(await cli.ok(['member', 'set', 'rex', '--attr', 'Framed-Route=192.0.2.64/29', '--attr', 'Tunnel-Password:1=tunnel-secret-9'])).toBe('updated member rex\n');
    const shown = await cli.json<{ reply_attributes?: unknown }>(['member', 'show', 'rex']);
    expect(shown.reply_attributes).toEqual([{ name: 'Framed-Route', value: '192.0.2.64/29' }, { name: 'Tunnel-Password:1', value: '[redacted]' }]);
    expect(await cli.ok(['member', 'show', 'rex'])).not.toContain('tunnel-secret-9');
    const [row] = await cli.sql("SELECT reply_attributes FROM members WHERE username = 'rex'");
    expect(row).toEqual({ reply_attributes: [{ name: 'Framed-Route', value: '192.0.2.64/29' }, { name: 'Tunnel-Password:1', value: 'tunnel-secret-9' }] });
    await refused(['member', 'set', 'rex', '--attr', 'Framed-Rout=192.0.2.64/29'], /Framed-Rout.*Framed-Route/);
    await cli.ok(['member', 'set', 'rex', '--attr', 'none']);
    expect(await cli.sql("SELECT reply_attributes FROM members WHERE username = 'rex'")).toEqual([{ reply_attributes: null }]);
    expect(await auditText(cli)).not.toContain('tunnel-secret-9');
    await cli.ok(['member', 'remove', 'rex']);
  });

  it('removes a member', async () => {
    expect(await cli.ok(['member', 'remove', 'carol'])).toBe('removed member carol\n');
    expect(await cli.json(['member', 'remove', 'bob'])).toEqual({ removed: 'bob', erased: { auth_log: 0, disconnect_log: 0, identifiers: 0 } });
    await refused(['member', 'remove', 'carol'], 'no member named carol; see `radassoc member list`');
    expect(await cli.json(['member', 'list'])).toHaveLength(1);
  });

  it('audits every change with who did it, and never a password or hash', async () => {
    await cli.ok(['member', 'set', 'alice', '--max-sessions', '1', '--by', 'treasurer']);
    const rows = await cli.sql<{ actor: string; action: string; target: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(
      "SELECT actor, action, target, before, after FROM audit_log WHERE target LIKE 'member:%' ORDER BY id",
    );
    const actions = rows.map((r) => `${r.action} ${r.target}`);
    expect(actions).toEqual(expect.arrayContaining([
      'member.add member:alice', 'member.passwd member:alice', 'member.set member:alice', 'member.suspend member:bob',
      'member.resume member:bob', 'member.remove member:carol',
    ]));
    const last = rows[rows.length - 1]!;
    expect(last).toMatchObject({ actor: 'treasurer', action: 'member.set', before: { max_sessions: null }, after: { max_sessions: 1 } });
    const text = await auditText(cli);
    for (const pw of PASSWORDS) expect(text).not.toContain(pw);
    expect(text).not.toMatch(/scrypt\$|\\\\x[0-9a-f]{32}/);
  });
});
