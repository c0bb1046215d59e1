/**
 * Usage over time through the API: GET /api/v1/dashboard/traffic (24 h by
 * hour, 30 days by day) and GET /api/v1/members/:username/usage (12 months,
 * this month by day), built from usage_sessions and usage_snapshots as the
 * flush writes them: a session crossing an hour is split there by its
 * interim snapshot, not evenly; another tenant's usage never shows. And the
 * dashboard's flush figures follow accounting over UDP and the flush. Each
 * answer is what /api/openapi.json documents.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertSessions, upsertSnapshots } from '../../src/db/usage.js';
import type { LiveSession } from '../../src/domain/session.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { findTenantRef } from '../../src/db/tenants.js';
import { addTenant } from '../../src/services/tenants.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { NAS_SECRET, startApiDaemon, type ApiHarness } from './harness.js';

const HOUR = 3_600_000;
const MIN = 60_000;

let api: ApiHarness;
let admin: string;
let otherTenant: string;
let doc: any;
/** The start of the current hour: the test's sessions sit just before it. */
const H = Math.floor(Date.now() / HOUR) * HOUR;

function session(over: Partial<LiveSession> & Pick<LiveSession, 'uniqueId' | 'username' | 'startTime'>): LiveSession {
  return {
    nas: 'bras1',
    acctSessionId: over.uniqueId,
    tenantId: 1,
    nasPort: null,
    nasPortId: null,
    nasIpAddress: '127.0.0.1',
    framedIp: '192.0.2.10',
    callingStationId: null,
    classHex: null,
    lastUpdate: over.stopTime ?? over.startTime,
    interimInterval: 300,
    sessionTime: 0,
    inputOctets: 0,
    outputOctets: 0,
    inputPackets: 0,
    outputPackets: 0,
    stopTime: null,
    terminateCause: null,
    ...over,
  };
}

function valid(path: string, body: unknown): string {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  const validate = ajv.compile(doc.paths[path].get.responses['200'].content['application/json'].schema);
  return validate(body) ? 'valid' : ajv.errorsText(validate.errors);
}

beforeAll(async () => {
  api = await startApiDaemon();
  admin = await api.token('admin');
  await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'alice', password: 'alice-pass-1' } });
  await addTenant({ db: api.t.db }, { name: 'test' }, { name: 'asso-b' });
  const other = (await findTenantRef(api.t.db, 'asso-b'))!;
  otherTenant = await api.token('admin', 'asso-b');
  // 90 minutes before the hour to 15 before it; its interim 45 minutes before the hour had 1500 of its 3000 octets down.
  const a = session({ uniqueId: 'u-a', username: 'alice', startTime: H - 90 * MIN, stopTime: H - 15 * MIN, sessionTime: 4500, inputOctets: 300, outputOctets: 3000, terminateCause: 'User-Request' });
  // asso-b's alice: the same name in another tenant, never in the default tenant's figures.
  const b = session({ uniqueId: 'u-b', username: 'alice', tenantId: other.id, startTime: H - 50 * MIN, stopTime: H - 40 * MIN, sessionTime: 600, outputOctets: 777_777 });
  await upsertSessions(api.t.db, [a, b], Date.now());
  await upsertSnapshots(api.t.db, [{ uniqueId: 'u-a', at: H - 45 * MIN, seconds: 2700, inputOctets: 150, outputOctets: 1500 }]);
  doc = (await api.call('GET', '/api/openapi.json')).body;
});

afterAll(async () => {
  await api?.stop();
});

const sum = (buckets: Array<{ output_octets: number }>): number => buckets.reduce((n, b) => n + b.output_octets, 0);

