/**
 * `radassoc retention show|run` and the retention settings of `tenant set`,
 * as scripts drive them: JSON on stdout, the tenant named once there are
 * several, a mistake answered with what to do and exit 1.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliOnFreshDatabase, type Cli } from '../admin/cli-harness.js';

let cli: Cli;

beforeAll(async () => {
  cli = await cliOnFreshDatabase();
  await cli.ok(['tenant', 'add', 'asso-a']);
  await cli.ok(['tenant', 'add', 'asso-b']);
  await cli.ok(['member', 'add', 'alice', '--password', 'alice-pass-1234', '--tenant', 'asso-a']);
  await cli.sql("INSERT INTO auth_log (time, username, nas, method, result, tenant_id) SELECT now() - interval '45 days', 'alice', 'bras1', 'pap', 'accept', id FROM tenants WHERE name IN ('asso-a', 'asso-b')");
});

describe('retention settings per tenant', () => {
  it('are set with --<kind>-retention-* flags, shown by tenant show, and given back with default', async () => {
    const set = await cli.json<{ settings: Record<string, number> }>([
      'tenant', 'set', 'asso-a', '--usage-detail-retention-months', '24', '--identifier-retention-days', '7',
      '--audit-retention-days', '730', '--disconnect-log-retention-days', '30', '--usage-totals-retention-months', '60', '--auth-log-retention-days', '14',
    ]);
    const expected = {
      usage_detail_retention_months: 24, identifier_retention_days: 7, audit_retention_days: 730,
      disconnect_log_retention_days: 30, usage_totals_retention_months: 60, auth_log_retention_days: 14,
    };
    expect(set.settings).toEqual(expected);
    expect((await cli.json<{ settings: unknown }>(['tenant', 'show', 'asso-a'])).settings).toEqual(expected);
    const back = await cli.json<{ settings: Record<string, number> }>(['tenant', 'set', 'asso-a', '--audit-retention-days', 'default']);
    expect(back.settings.audit_retention_days).toBeUndefined();
  });

  it('refuses a usage detail period shorter than the unfinished previous month, saying what would do', async () => {
    const r = await cli.run(['tenant', 'set', 'asso-a', '--usage-detail-retention-months', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('radassoc: --usage-detail-retention-months "0": expected a whole number from 1 to 1200\n');
  });
});

describe('retention show and run', () => {
  it('show needs the tenant once there are several, and --all-tenants lists them all', async () => {
    const r = await cli.run(['retention', 'show']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^radassoc: this deployment serves 3 tenants .*add `--tenant NAME`/);
    const all = await cli.json<Array<{ tenant: string | null; kind: string; kept_for: string; rows: number }>>(['retention', 'show', '--all-tenants']);
    expect(new Set(all.map((x) => x.tenant))).toEqual(new Set(['asso-a', 'asso-b', 'default', null]));
    expect(all.find((x) => x.tenant === 'asso-a' && x.kind === 'auth-log')).toMatchObject({ rows: 1, kept_for: '14 days' });
    expect(all.find((x) => x.tenant === 'asso-b' && x.kind === 'usage-detail')?.kept_for).toBe('the current month and 13 whole months before it, then folded into monthly totals');
  });

  it('run --dry-run counts and changes nothing; run deletes one tenant\'s rows and not the other\'s', async () => {
    const dry = await cli.json<{ dry_run: boolean; results: Array<{ tenant: string; kind: string; rows: number }> }>(['retention', 'run', '--dry-run', '--tenant', 'asso-a']);
    expect(dry.dry_run).toBe(true);
    expect(dry.results.find((x) => x.kind === 'auth-log')?.rows).toBe(1);
    expect(await cli.sql('SELECT 1 FROM auth_log')).toHaveLength(2);
    const text = await cli.ok(['retention', 'run', '--tenant', 'asso-a']);
    expect(text).toMatch(/^retention run at .*\n  asso-a  auth-log: removed 1 row in 1 batch \(before .*\)\n/);
    const left = await cli.sql<{ name: string }>('SELECT t.name FROM auth_log a JOIN tenants t ON t.id = a.tenant_id');
    expect(left.map((x) => x.name)).toEqual(['asso-b']);
  });

  it('names its subcommands when given none', async () => {
    const r = await cli.run(['retention']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('radassoc: retention needs a command: show, run, rotate-key\nRun `radassoc retention --help` for usage.\n');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
