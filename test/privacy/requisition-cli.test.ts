/**
 * The requisition commands and settings as volunteers type them, through
 * the real binary on a fresh PostgreSQL database: the requisition role for
 * people and tokens, the register's retention per tenant, lookups recorded
 * with or without a result, mistakes answered with what to do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliOnFreshDatabase, type Cli } from '../admin/cli-harness.js';

let cli: Cli;

beforeAll(async () => {
  cli = await cliOnFreshDatabase();
});

const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at /);

describe('the requisition role', () => {
  it('is given to an account and to a token like the others', async () => {
    expect(await cli.ok(['admin', 'add', 'officer', '--role', 'requisition', '--password-stdin'], { input: 'a-long-officer-passphrase\n' })).toBe('added admin officer: requisition@default\n');
    const token = (await cli.ok(['token', 'add', '--role', 'requisition', '--name', 'court-desk'])).trim();
    expect(token).toMatch(/^rda_/);
    expect(await cli.sql("SELECT role FROM api_tokens WHERE name = 'court-desk'")).toEqual([{ role: 'requisition' }]);
  });
});

describe('the register retention setting', () => {
  it('shows 365 days by default, takes a tenant value, and gives it back', async () => {
    expect(await cli.json(['tenant', 'show', 'default'])).toMatchObject({ register_retention_days: 365, settings: {} });
    await cli.ok(['tenant', 'set', 'default', '--register-retention-days', '400']);
    expect(await cli.json(['tenant', 'show', 'default'])).toMatchObject({ register_retention_days: 400, settings: { register_retention_days: 400 } });
    await cli.ok(['tenant', 'set', 'default', '--register-retention-days', 'default']);
    expect(await cli.json(['tenant', 'show', 'default'])).toMatchObject({ register_retention_days: 365, settings: {} });
    const zero = await cli.run(['tenant', 'set', 'default', '--register-retention-days', '0']);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/register-retention-days.*from 1 to 3650/);
    noStack(zero.stderr);
  });
});

describe('radassoc requisition', () => {
  it('records a lookup without a result, and says when live sessions could not be reached', async () => {
    const r = await cli.run(['requisition', 'lookup', '--ip', '2001:db8::1', '--at', '2026-03-14T21:05:00+01:00', '--ref', 'PV 2026/042', '--by', 'officer', '--json']);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a).toMatchObject({ reference: 'PV 2026/042', scope: 'default', matches: [], query: { ip: '2001:db8::1', at: { utc: '2026-03-14T20:05:00.000Z', local: '2026-03-14T21:05:00.000+01:00' }, port: null } });
    // No daemon runs in this suite: the flush and the live sessions are out of reach, and the answer says so.
    expect(a.warnings.length).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
    expect(await cli.sql('SELECT actor, reference, tenant, result FROM requisition_log')).toEqual([{ actor: 'officer', reference: 'PV 2026/042', tenant: 'default', result: [] }]);
    const text = await cli.run(['requisition', 'lookup', '--ip', '192.0.2.1', '--at', '2026-03-14T20:05:00Z', '--ref', 'PV 2026/043']);
    expect(text.stdout).toMatch(/^requisition \d+ \(reference PV 2026\/043, scope default\)\naddress 192\.0\.2\.1 at 2026-03-14T20:05:00\.000Z/);
    expect(text.stdout).toMatch(/no session held this address at that instant/);
    expect(text.stderr).toMatch(/^warning: /);
  });

  it('refuses a time without zone, a reference left out, an address that is none', async () => {
    const local = await cli.run(['requisition', 'lookup', '--ip', '192.0.2.1', '--at', '2026-03-14 21:05', '--ref', 'x']);
    expect([local.code, local.stderr]).toEqual([1, "radassoc: --at '2026-03-14 21:05' has no time zone: an instant needs its offset or Z; e.g. --at 2026-03-14T21:05:00+01:00 or --at 2026-03-14T20:05:00Z\n"]);
    const noRef = await cli.run(['requisition', 'lookup', '--ip', '192.0.2.1', '--at', '2026-03-14T21:05:00Z']);
    expect(noRef.code).toBe(1);
    expect(noRef.stderr).toMatch(/ref/);
    const ip = await cli.run(['requisition', 'lookup', '--ip', 'example.org', '--at', '2026-03-14T21:05:00Z', '--ref', 'x']);
    expect(ip.stderr).toMatch(/--ip 'example.org' is not an IPv4 or IPv6 address/);
    for (const r of [local, noRef, ip]) noStack(r.stderr);
    expect(await cli.sql('SELECT count(*)::int AS n FROM requisition_log')).toEqual([{ n: 2 }]);
  });

  it('reports the year: counts only, per month and per tenant', async () => {
    const r = await cli.json<Record<string, any>>(['requisition', 'report', '--year', String(new Date().getUTCFullYear())]);
    expect(r).toMatchObject({ requisitions: 2, with_result: 0, without_result: 2, per_tenant: [{ tenant: 'default', requisitions: 2 }] });
    expect(JSON.stringify(r)).not.toMatch(/PV 2026/);
    const text = await cli.ok(['requisition', 'report', '--year', String(new Date().getUTCFullYear())]);
    expect(text).toMatch(/^requisitions in \d{4} \(scope default\): 2, 0 with a result, 2 without\n/);
    const bad = await cli.run(['requisition', 'report', '--year', 'last']);
    expect(bad.stderr).toBe("radassoc: --year 'last' is not a year; e.g. --year 2026\n");
  });
});
