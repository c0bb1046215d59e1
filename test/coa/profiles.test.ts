/** Which attributes name a session for each NAS brand (RFC 5176 §3), and where the request goes. */
import { describe, expect, it } from 'vitest';
import { coaDestination, identifySession } from '../../src/coa/profiles.js';
import type { DisconnectProfile, NasClient } from '../../src/domain/nas.js';
import { Attr } from '../../src/protocol/codes.js';
import { liveSession } from '../lifecycle/fixtures.js';

const NAMES: Record<number, string> = {
  [Attr.UserName]: 'User-Name',
  [Attr.AcctSessionId]: 'Acct-Session-Id',
  [Attr.FramedIpAddress]: 'Framed-IP-Address',
  [Attr.NasIpAddress]: 'NAS-IP-Address',
};
const names = (profile: DisconnectProfile, s = liveSession()): string[] => identifySession(profile, s).attributes.map((a) => NAMES[a.type] ?? String(a.type));

const nas = (address: string): NasClient => ({
  name: 'bras1', address, secret: 's', coaPort: 3799, requireMessageAuthenticator: true, disconnectProfile: 'generic', supportsCoa: false, createdAt: new Date(),
});

describe('disconnect profiles', () => {
  it.each([
    ['generic', ['User-Name', 'Acct-Session-Id', 'Framed-IP-Address', 'NAS-IP-Address']],
    ['mikrotik', ['User-Name', 'Acct-Session-Id', 'Framed-IP-Address']],
    ['cisco', ['User-Name', 'Acct-Session-Id']],
    ['juniper', ['User-Name', 'Acct-Session-Id']],
    ['accel-ppp', ['User-Name', 'Acct-Session-Id']],
  ] as const)('%s names a session with %j', (profile, expected) => {
    expect(names(profile)).toEqual(expected);
    expect(identifySession(profile, liveSession()).missing).toEqual([]);
  });

  it('encodes the values as the NAS reported them', () => {
    const [user, id, ip, nasIp] = identifySession('generic', liveSession()).attributes;
    expect(user!.value.toString()).toBe('alice');
    expect(id!.value.toString()).toBe('81000001');
    expect(ip!.value).toEqual(Buffer.from([192, 0, 2, 10]));
    expect(nasIp!.value).toEqual(Buffer.from([127, 0, 0, 1]));
  });

  it('says when a MikroTik session lacks the Framed-IP-Address it needs', () => {
    const r = identifySession('mikrotik', liveSession({ framedIp: null }));
    expect(r.missing).toEqual(['Framed-IP-Address']);
    expect(r.attributes.map((a) => a.type)).toEqual([Attr.UserName, Attr.AcctSessionId]);
  });

  it('sends to the NAS address, or to the reported NAS-IP-Address inside a registered block', () => {
    expect(coaDestination(nas('192.0.2.1/32'), liveSession())).toEqual({ host: '192.0.2.1', port: 3799 });
    expect(coaDestination(nas('10.1.0.0/16'), liveSession({ nasIpAddress: '10.1.2.3' }))).toEqual({ host: '10.1.2.3', port: 3799 });
    expect(coaDestination(nas('10.1.0.0/16'), liveSession({ nasIpAddress: '10.2.0.1' }))).toHaveProperty('error');
    expect(coaDestination(nas('10.1.0.0/16'), liveSession({ nasIpAddress: null }))).toHaveProperty('error');
    expect(coaDestination(nas('2001:db8::1/128'), liveSession())).toEqual({ host: '2001:db8::1', port: 3799 });
  });
});
