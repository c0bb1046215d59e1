import { beforeAll, describe, expect, it } from 'vitest';
import { cliOnFreshDatabase, type Cli } from './cli-harness.js';

interface TenantJson {
  name: string;
  display_name: string;
  realms: string[];
  strip_realm: boolean;
  settings: Record<string, unknown>;
  attributes: Array<{ name: string; value: string }>;
}

let cli: Cli;
beforeAll(async () => {
  cli = await cliOnFreshDatabase();
});

/** One refusal on stderr, nothing on stdout, exit 1. */
async function refused(args: string[], message: RegExp): Promise<string> {
  const r = await cli.run(args);
  expect(r.code, args.join(' ')).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r.stderr;
}

describe('radassoc tenant add, list and show', () => {
  it('adds a tenant with realms folded to lower case, its own settings and reply attributes', async () => {
    const t = await cli.json<TenantJson>([
      'tenant', 'add', 'asso-a', '--display-name', 'Association A', '--realm', 'Asso-A.Example', '--realm', 'a2',
      '--grace-days', '0', '--lockout', '5', '--auth-log-days', '30', '--reply-message', 'suspended=Pay your dues at asso-a.example',
      '--attribute', 'Tunnel-Type:1=L2TP', '--attribute', 'Tunnel-Medium-Type:1=IPv4', '--attribute', 'Tunnel-Server-Endpoint:1=192.0.2.1',
    ]);
    expect(t).toMatchObject({
      name: 'asso-a',
      display_name: 'Association A',
      realms: ['a2', 'asso-a.example'],
      strip_realm: true,
      settings: { dues_grace_days: 0, lockout_threshold: 5, auth_log_retention_days: 30, reply_messages: { suspended: 'Pay your dues at asso-a.example' } },
      attributes: [
        { name: 'Tunnel-Type:1', value: 'L2TP' },
        { name: 'Tunnel-Medium-Type:1', value: 'IPv4' },
        { name: 'Tunnel-Server-Endpoint:1', value: '192.0.2.1' },
      ],
    });
    const rows = await cli.sql<{ realm: string; name: string }>('SELECT r.realm, t.name FROM tenant_realms r JOIN tenants t ON t.id = r.tenant_id ORDER BY realm');
    expect(rows).toEqual([{ realm: 'a2', name: 'asso-a' }, { realm: 'asso-a.example', name: 'asso-a' }]);
  });

  it('keeps the realm in the username when asked, and names the tenant after itself without a display name', async () => {
    const t = await cli.json<TenantJson>(['tenant', 'add', 'asso-b', '--realm', 'asso-b.example', '--keep-realm']);
    expect(t).toMatchObject({ name: 'asso-b', display_name: 'asso-b', realms: ['asso-b.example'], strip_realm: false, settings: {}, attributes: [] });
  });

  it('lists every tenant with its realms and member count', async () => {
    await cli.ok(['member', 'add', 'alice', '--password', 'alice-pw-1', '--tenant', 'asso-a']);
    const rows = await cli.json<Array<TenantJson & { members: number }>>(['tenant', 'list']);
    expect(rows.map((r) => [r.name, r.realms, r.members])).toEqual([
      ['asso-a', ['a2', 'asso-a.example'], 1],
      ['asso-b', ['asso-b.example'], 0],
      ['default', [], 0],
    ]);
    const table = await cli.ok(['tenant', 'list']);
    expect(table.split('\n')[0]).toMatch(/^name\s+display_name\s+realms\s+strip_realm\s+members$/);
  });

  it('shows a tenant with what it holds', async () => {
    const t = await cli.json<Record<string, unknown>>(['tenant', 'show', 'asso-a']);
    expect(t).toMatchObject({ name: 'asso-a', members: 1, plans: 0, nas: [], shared_nas: [], usage_sessions: 0 });
    await refused(['tenant', 'show', 'nope'], /^radassoc: no tenant named nope; see `radassoc tenant list`\n$/);
  });

  it('audits each change with the tenant it concerns', async () => {
    const rows = await cli.sql<{ action: string; target: string; name: string | null }>(
      "SELECT a.action, a.target, t.name FROM audit_log a LEFT JOIN tenants t ON t.id = a.tenant_id WHERE a.action LIKE 'tenant.%' ORDER BY a.id",
    );
    expect(rows).toEqual([
      { action: 'tenant.add', target: 'tenant:asso-a', name: 'asso-a' },
      { action: 'tenant.add', target: 'tenant:asso-b', name: 'asso-b' },
    ]);
  });
});

