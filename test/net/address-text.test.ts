/** IPv4/IPv6 text ↔ octets: RFC 4291 §2.2 input, RFC 5952 output, and PostgreSQL's inet text. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  canonicalAddress,
  formatIPv4,
  formatIPv6,
  formatIPv6Inet,
  isIPv4,
  isLoopbackAddress,
  parseAddress,
  parseIPv4,
  parseIPv6,
  unmapIPv4,
} from '../../src/net/ip.js';
import { freshDatabaseUrl } from '../support/database.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s/g, ''), 'hex');
const v6 = (text: string): string => {
  const b = parseIPv6(text);
  if (!b) throw new Error(`test input ${text} does not parse`);
  return b.toString('hex');
};

describe('IPv4 text', () => {
  it('accepts dotted-quad IPv4 only, without leading zeros', () => {
    expect(isIPv4('192.0.2.10')).toBe(true);
    expect(isIPv4('0.0.0.0')).toBe(true);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '010.0.0.1', '1.2.3.4/32', ' 1.2.3.4', '::1', '']) {
      expect(isIPv4(bad), bad).toBe(false);
    }
  });

  it('reads and writes the four octets', () => {
    expect(parseIPv4('255.255.255.255')).toEqual(hex('ffffffff'));
    expect(parseIPv4('192.0.2.1')).toEqual(hex('c0000201'));
    expect(formatIPv4(hex('c0000201'))).toBe('192.0.2.1');
    expect(formatIPv4(hex('00 0a000001'), 1)).toBe('10.0.0.1');
    for (const bad of ['1.2.3.-4', '1.2.3.4.', '.1.2.3', '1..2.3', '1.2.3.1000', '0x1.2.3.4', '1.2.3.4 ']) {
      expect(parseIPv4(bad), bad).toBeUndefined();
    }
  });
});

describe('IPv6 text in (RFC 4291 §2.2)', () => {
  it('reads the preferred form x:x:x:x:x:x:x:x, in either case and with or without leading zeros', () => {
    expect(v6('ABCD:EF01:2345:6789:ABCD:EF01:2345:6789')).toBe('abcdef0123456789abcdef0123456789');
    expect(v6('2001:DB8:0:0:8:800:200C:417A')).toBe('20010db80000000000080800200c417a');
    expect(v6('2001:0db8:0000:0000:0008:0800:200c:417a')).toBe('20010db80000000000080800200c417a');
  });

  it('reads "::" for one or more groups of zeros, at the start, middle or end', () => {
    expect(v6('2001:DB8::8:800:200C:417A')).toBe('20010db80000000000080800200c417a');
    expect(v6('FF01::101')).toBe('ff010000000000000000000000000101');
    expect(v6('::1')).toBe('00000000000000000000000000000001');
    expect(v6('::')).toBe('00000000000000000000000000000000');
    expect(v6('1::')).toBe('00010000000000000000000000000000');
    expect(v6('1:2:3:4:5:6:7::')).toBe('00010002000300040005000600070000');
  });

  it('reads an embedded dotted quad as the last 32 bits', () => {
    expect(v6('0:0:0:0:0:0:13.1.68.3')).toBe('0000000000000000000000000d014403');
    expect(v6('::13.1.68.3')).toBe('0000000000000000000000000d014403');
    expect(v6('0:0:0:0:0:FFFF:129.144.52.38')).toBe('00000000000000000000ffff81903426');
    expect(v6('::FFFF:129.144.52.38')).toBe('00000000000000000000ffff81903426');
    expect(v6('64:ff9b::192.0.2.33')).toBe('0064ff9b0000000000000000c0000221');
  });

  it('refuses everything else', () => {
    for (const bad of [
      '', ':', ':::', '1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2:3:4:5:6:7:8', '12345::', 'g::', ':1::', '1:', '::1:',
      '::1.2.3', '::1.2.3.4:1', '1.2.3.4::', '::ffff:010.0.0.1', '::256.0.0.1', 'fe80::1%eth0', ' ::1', '1.2.3.4', '[::1]',
    ]) {
      expect(parseIPv6(bad), bad).toBeUndefined();
    }
  });
});

describe('IPv6 text out', () => {
  it('follows RFC 5952 §4: no leading zeros, "::" for the longest run, first on a tie, never for one group, lower case', () => {
    expect(formatIPv6(parseIPv6('2001:0db8::0001')!)).toBe('2001:db8::1');
    expect(formatIPv6(parseIPv6('2001:db8:0:0:0:0:2:1')!)).toBe('2001:db8::2:1');
    expect(formatIPv6(parseIPv6('2001:db8:0:1:1:1:1:1')!)).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIPv6(parseIPv6('2001:0:0:1:0:0:0:1')!)).toBe('2001:0:0:1::1');
    expect(formatIPv6(parseIPv6('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIPv6(parseIPv6('2001:DB8::AbCd')!)).toBe('2001:db8::abcd');
    expect(formatIPv6(parseIPv6('1:2:3:4:5:6:7::')!)).toBe('1:2:3:4:5:6:7:0');
    expect(formatIPv6(Buffer.alloc(16))).toBe('::');
    expect(formatIPv6(hex('ffff 0000000000000000000000000000 ffff'), 2)).toBe('::ffff');
  });

  it('writes IPv4-mapped and -compatible addresses in hexadecimal for RADIUS, with a dotted quad for PostgreSQL', () => {
    const mapped = parseIPv6('::ffff:192.0.2.1')!;
    expect(formatIPv6(mapped)).toBe('::ffff:c000:201');
    expect(formatIPv6Inet(mapped)).toBe('::ffff:192.0.2.1');
    const compatible = parseIPv6('::192.0.2.1')!;
    expect(formatIPv6(compatible)).toBe('::c000:201');
    expect(formatIPv6Inet(compatible)).toBe('::192.0.2.1');
    // Not embedded IPv4 by PostgreSQL's rule: one form for both.
    for (const text of ['::1', '::', '64:ff9b::c000:221', '::1:0:0', '1::ffff:c000:201', '2001:db8::1']) {
      expect(formatIPv6Inet(parseIPv6(text)!), text).toBe(formatIPv6(parseIPv6(text)!));
    }
  });

  it('gives one canonical text for any spelling of an address, or null', () => {
    expect(canonicalAddress('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonicalAddress('::FFFF:C000:0201')).toBe('::ffff:192.0.2.1');
    expect(canonicalAddress('10.1.2.3')).toBe('10.1.2.3');
    expect(canonicalAddress('10.1.2.3/32')).toBeNull();
    expect(canonicalAddress('bras1.example.org')).toBeNull();
    expect(parseAddress('192.0.2.1')).toHaveLength(4);
    expect(parseAddress('2001:db8::1')).toHaveLength(16);
  });

  it('knows the loopback addresses, in any spelling a socket may give', () => {
    for (const a of ['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['128.0.0.1', '10.127.0.1', '::', '::2', '::ffff:10.0.0.1', '::127.0.0.1', '', 'localhost']) {
      expect(isLoopbackAddress(a), a).toBe(false);
    }
  });

  it('unmaps the IPv4 peers of a dual-stack socket and leaves other addresses alone', () => {
    expect(unmapIPv4('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(unmapIPv4('192.0.2.1')).toBe('192.0.2.1');
    expect(unmapIPv4('::ffff:c000:201')).toBe('::ffff:c000:201');
    expect(unmapIPv4('2001:db8::1')).toBe('2001:db8::1');
  });
});

describe('canonical forms match what PostgreSQL prints', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: await freshDatabaseUrl() });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  const addresses = [
    '2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8:0:1:0:0:0:1', '2001:db8:0:0:1:0:0:1', '::', '::1',
    '1::', 'fe80::1:2', '::ffff:192.0.2.1', '::ffff:c000:201', '::192.0.2.1', '1:2:3:4:5:6:7:8', '1:0:0:2:0:0:0:3',
    '0:0:0:0:0:1:0:0', '64:ff9b::192.0.2.33', '10.1.2.3', '2001:db8::0:1',
    // Where the dotted-quad rule starts and stops.
    '::ffff:0.0.0.0', '::2', '::0.1.0.0', '::1:0:0:0', '0:0:0:0:1:ffff:c000:201', '::fffe:c000:201', '1:2:3:4:5:6:7::',
  ];

  it.each(addresses)('%s', async (a) => {
    const r = await client.query<{ t: string }>('SELECT host($1::inet) AS t', [a]);
    expect(canonicalAddress(a)).toBe(r.rows[0]?.t);
  });
});
