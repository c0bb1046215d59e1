/**
 * GET /api/v1/dashboard over real UDP: an accept and rejects by reason
 * counted per minute in the caller's tenant, the open session counted
 * online, the NAS with its last request, a member lapsing within 30 days;
 * and the answer is what /api/openapi.json documents.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { NAS_SECRET, startApiDaemon, type ApiHarness } from './harness.js';

let api: ApiHarness;
let nas: SimulatedNas;
let admin: string;

const pap = (user: string, password: string) => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] });

beforeAll(async () => {
  api = await startApiDaemon();
  admin = await api.token('admin');
  const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'alice', password: 'alice-pass-1', paid_until: soon } });
  await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'bob', password: 'bob-pass-12', paid_until: '2099-01-01' } });
  nas = await SimulatedNas.open(NAS_SECRET, '127.0.0.1');
});

afterAll(async () => {
  nas?.close();
  await api?.stop();
});

describe('the dashboard figures', () => {
  it('count decisions per minute with rejects by reason, sessions online, NAS activity and members lapsing', async () => {
    const end = Date.now() + 5000;
    while (!api.t.daemon.directory.member('bob') && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    expect((await nas.request(pap('alice', 'alice-pass-1'), api.t.auth)).response?.code).toBe(PacketCode.AccessAccept);
    expect((await nas.request(pap('bob', 'wrong-password'), api.t.auth)).response?.code).toBe(PacketCode.AccessReject);
    expect((await nas.request(pap('nobody', 'whatever-pass'), api.t.auth)).response?.code).toBe(PacketCode.AccessReject);
    const start = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 1), attr(Attr.AcctSessionId, 'd1'), attr(Attr.UserName, 'alice'), attr(Attr.NasIpAddress, Buffer.from([127, 0, 0, 1]))] };
    expect((await nas.request(start, api.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);

    let r = await api.call('GET', '/api/v1/dashboard', { token: admin });
    const until = Date.now() + 10_000;
    // The authentication log is written in batches.
    while (r.body.accepts + Object.values(r.body.rejects as Record<string, number>).reduce((a, b) => a + b, 0) < 3 && Date.now() < until) {
      await new Promise((res) => setTimeout(res, 200));
      r = await api.call('GET', '/api/v1/dashboard', { token: admin });
    }
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ online: 1, accepts: 1, window_minutes: 60, lapsing: { within_days: 30, count: 1, capped: false } });
    expect(r.body.rejects).toEqual({ 'bad-password': 1, 'unknown-user': 1 });
    expect(r.body.per_minute.reduce((n: number, m: { accepts: number }) => n + m.accepts, 0)).toBe(1);
    expect(r.body.nas).toEqual([expect.objectContaining({ name: 'bras1', dropped_total: 0 })]);

    const doc = (await api.call('GET', '/api/openapi.json')).body;
    const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
    (addFormats as unknown as typeof addFormats.default)(ajv);
    const validate = ajv.compile(doc.paths['/api/v1/dashboard'].get.responses['200'].content['application/json'].schema);
    expect(validate(r.body) ? 'valid' : ajv.errorsText(validate.errors)).toBe('valid');
  });

  it('is refused without a token', async () => {
    expect((await api.call('GET', '/api/v1/dashboard')).status).toBe(401);
  });
});
