/**
 * The console's multipart/form-data reader on bodies encoded by a real
 * encoder (Node's FormData, as a browser sends it), and refusing malformed
 * ones; and the previewed imports it keeps, bound to one browser and login.
 */
import { describe, expect, it } from 'vitest';
import { boundaryOf, parseMultipart } from '../../src/console/multipart.js';
import { PendingImports } from '../../src/console/pending-imports.js';

async function encoded(fd: FormData): Promise<{ body: Buffer; type: string }> {
  const r = new Response(fd);
  return { body: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type')! };
}

describe('multipart/form-data', () => {
  it('reads text fields and a file, bytes and odd names kept', async () => {
    const fd = new FormData();
    fd.set('_csrf', 'tok-123');
    const csv = 'username,password\n"O\'Brien ""x""",pass-1234\r\n<script>alert(1)</script>,é-pass-12\n';
    fd.set('file', new Blob([csv], { type: 'text/csv' }), 'mes "adhérents".csv');
    const { body, type } = await encoded(fd);
    const form = parseMultipart(body, boundaryOf(type)!);
    expect(form?.fields).toEqual({ _csrf: 'tok-123' });
    expect(form?.files.file?.data.toString('utf8')).toBe(csv);
    expect(form?.files.file?.filename).toMatch(/^mes (%22|\\?")adhérents(%22|\\?")\.csv$/);
  });

  it('refuses what is not a form it can read', async () => {
    expect(boundaryOf('application/x-www-form-urlencoded')).toBeNull();
    expect(boundaryOf('multipart/form-data')).toBeNull();
    expect(parseMultipart(Buffer.from('no boundary here'), 'abc')).toBeNull();
    expect(parseMultipart(Buffer.from('--abc\r\nContent-Disposition: form-data; name="x"\r\n\r\nunterminated'), 'abc')).toBeNull();
    expect(parseMultipart(Buffer.from('--abc\r\nContent-Type: text/plain\r\n\r\nx\r\n--abc--'), 'abc')).toBeNull();
  });
});

describe('previewed imports', () => {
  it('are given back to the browser and login that previewed them only, until they expire', () => {
    let now = 0;
    const p = new PendingImports(() => now);
    const id = p.put({ csv: 'username,password\n', sha256: 'a'.repeat(64), source: 'x.csv', count: 0 }, 'csrf-1', 'rds_session');
    expect(p.get(id, 'csrf-1', 'rds_session')?.source).toBe('x.csv');
    expect(p.get(id, 'csrf-2', 'rds_session')).toBeNull();
    expect(p.get(id, 'csrf-1', 'rds_other')).toBeNull();
    expect(p.get('unknown', 'csrf-1', 'rds_session')).toBeNull();
    now += 31 * 60_000;
    expect(p.get(id, 'csrf-1', 'rds_session')).toBeNull();
  });
});
