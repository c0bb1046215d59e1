/**
 * `radassoc nas` on a deployment of several tenants: a NAS is added in the
 * tenant named (--tenant or RADASSOC_TENANT), a shared one by the operator
 * alone (--shared, never with a tenant), listings show a tenant its own and
 * `--all-tenants` everything with owners; no secret in any output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliOnFreshDatabase, type Cli } from '../admin/cli-harness.js';

const SECRET = 'k4Jx9pQ2vT7mW1zR8bN3cY6hL0sD5fG-';
let cli: Cli;

beforeAll(async () => {
  cli = await cliOnFreshDatabase();
  await cli.sql("INSERT INTO tenants (name, display_name) VALUES ('asso-a', 'A'), ('asso-b', 'B')");
});

describe('radassoc nas with several tenants', () => {
  it('asks which tenant a NAS is for, and adds it to the one named', async () => {
    const r = await cli.run(['nas', 'add', 'bras-a', '--ip', '192.0.2.1', '--secret', SECRET]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--tenant NAME/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await cli.ok(['nas', 'add', 'bras-a', '--ip', '192.0.2.1', '--secret', SECRET, '--tenant', 'asso-a'])).toBe('added NAS bras-a (192.0.2.1/32)\n');
    await cli.ok(['nas', 'add', 'bras-b', '--ip', '192.0.2.2', '--secret', SECRET], { env: { RADASSOC_TENANT: 'asso-b' } });
  });

  it('adds a shared NAS only as the operator, with the tenants it carries', async () => {
    const withTenant = await cli.run(['nas', 'add', 'lac', '--ip', '198.51.100.0/28', '--secret', SECRET, '--shared', '--carries', 'asso-a,asso-b', '--tenant', 'asso-a']);
    expect(withTenant.code).toBe(1);
    expect(withTenant.stderr).toMatch(/--shared acts for the whole deployment/);
    const carriesNothing = await cli.run(['nas', 'add', 'lac', '--ip', '198.51.100.0/28', '--secret', SECRET, '--shared']);
    expect(carriesNothing.code).toBe(1);
    expect(carriesNothing.stderr).toMatch(/must carry at least one tenant.*--carries/);
    const added = await cli.json<Record<string, unknown>>(['nas', 'add', 'lac', '--ip', '198.51.100.0/28', '--secret', SECRET, '--shared', '--carries', 'asso-a', '--carries', 'asso-b']);
    expect(added).toMatchObject({ name: 'lac', shared: true, tenant: null, carries: ['asso-a', 'asso-b'] });
  });

  it("lists a tenant's own NAS and the shared one, marked, and everything with --all-tenants", async () => {
    const table = await cli.ok(['nas', 'list', '--tenant', 'asso-a']);
    expect(table).toMatch(/^name\s+address\s+secret_length\s+coa_port\s+require_message_authenticator\s+disconnect_profile\s+supports_coa\s+shared\n/);
    expect(table).toMatch(/bras-a\s.*\s-\n/);
    expect(table).toMatch(/lac\s.*\strue\n/);
    expect(table).not.toMatch(/bras-b|asso-b/);
    const all = await cli.json<Array<Record<string, unknown>>>(['nas', 'list', '--all-tenants']);
    expect(all.map((n) => [n.name, n.tenant])).toEqual([['bras-a', 'asso-a'], ['bras-b', 'asso-b'], ['lac', null]]);
    expect(JSON.stringify(all) + table).not.toContain(SECRET);
    const shown = await cli.run(['nas', 'show', 'bras-b', '--tenant', 'asso-a']);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toMatch(/no NAS named bras-b/);
  });

  it("keeps the shared NAS out of a tenant's hands, and lets the operator change what it carries", async () => {
    const asTenant = await cli.run(['nas', 'remove', 'lac', '--tenant', 'asso-a']);
    expect(asTenant.code).toBe(1);
    expect(asTenant.stderr).toMatch(/shared by the deployment: only its operator changes it/);
    const set = await cli.json<Record<string, unknown>>(['nas', 'set', 'lac', '--shared', '--remove-carries', 'asso-b']);
    expect(set).toMatchObject({ carries: ['asso-a'] });
    expect(await cli.ok(['nas', 'list', '--tenant', 'asso-b'])).not.toMatch(/lac/);
    expect(await cli.ok(['nas', 'remove', 'lac', '--shared'])).toBe('removed NAS lac\n');
  });
});
