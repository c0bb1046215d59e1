import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditText, cliOnFreshDatabase, type Cli } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'radassoc-import-'));
let n = 0;
function csvFile(text: string): string {
  const path = join(dir, `members-${++n}.csv`);
  writeFileSync(path, text);
  return path;
}

async function memberCount(cli: Cli): Promise<number> {
  const r = await cli.sql<{ n: string }>('SELECT count(*) AS n FROM members');
  return Number(r[0]?.n);
}

let cli: Cli;
beforeAll(async () => {
  cli = await cliOnFreshDatabase();
  await cli.ok(['plan', 'add', 'basic', '--attr', 'Session-Timeout=86400']);
});

describe('radassoc member import', () => {
  it('imports 5,000 members in a few seconds and prints the count', async () => {
    const lines = ['username,password,plan,ipv4,ipv6_prefix,max_sessions,paid_until,auth'];
    for (let i = 0; i < 5000; i++) {
      const ip = `10.${(i >> 8) & 255}.${i & 255}.1`;
      lines.push(`user${i},pw-${i},basic,${ip},,2,2026-12-31,`);
    }
    const path = csvFile(`${lines.join('\n')}\n`);
    const started = Date.now();
    const out = await cli.json<{ imported: number }>(['member', 'import', path]);
    const elapsed = Date.now() - started;
    expect(out).toEqual({ imported: 5000 });
    expect(elapsed).toBeLessThan(8000);
    expect(await memberCount(cli)).toBe(5000);
    const one = await cli.json<Record<string, unknown>>(['member', 'show', 'user4999']);
    expect(one).toMatchObject({ plan: 'basic', ipv4: '10.19.135.1', max_sessions: 2, paid_until: '2026-12-31', credential: 'cleartext' });
  });

  it('reads RFC 4180 quoting, CRLF, a BOM and per-row auth methods, and derives what each needs', async () => {
    const text =
      '\uFEFFUsername,Password,Auth\r\n' +
      '"q,1","pa,ss ""quoted""",pap\r\n' +
      'q2,"multi\r\nline?",\r\n' +
      'q3,plain,"chap,mschapv2"\r\n';
    expect(await cli.ok(['member', 'import', csvFile(text)])).toBe('imported 3 members\n');
    expect(await cli.json(['member', 'show', 'q,1'])).toMatchObject({ auth: ['pap'], credential: 'strong-hash' });
    expect(await cli.json(['member', 'show', 'q2'])).toMatchObject({ auth: ['pap', 'chap', 'mschapv1', 'mschapv2'] });
    expect(await cli.json(['member', 'show', 'q3'])).toMatchObject({ auth: ['chap', 'mschapv2'] });
    const rows = await cli.sql<{ cleartext: string }>("SELECT cleartext FROM members WHERE username = 'q2'");
    expect(rows[0]?.cleartext).toBe('multi\r\nline?');
  });

  it('inserts nothing when one line is bad, and names that line', async () => {
    const before = await memberCount(cli);
    const lines = ['username,password,ipv4'];
    for (let i = 0; i < 30; i++) lines.push(`bad${i},pw,${i === 15 ? '10.0.0.300' : ''}`);
    const r = await cli.run(['member', 'import', csvFile(lines.join('\n'))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('radassoc: line 17: ipv4: "10.0.0.300" is not an IPv4 address like 192.0.2.10\nnothing was imported; fix the file and run the import again\n');
    expect(await memberCount(cli)).toBe(before);
  });

  it('names the lines that clash with the database or within the file, counting lines inside quoted fields', async () => {
    const before = await memberCount(cli);
    const text = [
      'username,password,plan,paid_until',
      'new1,"two',
      'lines",basic,',
      'user7,pw,,',
      'new2,pw,gold,',
      'new1,pw,,',
      'new3,,,',
      'new4,pw,,2026-13-01',
      'new5,pw',
    ].join('\n');
    const r = await cli.run(['member', 'import', csvFile(text)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 6: username new1 already appears on line 2');
    expect(r.stderr).toContain('line 7: password: the password is empty');
    expect(r.stderr).toContain("line 8: paid_until: '2026-13-01' is not a day of the calendar; write e.g. 2026-12-31");
    expect(r.stderr).toContain('line 9: 2 fields where the header has 4');
    expect(await memberCount(cli)).toBe(before);
    // Once the file itself is sound, the database's objections, by line.
    const r2 = await cli.run(['member', 'import', csvFile('username,password,plan\nnew1,pw,\nuser7,pw,\nnew2,pw,gold\n')]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('line 3: member user7 already exists');
    expect(r2.stderr).toContain('line 4: no plan named gold; see `radassoc plan list`');
    expect(await memberCount(cli)).toBe(before);
  });

  it('refuses a bad header, an empty file and a missing file', async () => {
    const header = await cli.run(['member', 'import', csvFile('user,password\nx,y\n')]);
    expect(header.code).toBe(1);
    expect(header.stderr).toMatch(/^radassoc: line 1: unknown column 'user'; the header is username,password\[,plan,ipv4,ipv6_prefix,max_sessions,paid_until,auth\]/);
    const empty = await cli.run(['member', 'import', csvFile('')]);
    expect(empty.stderr).toMatch(/line 1: the file is empty/);
    const missing = await cli.run(['member', 'import', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`radassoc: cannot read ${join(dir, 'nope.csv')}: no such file; check the path\n`);
  });

  it('records one audit entry per import, without passwords', async () => {
    const rows = await cli.sql<{ action: string; after: { imported: number } }>("SELECT action, after FROM audit_log WHERE action = 'member.import'");
    expect(rows.map((r) => r.after.imported)).toEqual([5000, 3]);
    const text = await auditText(cli);
    expect(text).not.toMatch(/pw-4999|pa,ss|multi/);
  });
});
