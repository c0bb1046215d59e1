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

  it('names the lines that clash with the database and within the file in one run, counting lines inside quoted fields', async () => {
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
    // The database's objections in the same run.
    expect(r.stderr).toContain('line 4: member user7 already exists');
    expect(r.stderr).toContain('line 5: no plan named gold; see `radassoc plan list`');
    expect(await memberCount(cli)).toBe(before);
  });

  it('refuses a bad header, an empty file and a missing file', async () => {
    const header = await cli.run(['member', 'import', csvFile('user,password\nx,y\n')]);
    expect(header.code).toBe(1);
    expect(header.stderr).toMatch(/^radassoc: line 1: unknown column 'user' \(did you mean username\?\); the header is username,password\[,plan,ipv4,ipv6_prefix,max_sessions,paid_until,auth\]\nline 1: missing column username\n/);
    const empty = await cli.run(['member', 'import', csvFile('')]);
    expect(empty.stderr).toMatch(/line 1: the file is empty/);
    const missing = await cli.run(['member', 'import', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`radassoc: cannot read ${join(dir, 'nope.csv')}: no such file; check the path\n`);
  });

  it('lists every fault of every faulty line in one run, the header\'s too, and imports nothing', async () => {
    const before = await memberCount(cli);
    const text = [
      'username,pasword,plan,ipv4,max_sessions,paid_until,auth,password',
      'ok1,x,basic,172.31.0.1,1,2026-12-31,,pw-ok1',
      'user3,x,gold,172.31.0.300,0,2026-02-30,pap;radius,',
      'ok1,x,basic,172.31.0.1,2,,,pw-dup',
      'short,x',
      'fine,x,,,,,,pw-fine',
    ].join('\r\n');
    const r = await cli.run(['member', 'import', csvFile(text)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe([
      "radassoc: line 1: unknown column 'pasword' (did you mean password?); the header is username,password[,plan,ipv4,ipv6_prefix,max_sessions,paid_until,auth]",
      'line 3: password: the password is empty; choose another password',
      "line 3: auth: unknown auth method 'radius'; use --auth all or a comma list of pap, chap, mschapv1, mschapv2",
      'line 3: ipv4: "172.31.0.300" is not an IPv4 address like 192.0.2.10',
      "line 3: max_sessions: the value must be a whole number of at least 1 (got '0')",
      "line 3: paid_until: '2026-02-30' is not a day of the calendar; write e.g. 2026-12-31",
      'line 3: member user3 already exists',
      'line 3: no plan named gold; see `radassoc plan list`',
      'line 4: username ok1 already appears on line 2',
      'line 4: ipv4: address 172.31.0.1 already appears on line 2',
      'line 5: 2 fields where the header has 8; quote any field that holds a comma',
      'nothing was imported; fix the file and run the import again',
      '',
    ].join('\n'));
    expect(await memberCount(cli)).toBe(before);
  });

  it('shows the first 100 faulty lines and counts the rest; --json lists them all', async () => {
    const before = await memberCount(cli);
    const lines = ['username,password,paid_until'];
    for (let i = 0; i < 500; i++) lines.push(i % 2 ? `cap${i},pw,2026-12-31` : `cap${i},,someday`);
    const r = await cli.run(['member', 'import', csvFile(lines.join('\n'))]);
    expect(r.code).toBe(1);
    const shown = r.stderr.split('\n').filter((l) => /^(radassoc: )?line \d+: /.test(l));
    expect(shown).toHaveLength(200);
    expect(shown[0]).toBe('radassoc: line 2: password: the password is empty; choose another password');
    expect(shown[1]).toBe("line 2: paid_until: 'someday' is not a date in the form YYYY-MM-DD; write e.g. 2026-12-31");
    expect(shown[199]).toMatch(/^line 200: paid_until: /);
    expect(r.stderr).toMatch(/\n\.\.\. and 150 more faulty lines\nnothing was imported; fix the file and run the import again\n$/);

    const j = await cli.run(['member', 'import', csvFile(lines.join('\n')), '--json']);
    expect(j.code).toBe(1);
    const body = JSON.parse(j.stdout) as { error: { code: string; message: string; faults: Array<{ line: number; problems: string[] }> } };
    expect(body.error.code).toBe('IMPORT_FAILED');
    expect(body.error.faults).toHaveLength(250);
    expect(body.error.faults.map((f) => f.line)).toEqual(Array.from({ length: 250 }, (_, k) => 2 + 2 * k));
    expect(body.error.faults[249]).toEqual({
      line: 500,
      problems: ['password: the password is empty; choose another password', "paid_until: 'someday' is not a date in the form YYYY-MM-DD; write e.g. 2026-12-31"],
    });
    expect(await memberCount(cli)).toBe(before);
  });

  it('reports a quoting mistake with the faults of the lines before it', async () => {
    const r = await cli.run(['member', 'import', csvFile('username,password\nq9,\nq10,"open\nq11,pw\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'radassoc: line 2: password: the password is empty; choose another password\n' +
        'line 3: a quoted field is never closed; check for a missing "; the lines after it were not checked\n' +
        'nothing was imported; fix the file and run the import again\n',
    );
  });

  it('records one audit entry per import, without passwords', async () => {
    const rows = await cli.sql<{ action: string; after: { imported: number } }>("SELECT action, after FROM audit_log WHERE action = 'member.import'");
    expect(rows.map((r) => r.after.imported)).toEqual([5000, 3]);
    const text = await auditText(cli);
    expect(text).not.toMatch(/pw-4999|pa,ss|multi/);
  });
});
