/**
 * Importing a CSV file through the API, as `radassoc member import` reads
 * it: a dry run lists every faulty line by its number in the file and writes
 * nothing; a clean dry run says what it would import and the file's sha256;
 * the import then takes exactly that file (another one is refused) and adds
 * every member or none. The JSON import has its dry run too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiDaemon, type ApiHarness } from './harness.js';

let api: ApiHarness;
let admin: string;

beforeAll(async () => {
  api = await startApiDaemon();
  admin = await api.token('admin');
  await api.call('POST', '/api/v1/plans', { token: admin, body: { name: 'fibre-100', attributes: [] } });
  await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'taken', password: 'taken-pass-1', ipv4: '192.0.2.50' } });
});

afterAll(async () => {
  await api?.stop();
});

const count = async (): Promise<number> => Number((await api.t.db.query<{ n: string }>('SELECT count(*) AS n FROM members')).rows[0]!.n);

describe('POST /api/v1/members/import/csv', () => {
  it('lists every faulty line by its number in a dry run, the database clashes too, and writes nothing', async () => {
    const csv = ['username,password,plan,ipv4,line', 'bob,bob-pass-12,fibre-100,192.0.2.10,', 'taken,x-pass-123,,,', 'carol,,nope,192.0.2.50,', 'dave,dave-pass-12,,999.1.1.1,'].join('\n');
    const before = await count();
    const r = await api.call('POST', '/api/v1/members/import/csv', { token: admin, body: { csv, source: 'members.csv', dry_run: true } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('IMPORT_FAILED');
    const lines = (r.body.error.details.faults as Array<{ line: number; problems: string[] }>).map((f) => f.line);
    expect(lines).toEqual([3, 4, 5]);
    expect(r.body.error.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['csv.3', 'csv.4', 'csv.5']));
    expect(JSON.stringify(r.body)).toMatch(/already exists|taken/);
    expect(JSON.stringify(r.body)).not.toContain('x-pass-123');
    expect(await count()).toBe(before);
  });

  it('lists an unknown column with every fault of every line, as the JSON import lists an unknown field', async () => {
    const csv = ['username,password,colour,ipv4,paid_until', 'imq1,abcdefgh1,red,,', 'imq2,abcdefgh1,blue,nope,', 'imq3,abcdefgh1,,,2027-13-01'].join('\n');
    const before = await count();
    const r = await api.call('POST', '/api/v1/members/import/csv', { token: admin, body: { csv } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('IMPORT_FAILED');
    const faults = r.body.error.details.faults as Array<{ line: number; problems: string[] }>;
    expect(faults.map((f) => f.line)).toEqual([1, 3, 4]);
    expect(faults[0]!.problems).toEqual([expect.stringContaining("unknown column 'colour'")]);
    expect(faults[1]!.problems).toEqual([expect.stringMatching(/^ipv4: /)]);
    expect(faults[2]!.problems).toEqual([expect.stringMatching(/^paid_until: /)]);
    expect(await count()).toBe(before);
  });

  it('previews a clean file with its sha256, then imports exactly that file and no other', async () => {
    const csv = 'username,password,plan,paid_until,line\nbob,bob-pass-12,fibre-100,2027-01-31,"bras1 eth0/1:7"\ncarol,carol-pass-1,,,\n';
    const before = await count();
    const dry = await api.call('POST', '/api/v1/members/import/csv', { token: admin, body: { csv, source: 'members.csv', dry_run: true } });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ imported: 0, dry_run: true, would_import: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(dry.body.preview).toEqual([
      expect.objectContaining({ line: 2, username: 'bob', plan: 'fibre-100', paid_until: '2027-01-31', line_id: 'bras1 eth0/1:7' }),
      expect.objectContaining({ line: 3, username: 'carol', plan: null }),
    ]);
    expect(JSON.stringify(dry.body)).not.toContain('bob-pass-12');
    expect(await count()).toBe(before);

    const other = await api.call('POST', '/api/v1/members/import/csv', { token: admin, body: { csv: `${csv}dave,dave-pass-12,,,\n`, expect_sha256: dry.body.sha256 } });
    expect(other.status).toBe(400);
    expect(other.body.error.fields).toEqual([{ path: 'expect_sha256', message: 'this file is not the one previewed: preview it again' }]);
    expect(await count()).toBe(before);

    const done = await api.call('POST', '/api/v1/members/import/csv', { token: admin, body: { csv, source: 'members.csv', expect_sha256: dry.body.sha256 } });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ imported: 2, dry_run: false });
    expect(await count()).toBe(before + 2);
    expect((await api.call('GET', '/api/v1/members/bob', { token: admin })).body).toMatchObject({ plan: 'fibre-100', line: 'bras1 eth0/1:7' });
  });

  it('is refused to a role that may not change members', async () => {
    const support = await api.token('support');
    expect((await api.call('POST', '/api/v1/members/import/csv', { token: support, body: { csv: 'username,password\nzed,zed-pass-123\n', dry_run: true } })).status).toBe(403);
  });
});

describe('POST /api/v1/members/import with dry_run', () => {
  it('checks everything and writes nothing', async () => {
    const before = await count();
    const r = await api.call('POST', '/api/v1/members/import', { token: admin, body: { members: [{ username: 'erin', password: 'erin-pass-12' }], dry_run: true } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ imported: 0, dry_run: true, would_import: 1 });
    const bad = await api.call('POST', '/api/v1/members/import', { token: admin, body: { members: [{ username: 'taken', password: 'erin-pass-12' }], dry_run: true } });
    expect(bad.body.error.code).toBe('IMPORT_FAILED');
    expect(await count()).toBe(before);
  });
});
