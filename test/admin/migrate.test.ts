import { describe, expect, it } from 'vitest';
import { cliOnFreshDatabase, runCli } from './cli-harness.js';

describe('radassoc migrate', () => {
  it('applies every migration once and then reports the database up to date', async () => {
    const cli = await cliOnFreshDatabase({ migrate: false });
    const first = await cli.run(['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied 001_plans\.sql\n/);
    expect(first.stdout).toMatch(/applied \d+ of \d+ migrations; the database is up to date\n$/);
    const again = await cli.json<{ applied: unknown[]; skipped: number }>(['migrate']);
    expect(again.applied).toEqual([]);
    expect(again.skipped).toBeGreaterThanOrEqual(7);
    expect(await cli.ok(['migrate'])).toBe(`the database is up to date (${again.skipped} migrations)\n`);
    const audit = await cli.sql<{ action: string }>("SELECT action FROM audit_log WHERE target = 'schema'");
    expect(audit.map((r) => r.action)).toEqual(['schema.migrate']);
  });

  it('prints what it applied as JSON with --json', async () => {
    const cli = await cliOnFreshDatabase({ migrate: false });
    const out = await cli.json<{ applied: Array<{ version: number; name: string; file: string }>; skipped: number }>(['migrate']);
    expect(out.skipped).toBe(0);
    expect(out.applied[0]).toEqual({ version: 1, name: 'plans', file: '001_plans.sql' });
  });

  it('tells the admin to run migrate when a command meets an empty database', async () => {
    const cli = await cliOnFreshDatabase({ migrate: false });
    const r = await cli.run(['member', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('radassoc: the database has no radassoc tables yet; run `radassoc migrate` first\n');
  });

  it('exits 2 with one line naming the server when the database is unreachable', async () => {
    const r = await runCli(['member', 'list', '--json'], { databaseUrl: 'postgres://radassoc:hunter2@127.0.0.1:1/radassoc' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^radassoc: cannot reach PostgreSQL at 127\.0\.0\.1:1: .*; check DATABASE_URL\n$/);
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints a usage error in one line plus a pointer to --help', async () => {
    const r = await runCli(['member', 'frobnicate'], { databaseUrl: 'postgres://127.0.0.1:1/x' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("radassoc: unknown command 'frobnicate' for member; the member commands are add, show, list, passwd, set, suspend, resume, remove, import or data\nRun `radassoc member --help` for usage.\n");
  });
});
