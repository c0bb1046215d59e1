/** Which NAS a datagram's source address belongs to: single addresses, blocks, dual-stack sockets. */
import { describe, expect, it } from 'vitest';
import type { NasClient } from '../../src/domain/nas.js';
import { NasDirectory } from '../../src/auth/nas-directory.js';

const nas = (name: string, address: string): NasClient => ({
  name, address, secret: `secret-of-${name}`, coaPort: 3799, requireMessageAuthenticator: true,
  disconnectProfile: 'generic', supportsCoa: false, createdAt: new Date(0),
});

// Addresses as the nas table returns them (cidr::text).
const directory = new NasDirectory([
  nas('bras1', '192.0.2.1/32'),
  nas('modems', '198.51.100.0/28'),
  nas('lns-v6', '2001:db8:1::/48'),
  nas('v6-host', '2001:db8::7/128'),
  nas('wide', '10.0.0.0/8'),
  nas('narrow', '10.1.0.0/16'),
]);
const who = (source: string): string | undefined => directory.lookup(source)?.name;

describe('NAS directory lookup', () => {
  it('finds a NAS by its own address', () => {
    expect(who('192.0.2.1')).toBe('bras1');
    expect(who('2001:db8::7')).toBe('v6-host');
    expect(directory.lookup('192.0.2.1')?.secret).toEqual(Buffer.from('secret-of-bras1'));
  });

  it('finds a NAS by the block it was registered as, up to its last address', () => {
    expect(who('198.51.100.0')).toBe('modems');
    expect(who('198.51.100.15')).toBe('modems');
    expect(who('198.51.100.16')).toBeUndefined();
    expect(who('2001:db8:1:ffff::1')).toBe('lns-v6');
    expect(who('2001:db8:2::1')).toBeUndefined();
  });

  it('prefers the longest prefix when blocks nest', () => {
    expect(who('10.1.2.3')).toBe('narrow');
    expect(who('10.2.0.1')).toBe('wide');
  });

  it('matches the IPv4 peers a dual-stack socket reports as IPv4-mapped', () => {
    expect(who('::ffff:192.0.2.1')).toBe('bras1');
    expect(who('::ffff:198.51.100.3')).toBe('modems');
    expect(who('::ffff:203.0.113.1')).toBeUndefined();
  });

  it('answers nothing for unknown or unreadable sources, each time', () => {
    for (const source of ['192.0.2.2', '203.0.113.1', 'not-an-address', '']) {
      expect(who(source), source).toBeUndefined();
      expect(who(source), `${source} again`).toBeUndefined();
    }
  });
});
