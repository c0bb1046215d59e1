/**
 * A member's own reply attributes changed over the API: checked against the
 * dictionaries (every bad one named, nothing written), sent in the member's
 * next Access-Accept after its plan's, shown with a password redacted, and
 * cleared with null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { getAttribute } from '../../src/protocol/packet.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { NAS_SECRET, startApiDaemon, type ApiHarness } from './harness.js';

let api: ApiHarness;
let nas: SimulatedNas;
let admin: string;

const PASSWORD = 'route-pass-123';
const pap = () => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, 'rita'), attr(Attr.UserPassword, PASSWORD)] });

/** The member's next Access-Accept, once the directory has the change (it follows the database by NOTIFY). */
async function acceptWith(check: (accept: NonNullable<Awaited<ReturnType<SimulatedNas['request']>>['response']>) => boolean) {
  const until = Date.now() + 5000;
  for (;;) {
    const r = (await nas.request(pap(), api.t.auth)).response!;
    expect(r.code).toBe(PacketCode.AccessAccept);
    if (check(r) || Date.now() > until) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}

beforeAll(async () => {
  api = await startApiDaemon();
  admin = await api.token('admin');
  await api.call('POST', '/api/v1/plans', { token: admin, body: { name: 'home', attributes: [{ name: 'Session-Timeout', value: '3600' }] } });
  expect((await api.call('POST', '/api/v1/members', { token: admin, body: { username: 'rita', password: PASSWORD, plan: 'home' } })).status).toBe(201);
  nas = await SimulatedNas.open(NAS_SECRET, '127.0.0.1');
});

afterAll(async () => {
  nas?.close();
  await api?.stop();
});

describe("a member's own reply attributes", () => {
  it('are set by PATCH, reach the next Access-Accept after the plan, and show a password redacted', async () => {
    const body = { reply_attributes: [{ name: 'Framed-Route', value: '192.0.2.64/29 0.0.0.0 1' }, { name: 'Tunnel-Password:1', value: 'l2tp-tunnel-secret' }] };
    const r = await api.call('PATCH', '/api/v1/members/rita', { token: admin, body });
    expect(r.status).toBe(200);
    expect(r.body.member.reply_attributes).toEqual([
      { name: 'Framed-Route', value: '192.0.2.64/29 0.0.0.0 1' },
      { name: 'Tunnel-Password:1', value: '[redacted]' },
    ]);
    const accept = await acceptWith((a) => getAttribute(a, Attr.FramedRoute) !== undefined);
    expect(getAttribute(accept, Attr.FramedRoute)?.toString()).toBe('192.0.2.64/29 0.0.0.0 1');
    expect(getAttribute(accept, Attr.SessionTimeout)?.readUInt32BE()).toBe(3600);
    // RFC 2868 §3.5: encrypted with the NAS's secret, never the text itself.
    expect(getAttribute(accept, Attr.TunnelPassword)).toBeDefined();
    expect(accept.raw.includes(Buffer.from('l2tp-tunnel-secret'))).toBe(false);

    const shown = await api.call('GET', '/api/v1/members/rita', { token: admin });
    expect(JSON.stringify(shown.body)).not.toContain('l2tp-tunnel-secret');
    const audit = await api.call('GET', '/api/v1/audit?target=member:rita', { token: admin });
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).not.toContain('l2tp-tunnel-secret');
  });

  it('refuses attributes the dictionaries refuse, naming each, and changes nothing', async () => {
    const r = await api.call('PATCH', '/api/v1/members/rita', {
      token: admin,
      body: { reply_attributes: [{ name: 'Framed-Route', value: '10.0.0.0/8' }, { name: 'No-Such-Attribute', value: '1' }] },
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.error.message).toContain('No-Such-Attribute');
    const bad = await api.call('PATCH', '/api/v1/members/rita', { token: admin, body: { reply_attributes: [{ name: 'Session-Timeout', value: 'soon' }] } });
    expect([bad.status, bad.body.error.code]).toEqual([422, 'INVALID_ATTRIBUTE']);
    const wrongShape = await api.call('PATCH', '/api/v1/members/rita', { token: admin, body: { reply_attributes: [{ name: 'Framed-Route' }] } });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['reply_attributes.0.value']);
    const after = await api.call('GET', '/api/v1/members/rita', { token: admin });
    expect(after.body.reply_attributes.map((a: { name: string }) => a.name)).toEqual(['Framed-Route', 'Tunnel-Password:1']);
  });

  it('are cleared by null: the next Access-Accept is the plan alone', async () => {
    const r = await api.call('PATCH', '/api/v1/members/rita', { token: admin, body: { reply_attributes: null } });
    expect(r.status).toBe(200);
    expect(r.body.member).not.toHaveProperty('reply_attributes');
    const accept = await acceptWith((a) => getAttribute(a, Attr.FramedRoute) === undefined);
    expect(getAttribute(accept, Attr.FramedRoute)).toBeUndefined();
    expect(getAttribute(accept, Attr.TunnelPassword)).toBeUndefined();
    expect(getAttribute(accept, Attr.SessionTimeout)?.readUInt32BE()).toBe(3600);
  });
});
