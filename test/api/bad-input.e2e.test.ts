/**
 * Bad requests get a 4xx that names the field, never a 500 and never a
 * partial write: wrong types, unknown fields, huge and malformed bodies,
 * invalid addresses and dates, attributes the dictionary refuses. No
 * response and no log line holds a password, a token or a NAS secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiDaemon, type ApiHarness } from './harness.js';

let api: ApiHarness;
let admin: string;
const SECRETS = ['member-secret-pass', 'nas-shared-secret-of-32-octets-zz'];

beforeAll(async () => {
  api = await startApiDaemon();
  admin = await api.token('admin', 'default', 'bad-input');
  SECRETS.push(admin);
});

afterAll(async () => {
  await api?.stop();
});

const paths = (r: { body: { error: { fields: Array<{ path: string }> } } }): string[] => r.body.error.fields.map((f) => f.path);
const memberCount = async (): Promise<number> => Number((await api.t.db.query<{ n: string }>('SELECT count(*)::text AS n FROM members')).rows[0]!.n);

describe('a member body', () => {
  it('with wrong types, unknown fields, a bad address and a bad date: 400 naming every field at once', async () => {
    const r = await api.call('POST', '/api/v1/members', {
      token: admin,
      body: { username: 42, password: 'member-secret-pass', ipv4: '300.1.2.3', ipv6_prefix: 'fe80::zz', paid_until: '2026-02-30', max_sessions: 'two', colour: 'red' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('API_INVALID_REQUEST');
    expect(new Set(paths(r))).toEqual(new Set(['username', 'ipv4', 'ipv6_prefix', 'paid_until', 'max_sessions', 'colour']));
    expect(r.body.error.fields.find((f: { path: string }) => f.path === 'colour').message).toBe('unknown field');
    expect(r.body.error.message).toMatch(/^the request has 6 invalid fields: /);
    expect(await memberCount()).toBe(0);
  });

  it('that is not JSON: 400, without quoting the body', async () => {
    const r = await api.call('POST', '/api/v1/members', { token: admin, raw: '{"username": "x", "password": "member-secret-pass",' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('API_MALFORMED_JSON');
    expect(r.text).not.toContain('member-secret-pass');
  });

  it('that is JSON but not an object: 400', async () => {
    const r = await api.call('POST', '/api/v1/members', { token: admin, raw: '[1, 2]' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('API_INVALID_REQUEST');
  });

  it('that is not JSON at all: 415', async () => {
    const r = await api.call('POST', '/api/v1/members', { token: admin, raw: 'username=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
    expect(r.body.error).toMatchObject({ code: 'API_UNSUPPORTED_MEDIA_TYPE', message: 'the body must be application/json, not application/x-www-form-urlencoded' });
  });

  it('as text/plain: 415, not a schema error about a string', async () => {
    const r = await api.call('POST', '/api/v1/members', { token: admin, raw: '{"username":"x"', headers: { 'content-type': 'text/plain' } });
    expect(r.status).toBe(415);
    expect(r.body.error).toMatchObject({ code: 'API_UNSUPPORTED_MEDIA_TYPE', message: 'the body must be application/json, not text/plain' });
  });

  it('over 1 MiB: 413', async () => {
    const r = await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'big', password: 'x'.repeat(1_100_000) } });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: 'API_BODY_TOO_LARGE', details: { limit: 1048576 } });
  });

  it('an import over 10 MiB: 413, while one of 2 MiB is read and checked', async () => {
    const huge = await api.call('POST', '/api/v1/members/import', { token: admin, raw: JSON.stringify({ members: [{ username: 'a', password: 'p'.repeat(11 * 1024 * 1024) }] }) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.details.limit).toBe(10 * 1024 * 1024);
    const big = await api.call('POST', '/api/v1/members/import', { token: admin, body: { members: [{ username: 'a', password: 'p'.repeat(2 * 1024 * 1024) }] } });
    expect(big.status).toBe(400);
    expect(big.body.error.code).toBe('IMPORT_FAILED');
    expect(paths(big)).toEqual(['members.0.password']);
    expect(await memberCount()).toBe(0);
  });

  it('an import with unknown fields and wrong types on some rows, bad values on others: 400 naming every fault of every row, nothing written', async () => {
    const r = await api.call('POST', '/api/v1/members/import', {
      token: admin,
      body: {
        members: [
          { username: 'imq1', password: 'abcdefgh1' },
          { username: 'imq2', password: 'abcdefgh1', ipv4: 'nope', colour: 1 },
          { username: 'imq3', password: 'abcdefgh1', paid_until: '2027-13-01' },
          { username: 42, password: 'abcdefgh1', max_sessions: 'two', ipv6_prefix: 'fe80::zz', 'favourite colour': 'red' },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('IMPORT_FAILED');
    expect(new Set(paths(r))).toEqual(
      new Set(['members.1.ipv4', 'members.1.colour', 'members.2.paid_until', 'members.3.username', 'members.3.max_sessions', 'members.3.ipv6_prefix', 'members.3.favourite colour']),
    );
    expect(r.body.error.fields).toContainEqual({ path: 'members.1.colour', message: 'colour: unknown field' });
    expect(r.body.error.details.faults.map((f: { line: number }) => f.line)).toEqual([2, 3, 4]);
    expect(await memberCount()).toBe(0);
    // Without the unknown field and the wrong types, the same value faults: the refusal does not depend on what else is wrong.
    const values = await api.call('POST', '/api/v1/members/import', {
      token: admin,
      body: { members: [{ username: 'imq1', password: 'abcdefgh1' }, { username: 'imq2', password: 'abcdefgh1', ipv4: 'nope' }, { username: 'imq3', password: 'abcdefgh1', paid_until: '2027-13-01' }] },
    });
    expect(new Set(paths(values))).toEqual(new Set(['members.1.ipv4', 'members.2.paid_until']));
    expect(await memberCount()).toBe(0);
  });

  it('a suspension reason over 500 characters: 400 naming reason, the member not suspended', async () => {
    expect((await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'longwhy', password: 'member-secret-pass' } })).status).toBe(201);
    const r = await api.call('POST', '/api/v1/members/longwhy/suspend', { token: admin, body: { reason: 'x'.repeat(100_000) } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('API_INVALID_REQUEST');
    expect(paths(r)).toEqual(['reason']);
    expect((await api.call('GET', '/api/v1/members/longwhy', { token: admin })).body.status).toBe('active');
    const doc = await api.call('GET', '/api/openapi.json');
    expect(doc.body.paths['/api/v1/members/{username}/suspend'].post.requestBody.content['application/json'].schema.properties.reason.maxLength).toBe(500);
    expect((await api.call('POST', '/api/v1/members/longwhy/suspend', { token: admin, body: { reason: 'x'.repeat(500) } })).status).toBe(200);
  });

  it('a duplicate: 409 naming the username, the first member unchanged', async () => {
    expect((await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'dup', password: 'member-secret-pass', max_sessions: 1 } })).status).toBe(201);
    const r = await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'dup', password: 'member-secret-pass', max_sessions: 5 } });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'DUPLICATE_MEMBER', message: 'member dup already exists', fields: [{ path: 'username' }] });
    expect((await api.call('GET', '/api/v1/members/dup', { token: admin })).body.max_sessions).toBe(1);
  });

  it('an unknown plan: 404 naming the plan, nothing written', async () => {
    const r = await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'noplan', password: 'member-secret-pass', plan: 'ghost' } });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'UNKNOWN_PLAN', fields: [{ path: 'plan', message: 'no plan named ghost' }] });
    expect((await api.call('GET', '/api/v1/members/noplan', { token: admin })).status).toBe(404);
  });

  it('query parameters are checked too, and named as query.X', async () => {
    const r = await api.call('GET', '/api/v1/members?status=gone&limit=abc&colour=red', { token: admin });
    expect(r.status).toBe(400);
    expect(new Set(paths(r))).toEqual(new Set(['query.status', 'query.limit', 'query.colour']));
    const c = await api.call('GET', '/api/v1/members?cursor=%%%', { token: admin });
    expect(c.status).toBe(400);
  });

  it('a member cursor the API never gave, though base64 of JSON or of a username: 400 naming query.cursor', async () => {
    const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
    for (const cursor of ['garbage!!', b64('{"x":1}'), b64('{"u":1}'), b64('{"u":"alice","x":1}'), b64('alice'), b64('"alice"')]) {
      const r = await api.call('GET', `/api/v1/members?cursor=${cursor}`, { token: admin });
      expect([cursor, r.status, r.body.error?.code]).toEqual([cursor, 400, 'API_INVALID_REQUEST']);
      expect(r.body.error.fields).toEqual([{ path: 'query.cursor', message: 'not a cursor this API gave' }]);
    }
  });
});

describe('plans and NAS', () => {
  it('an attribute the dictionary refuses: 422 naming the attribute, no plan written', async () => {
    const r = await api.call('POST', '/api/v1/plans', {
      token: admin,
      body: { name: 'typo', attributes: [{ name: 'Session-Timeout', value: '60' }, { name: 'Sesion-Timeout', value: '60' }] },
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('INVALID_ATTRIBUTE');
    expect(r.body.error.fields).toEqual([{ path: 'attributes.1', message: expect.stringContaining('did you mean Session-Timeout?') }]);
    expect((await api.call('GET', '/api/v1/plans/typo', { token: admin })).status).toBe(404);
    const v = await api.call('POST', '/api/v1/plans', { token: admin, body: { name: 'typo', attributes: [{ name: 'Session-Timeout', value: 'forever' }] } });
    expect(v.status).toBe(422);
  });

  it('a NAS with an invalid address: 400 naming it; its secret is never returned', async () => {
    const bad = await api.call('POST', '/api/v1/nas', { token: admin, body: { name: 'edge', address: '10.0.0.0/33', secret: SECRETS[1] } });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['address']);
    const ok = await api.call('POST', '/api/v1/nas', { token: admin, body: { name: 'edge', address: '10.0.0.1', secret: SECRETS[1] } });
    expect(ok.status).toBe(201);
    expect(ok.body.nas.secret_length).toBe(SECRETS[1]!.length);
    const listed = await api.call('GET', '/api/v1/nas', { token: admin });
    const shown = await api.call('GET', '/api/v1/nas/edge', { token: admin });
    for (const r of [ok, listed, shown]) expect(r.text).not.toContain(SECRETS[1]);
    const overlap = await api.call('POST', '/api/v1/nas', { token: admin, body: { name: 'edge2', address: '10.0.0.0/24', secret: SECRETS[1] } });
    expect(overlap.status).toBe(409);
    expect(overlap.body.error.fields).toEqual([{ path: 'address', message: expect.any(String) }]);
  });

  it('an export with dates that are none: 400 naming them', async () => {
    const r = await api.call('GET', '/api/v1/usage?from=2026-13-01&to=soon', { token: admin });
    expect(r.status).toBe(400);
    expect(new Set(paths(r))).toEqual(new Set(['query.from', 'query.to']));
  });

  it('a disconnect naming both a member and a session: 400', async () => {
    const r = await api.call('POST', '/api/v1/disconnect', { token: admin, body: { username: 'dup', session: 'abc' } });
    expect(r.status).toBe(400);
    expect(paths(r)).toEqual(['username']);
  });

  it('a path that is not valid percent-encoding, or a segment over 1,024 octets: 400 in the same shape', async () => {
    for (const path of ['/api/v1/members/%ZZ', `/api/v1/members/${'x'.repeat(5000)}`]) {
      const r = await api.call('GET', path, { token: admin });
      expect([r.status, r.body.error?.code, paths(r)]).toEqual([400, 'API_INVALID_REQUEST', ['params']]);
    }
  });

  it('a username of 253 characters is looked up, not refused for its length', async () => {
    const long = `${'l'.repeat(240)}@asso.example`;
    const r = await api.call('GET', `/api/v1/members/${encodeURIComponent(long)}`, { token: admin });
    expect([r.status, r.body.error.code]).toEqual([404, 'UNKNOWN_MEMBER']);
  });

  it('a disconnect on a NAS the tenant does not have: 404 naming the NAS, as the NAS routes answer', async () => {
    const r = await api.call('POST', '/api/v1/disconnect', { token: admin, body: { username: 'dup', nas: 'nope' } });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'UNKNOWN_NAS', details: { nas: 'nope' }, fields: [{ path: 'nas', message: 'no NAS named nope' }] });
    const shown = await api.call('GET', '/api/v1/nas/nope', { token: admin });
    expect([shown.status, shown.body.error.code]).toEqual([404, 'UNKNOWN_NAS']);
  });

  it('an unknown route: 404 in the same shape', async () => {
    const r = await api.call('GET', '/api/v1/nothing', { token: admin });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('API_NOT_FOUND');
  });
});

describe('secrets', () => {
  it('appear in no log line the daemon wrote', () => {
    expect(api.logs.length).toBeGreaterThan(10);
    for (const line of api.logs) for (const s of SECRETS) expect(line).not.toContain(s);
  });

  it('a member view never holds the credential', async () => {
    const r = await api.call('GET', '/api/v1/members/dup', { token: admin });
    expect(r.text).not.toContain('member-secret-pass');
    expect(Object.keys(r.body)).not.toEqual(expect.arrayContaining(['cleartext', 'nt_hash', 'strong_hash', 'password']));
  });
});