describe('what a tenant add or set refuses', () => {
  it('refuses a realm another tenant routes, in any case, naming the realm and its tenant', async () => {
    await refused(['tenant', 'add', 'asso-c', '--realm', 'ASSO-A.example'], /^radassoc: realm asso-a\.example already routes to tenant asso-a: .*--remove-realm asso-a\.example`\n$/);
    await refused(['tenant', 'set', 'asso-b', '--add-realm', 'a2'], /realm a2 already routes to tenant asso-a/);
    expect(await cli.sql('SELECT 1 FROM tenants WHERE name = $1', ['asso-c'])).toEqual([]);
  });

  it('refuses names and realms that are not names, and a duplicate tenant', async () => {
    await refused(['tenant', 'add', 'Asso C'], /invalid tenant name "Asso C": lower-case letters/);
    await refused(['tenant', 'add', 'asso-c', '--realm', 'bad_realm'], /invalid realm "bad_realm": a domain-like name/);
    await refused(['tenant', 'add', 'asso-c', '--realm', 'a..b'], /invalid realm "a\.\.b"/);
    await refused(['tenant', 'add', 'asso-c', '--realm', 'a-.example'], /invalid realm "a-\.example"/);
    await refused(['tenant', 'add', 'asso-a'], /^radassoc: tenant asso-a already exists; change it with `radassoc tenant set asso-a \.\.\.`\n$/);
  });

  it('checks reply attributes against the dictionaries and settings against what they can be', async () => {
    await refused(['tenant', 'add', 'asso-c', '--attribute', 'Tunel-Type:1=L2TP'], /unknown attribute 'Tunel-Type'; did you mean Tunnel-Type\?/);
    await refused(['tenant', 'add', 'asso-c', '--reply-message', 'suspend=x'], /--reply-message 'suspend=x' is not reason=text; the reasons are .*suspended/);
    await refused(['tenant', 'add', 'asso-c', '--grace-days', 'soon'], /--grace-days "soon": expected a whole number, or default/);
    await refused(['tenant', 'add', 'asso-c', '--lockout', '0'], /--lockout "0": expected a whole number from 1 to/);
    await refused(['tenant', 'add', 'asso-c', '--keep-realm', '--strip-realm'], /give one of --keep-realm, --strip-realm, not several/);
    await refused(['tenant', 'add', 'asso-c', '--restricted-plan', 'walled'], /a new tenant has no plan yet.*`radassoc plan add walled --tenant asso-c \.\.\.`/);
    expect(await cli.sql('SELECT 1 FROM tenants WHERE name = $1', ['asso-c'])).toEqual([]);
  });

  it('refuses a restricted plan the tenant does not have, even if another tenant has one of that name', async () => {
    await cli.ok(['plan', 'add', 'walled', '--tenant', 'asso-b']);
    await refused(['tenant', 'set', 'asso-a', '--restricted-plan', 'walled'], /^radassoc: no plan named walled; see `radassoc plan list`\n$/);
    const t = await cli.json<TenantJson>(['tenant', 'set', 'asso-b', '--restricted-plan', 'walled']);
    expect(t.settings).toEqual({ restricted_plan: 'walled' });
  });

  it('says what to give when nothing would change', async () => {
    await refused(['tenant', 'set', 'asso-a'], /nothing to change: give at least one of --display-name/);
  });
});

describe('radassoc tenant set', () => {
  it('adds and removes realms, gives settings back to the deployment and replaces or clears attributes', async () => {
    let t = await cli.json<TenantJson>(['tenant', 'set', 'asso-a', '--add-realm', 'A3.example', '--remove-realm', 'a2', '--grace-days', 'default', '--lockout', '8']);
    expect(t.realms).toEqual(['a3.example', 'asso-a.example']);
    expect(t.settings).toEqual({ lockout_threshold: 8, auth_log_retention_days: 30, reply_messages: { suspended: 'Pay your dues at asso-a.example' } });
    t = await cli.json<TenantJson>(['tenant', 'set', 'asso-a', '--reply-message', 'suspended=', '--reply-message', 'bad-password=Wrong password, see asso-a.example', '--attribute', 'Session-Timeout=3600']);
    expect(t.settings.reply_messages).toEqual({ 'bad-password': 'Wrong password, see asso-a.example' });
    expect(t.attributes).toEqual([{ name: 'Session-Timeout', value: '3600' }]);
    t = await cli.json<TenantJson>(['tenant', 'set', 'asso-a', '--clear-attributes', '--realm', 'asso-a.example', '--display-name', 'Asso A']);
    expect(t).toMatchObject({ display_name: 'Asso A', realms: ['asso-a.example'], attributes: [] });
    const audit = await cli.sql<{ before: TenantJson; after: TenantJson }>("SELECT before, after FROM audit_log WHERE action = 'tenant.set' ORDER BY id DESC LIMIT 1");
    expect(audit[0]?.before.display_name).toBe('Association A');
    expect(audit[0]?.after.display_name).toBe('Asso A');
  });

  it('frees a removed realm for another tenant', async () => {
    const t = await cli.json<TenantJson>(['tenant', 'set', 'asso-b', '--add-realm', 'a2']);
    expect(t.realms).toEqual(['a2', 'asso-b.example']);
  });
});

describe('radassoc tenant set: the member space', () => {
  it('sets the link for suspended members and the password length, shows them, and gives them back', async () => {
    let t = await cli.json<TenantJson>(['tenant', 'set', 'asso-b', '--member-space-link', 'https://asso-b.example/dues?who=me', '--password-min-length', '12']);
    expect(t.settings).toMatchObject({ member_space_link: 'https://asso-b.example/dues?who=me', password_min_length: 12 });
    const shown = await cli.ok(['tenant', 'show', 'asso-b']);
    expect(shown).toContain('https://asso-b.example/dues?who=me');
    expect(shown).toContain('12');
    expect((await cli.json<TenantJson>(['tenant', 'show', 'asso-b'])).settings).toMatchObject({ member_space_link: 'https://asso-b.example/dues?who=me', password_min_length: 12 });
    // Markup in a link is kept as the URL parser writes it: percent-encoded, never as typed.
    t = await cli.json<TenantJson>(['tenant', 'set', 'asso-b', '--member-space-link', 'https://asso-b.example/pay?x="><img/src=x/onerror=alert(1)>']);
    expect(t.settings.member_space_link).toBe('https://asso-b.example/pay?x=%22%3E%3Cimg/src=x/onerror=alert(1)%3E');
    t = await cli.json<TenantJson>(['tenant', 'set', 'asso-b', '--member-space-link', 'default', '--password-min-length', 'default']);
    expect(t.settings).not.toHaveProperty('member_space_link');
    expect(t.settings).not.toHaveProperty('password_min_length');
  }, 120_000);

  it('refuses a link that is not http(s) and a length outside 8 to 128, saying what would do', async () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'ftp://asso.example/', '/dues', 'https://user:pw@asso.example/', 'https://asso.example/a b']) {
      const err = await refused(['tenant', 'set', 'asso-b', '--member-space-link', bad], /--member-space-link .*: expected an http:\/\/ or https:\/\/ address without spaces, e.g. https:\/\/asso.example\/dues\n$/);
      expect(err).not.toContain('pw@');
    }
    await refused(['tenant', 'set', 'asso-b', '--member-space-link', ''], /--member-space-link needs a value\n$/);
    await refused(['tenant', 'set', 'asso-b', '--password-min-length', '7'], /--password-min-length "7": expected a whole number from 8 to 128/);
    await refused(['tenant', 'set', 'asso-b', '--password-min-length', '129'], /--password-min-length "129": expected a whole number from 8 to 128/);
    await refused(['tenant', 'set', 'asso-b', '--password-min-length', 'long'], /--password-min-length "long": expected a whole number, or default/);
    expect((await cli.json<TenantJson>(['tenant', 'show', 'asso-b'])).settings).not.toHaveProperty('member_space_link');
  }, 120_000);
});

describe('radassoc tenant remove', () => {
  it('refuses while the tenant holds members or plans, saying what to remove', async () => {
    const err = await refused(['tenant', 'remove', 'asso-a'], /^radassoc: tenant asso-a still holds 1 member; remove them first: `radassoc member remove USERNAME --tenant asso-a`\n$/);
    expect(err).not.toContain('alice');
    await refused(['tenant', 'remove', 'asso-b'], /tenant asso-b still holds 1 plan; .*`radassoc plan remove PLAN --tenant asso-b`/);
  });

  it('removes an empty tenant with its realms, keeping its audit rows as the deployment\'s', async () => {
    await cli.ok(['tenant', 'add', 'short-lived', '--realm', 'gone.example']);
    expect(await cli.ok(['tenant', 'remove', 'short-lived'])).toBe('removed tenant short-lived\n');
    expect(await cli.sql('SELECT realm FROM tenant_realms WHERE realm = $1', ['gone.example'])).toEqual([]);
    const audit = await cli.sql<{ action: string; tenant_id: number | null }>("SELECT action, tenant_id FROM audit_log WHERE target = 'tenant:short-lived' ORDER BY id");
    expect(audit).toEqual([{ action: 'tenant.add', tenant_id: null }, { action: 'tenant.remove', tenant_id: null }]);
    await refused(['tenant', 'remove', 'short-lived'], /no tenant named short-lived/);
  });

  it('refuses while the connection register still holds its rows, saying when they go', async () => {
    await cli.ok(['tenant', 'add', 'asso-register']);
    await cli.sql(
      `INSERT INTO connection_register (unique_id, tenant_id, username, nas, start_time, stop_time)
       SELECT 'reg-1', id, 'gone-member', 'bras', now() - interval '2 days', now() - interval '1 day' FROM tenants WHERE name = 'asso-register'`,
    );
    const err = await refused(['tenant', 'remove', 'asso-register'], /^radassoc: tenant asso-register still holds 1 connection register row \(kept for the legal period\); remove them first: the register rows go when their period ends \(`radassoc retention show --tenant asso-register`\); the tenant can be removed after\n$/);
    expect(err).not.toContain('gone-member');
    await cli.sql("DELETE FROM connection_register WHERE unique_id = 'reg-1'");
    expect(await cli.ok(['tenant', 'remove', 'asso-register'])).toBe('removed tenant asso-register\n');
  });

  it('never removes the last tenant', async () => {
    const alone = await cliOnFreshDatabase();
    const r = await alone.run(['tenant', 'remove', 'default']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tenant default is the deployment's only tenant and cannot be removed/);
  });
});
