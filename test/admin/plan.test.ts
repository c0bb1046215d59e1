import { beforeAll, describe, expect, it } from 'vitest';
import { cliOnFreshDatabase, type Cli } from './cli-harness.js';

let cli: Cli;
beforeAll(async () => {
  cli = await cliOnFreshDatabase();
});

interface PlanJson {
  name: string;
  attributes: Array<{ name: string; value: string }>;
}

describe('radassoc plan', () => {
  it('adds a plan with attributes checked against the dictionaries and lists them', async () => {
    const out = await cli.ok(['plan', 'add', 'basic', '--attr', 'Session-Timeout=86400', '--attr', 'Mikrotik-Rate-Limit=10M/20M']);
    expect(out).toBe('added plan basic: Session-Timeout=86400, Mikrotik-Rate-Limit=10M/20M\n');
    expect(await cli.ok(['plan', 'add', 'empty'])).toBe('added plan empty (no attributes)\n');
    const table = await cli.ok(['plan', 'list']);
    expect(table).toMatch(/^name\s+attributes\n/);
    expect(table).toMatch(/basic\s+Session-Timeout=86400, Mikrotik-Rate-Limit=10M\/20M/);
    const list = await cli.json<PlanJson[]>(['plan', 'list']);
    expect(list).toMatchObject([
      { name: 'basic', attributes: [{ name: 'Session-Timeout', value: '86400' }, { name: 'Mikrotik-Rate-Limit', value: '10M/20M' }] },
      { name: 'empty', attributes: [] },
    ]);
  });

  it('refuses an unknown attribute, a bad value and text without "=", naming the attribute', async () => {
    const cases: Array<[string, RegExp]> = [
      ['Sesion-Timeout=60', /--attr 'Sesion-Timeout=60': unknown attribute 'Sesion-Timeout'/],
      ['Session-Timeout=forever', /--attr 'Session-Timeout=forever': Session-Timeout: .*whole number/],
      ['Framed-IP-Address=10.0.0.300', /Framed-IP-Address/],
      ['Session-Timeout', /--attr 'Session-Timeout' is not Attribute=Value/],
    ];
    for (const [attr, message] of cases) {
      const r = await cli.run(['plan', 'add', 'bad', '--attr', attr]);
      expect(r.code, attr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect((await cli.json<PlanJson[]>(['plan', 'list'])).map((p) => p.name)).toEqual(['basic', 'empty']);
  });

  it('suggests the attribute or named value a typo away', async () => {
    const cases: Array<[string, string]> = [
      ['Sesion-Timeout=3600', "--attr 'Sesion-Timeout=3600': unknown attribute 'Sesion-Timeout'; did you mean Session-Timeout?"],
      ['mikrotik-rate-limt=10M/10M', "--attr 'mikrotik-rate-limt=10M/10M': unknown attribute 'mikrotik-rate-limt'; did you mean Mikrotik-Rate-Limit?"],
      ['Service-Type=Framed-Usr', "--attr 'Service-Type=Framed-Usr': Service-Type: 'Framed-Usr' is not one of its named values; did you mean Framed-User?"],
    ];
    for (const [attr, message] of cases) {
      const r = await cli.run(['plan', 'set', 'basic', '--attr', attr]);
      expect(r.code, attr).toBe(1);
      expect(r.stderr).toBe(`radassoc: ${message}\n`);
    }
    const far = await cli.run(['plan', 'add', 'far', '--attr', 'Frobnicate=1']);
    expect(far.stderr).toMatch(/unknown attribute 'Frobnicate' \(names follow the FreeRADIUS dictionaries/);
  });

  it('refuses a duplicate plan name', async () => {
    const r = await cli.run(['plan', 'add', 'basic']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('radassoc: plan basic already exists; see `radassoc plan list`\n');
  });

  it('replaces the attributes with plan set, and clears them with --clear', async () => {
    const set = await cli.json<PlanJson>(['plan', 'set', 'empty', '--attr', 'Acct-Interim-Interval=300']);
    expect(set.attributes).toEqual([{ name: 'Acct-Interim-Interval', value: '300' }]);
    expect((await cli.json<PlanJson>(['plan', 'set', 'empty', '--clear'])).attributes).toEqual([]);
    const none = await cli.run(['plan', 'set', 'empty']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/give the new attributes with --attr/);
    const unknown = await cli.run(['plan', 'set', 'nope', '--attr', 'Session-Timeout=1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('radassoc: no plan named nope; see `radassoc plan list`\n');
  });

  it('refuses to remove a plan members use, and removes it once they are moved', async () => {
    await cli.ok(['member', 'add', 'alice', '--password', 'pw', '--plan', 'basic']);
    const refused = await cli.run(['plan', 'remove', 'basic']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/plan basic is used by 1 member; move them .*radassoc member set <username> --plan <other>/);
    await cli.ok(['member', 'set', 'alice', '--plan', 'none']);
    expect(await cli.ok(['plan', 'remove', 'basic'])).toBe('removed plan basic\n');
    const rows = await cli.sql<{ action: string }>("SELECT action FROM audit_log WHERE target = 'plan:basic' ORDER BY id");
    expect(rows.map((r) => r.action)).toEqual(['plan.add', 'plan.remove']);
  });
});