describe('traffic and usage over time', () => {
  it('splits a session at the hour by its interim snapshot, over the last 24 hours', async () => {
    const r = await api.call('GET', '/api/v1/dashboard/traffic?range=24h', { token: admin });
    expect(r.status).toBe(200);
    expect(valid('/api/v1/dashboard/traffic', r.body)).toBe('valid');
    expect(r.body).toMatchObject({ range: '24h', unit: 'hour', to: new Date(H + HOUR).toISOString() });
    expect(r.body.buckets).toHaveLength(24);
    const at = (t: number) => r.body.buckets.find((b: { start: string }) => b.start === new Date(t).toISOString());
    // Edge at H-60 min: 30 of the 45 minutes before the snapshot, 2/3 of 1500 (evenly over the session it would be 1200).
    expect(at(H - 2 * HOUR)).toMatchObject({ output_octets: 1000, input_octets: 100, seconds: 1800 });
    expect(at(H - HOUR)).toMatchObject({ output_octets: 2000, input_octets: 200, seconds: 2700 });
    expect(sum(r.body.buckets)).toBe(3000);
  });

  it('counts the same usage by day over 30 days, and by month and by day for the member', async () => {
    const days = await api.call('GET', '/api/v1/dashboard/traffic?range=30d', { token: admin });
    expect(days.body).toMatchObject({ range: '30d', unit: 'day' });
    expect(days.body.buckets).toHaveLength(30);
    expect(sum(days.body.buckets)).toBe(3000);
    const months = await api.call('GET', '/api/v1/members/alice/usage', { token: admin });
    expect(months.status).toBe(200);
    expect(valid('/api/v1/members/{username}/usage', months.body)).toBe('valid');
    expect(months.body).toMatchObject({ range: '12m', unit: 'month' });
    expect(months.body.buckets).toHaveLength(12);
    expect(sum(months.body.buckets)).toBe(3000);
    const month = await api.call('GET', '/api/v1/members/alice/usage?range=month', { token: admin });
    expect(month.body.buckets).toHaveLength(new Date().getUTCDate());
    // The session may have begun last month (just after midnight on the 1st): what falls in this month only.
    expect(sum(month.body.buckets)).toBeLessThanOrEqual(3000);
    expect(sum(month.body.buckets)).toBe(sum(months.body.buckets.slice(-1)));
  });

  it("shows a tenant its own usage alone, and refuses unknown members and ranges", async () => {
    const b = await api.call('GET', '/api/v1/dashboard/traffic?range=24h', { token: otherTenant });
    expect(sum(b.body.buckets)).toBe(777_777);
    expect((await api.call('GET', '/api/v1/members/alice/usage', { token: otherTenant })).status).toBe(404);
    expect((await api.call('GET', '/api/v1/members/nobody/usage', { token: admin })).body.error.code).toBe('UNKNOWN_MEMBER');
    const bad = await api.call('GET', '/api/v1/dashboard/traffic?range=1y', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'query.range', message: '24h (by hour) or 30d (by day)' }]);
    expect((await api.call('GET', '/api/v1/dashboard/traffic')).status).toBe(401);
  });

  it('tells the flush lag on the dashboard: the oldest record waiting, then none once flushed', async () => {
    const nas = await SimulatedNas.open(NAS_SECRET, '127.0.0.1');
    try {
      const start = { code: PacketCode.AccountingRequest, attributes: [attr(Attr.AcctStatusType, 1), attr(Attr.AcctSessionId, 'lag1'), attr(Attr.UserName, 'alice'), attr(Attr.NasIpAddress, Buffer.from([127, 0, 0, 1]))] };
      expect((await nas.request(start, api.t.acct)).response?.code).toBe(PacketCode.AccountingResponse);
    } finally {
      nas.close();
    }
    let r = await api.call('GET', '/api/v1/dashboard', { token: admin });
    expect(valid('/api/v1/dashboard', r.body)).toBe('valid');
    expect(r.body.flush.oldest_unflushed_at).not.toBeNull();
    expect(r.body.flush.lag_seconds).toBeGreaterThanOrEqual(0);
    expect(r.body.flush.lag_seconds).toBeLessThan(60);
    expect(r.body.flush.last_flush_at).toBeNull();
    await api.t.daemon.services.flush();
    r = await api.call('GET', '/api/v1/dashboard', { token: admin });
    expect(r.body.flush).toMatchObject({ oldest_unflushed_at: null, lag_seconds: null, backlog_sessions: 0 });
    expect(Date.parse(r.body.flush.last_flush_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(r.body.flush.seconds_since_last_flush).toBeLessThan(60);
  });
});
