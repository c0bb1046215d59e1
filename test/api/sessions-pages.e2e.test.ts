/**
 * GET /api/v1/sessions in pages: sessions opened over real UDP, walked with
 * ?limit= and the cursor, come back each exactly once, in the listing order
 * (member, then start), with the count of every open session on each page;
 * a cursor the API did not give and a limit out of range are field errors.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcctStatus, Attr, PacketCode } from '../../src/protocol/codes.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { NAS_SECRET, startApiDaemon, type ApiHarness } from './harness.js';

let api: ApiHarness;
let nas: SimulatedNas;
let admin: string;

/** Member, Acct-Session-Id: bob has two sessions, carol's is stopped again. */
const OPENED = [
  ['alice', 's-a1'],
  ['bob', 's-b1'],
  ['bob', 's-b2'],
  ['carol', 's-c1'],
  ['dave', 's-d1'],
  ['erin', 's-e1'],
  ['frank', 's-f1'],
] as const;

const acct = (status: number, user: string, id: string) => ({
  code: PacketCode.AccountingRequest,
  attributes: [attr(Attr.AcctStatusType, status), attr(Attr.AcctSessionId, id), attr(Attr.UserName, user), attr(Attr.NasIpAddress, Buffer.from([127, 0, 0, 1]))],
});

beforeAll(async () => {
  api = await startApiDaemon();
  admin = await api.token('admin');
  for (const user of new Set(OPENED.map(([u]) => u))) {
    expect((await api.call('POST', '/api/v1/members', { token: admin, body: { username: user, password: `${user}-password-1` } })).status).toBe(201);
  }
  nas = await SimulatedNas.open(NAS_SECRET, '127.0.0.1');
  for (const [user, id] of OPENED) expect((await nas.request(acct(AcctStatus.Start, user, id), api.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
  expect((await nas.request(acct(AcctStatus.Stop, 'carol', 's-c1'), api.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
});

afterAll(async () => {
  nas?.close();
  await api?.stop();
});

describe('the sessions listing', () => {
  it('walks every open session once, page by page, in member then start order', async () => {
    const seen: string[] = [];
    const opens: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const r = await api.call('GET', `/api/v1/sessions?limit=2${q}`, { token: admin });
      expect(r.status).toBe(200);
      expect(r.body.sessions.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.sessions.map((s: { username: string; acct_session_id: string }) => `${s.username}/${s.acct_session_id}`));
      opens.push(r.body.open);
      cursor = r.body.next_cursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual(['alice/s-a1', 'bob/s-b1', 'bob/s-b2', 'dave/s-d1', 'erin/s-e1', 'frank/s-f1']);
    expect(pages).toBe(3);
    expect(opens).toEqual([6, 6, 6]);
  });

  it('gives 100 by default, filters by member, and answers as the OpenAPI document says', async () => {
    const all = await api.call('GET', '/api/v1/sessions', { token: admin });
    expect(all.body).toMatchObject({ open: 6, next_cursor: null });
    expect(all.body.sessions).toHaveLength(6);
    const bob = await api.call('GET', '/api/v1/sessions?username=bob&limit=1', { token: admin });
    expect(bob.body.sessions.map((s: { acct_session_id: string }) => s.acct_session_id)).toEqual(['s-b1']);
    expect(bob.body.open).toBe(2);
    const rest = await api.call('GET', `/api/v1/sessions?username=bob&limit=1&cursor=${bob.body.next_cursor}`, { token: admin });
    expect(rest.body).toMatchObject({ open: 2, next_cursor: null, sessions: [expect.objectContaining({ acct_session_id: 's-b2' })] });

    const doc = (await api.call('GET', '/api/openapi.json')).body;
    const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
    (addFormats as unknown as typeof addFormats.default)(ajv);
    const validate = ajv.compile(doc.paths['/api/v1/sessions'].get.responses['200'].content['application/json'].schema);
    for (const body of [all.body, bob.body, rest.body]) expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses a cursor it did not give and a page size out of range, naming the field', async () => {
    const forged = Buffer.from(JSON.stringify({ username: 7 })).toString('base64url');
    for (const [query, field] of [
      ['cursor=not*base64', 'query.cursor'],
      [`cursor=${forged}`, 'query.cursor'],
      [`cursor=${Buffer.from('not json').toString('base64url')}`, 'query.cursor'],
      ['limit=0', 'query.limit'],
      ['limit=1001', 'query.limit'],
      ['limit=ten', 'query.limit'],
    ] as const) {
      const r = await api.call('GET', `/api/v1/sessions?${query}`, { token: admin });
      expect([query, r.status, r.body.error.fields.map((f: { path: string }) => f.path)]).toEqual([query, 400, [field]]);
    }
  });
});
