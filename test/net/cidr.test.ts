/** CIDR blocks: parsing, host bits, member IPv6 prefixes, and whether an address lies inside one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { canonicalCidr, cidrContains, cidrOf, isSingleAddress, maskToPrefix, parseAddress, parseCidr, parseIpv6Prefix, type Cidr } from '../../src/net/ip.js';
import { freshDatabaseUrl } from '../support/database.js';

const block = (text: string): Cidr => {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`test input ${text}: ${r.reason}`);
  return r.value;
};
const inside = (cidr: string, addr: string): boolean => cidrContains(block(cidr), parseAddress(addr)!);

describe('parsing a block', () => {
  it('turns a single address into a /32 or /128 block', () => {
    expect(canonicalCidr('192.0.2.1')).toBe('192.0.2.1/32');
    expect(canonicalCidr('2001:DB8::1')).toBe('2001:db8::1/128');
    expect(isSingleAddress(block('192.0.2.1'))).toBe(true);
    expect(isSingleAddress(block('192.0.2.0/31'))).toBe(false);
  });

  it('gives the family, network octets, length and canonical text', () => {
    expect(block(' 198.51.100.0/28 ')).toEqual({
      family: 4, bytes: Buffer.from([198, 51, 100, 0]), prefixLength: 28, address: '198.51.100.0', text: '198.51.100.0/28',
    });
    const v6 = block('2001:DB8:1200::/56');
    expect(v6).toMatchObject({ family: 6, prefixLength: 56, address: '2001:db8:1200::', text: '2001:db8:1200::/56' });
    expect(v6.bytes.toString('hex')).toBe('20010db8120000000000000000000000');
    expect(block('0.0.0.0/0').text).toBe('0.0.0.0/0');
    expect(block('::/0').text).toBe('::/0');
    expect(block('::ffff:192.0.2.0/120').text).toBe('::ffff:192.0.2.0/120');
  });

  it('refuses host bits right of the mask and says which network was meant', () => {
    const r = parseCidr('10.0.0.5/24');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('did you mean 10.0.0.0/24');
    expect(parseCidr('10.0.0.0/33').ok).toBe(false);
    expect(parseCidr('2001:db8::/129').ok).toBe(false);
    expect(parseCidr('nonsense').ok).toBe(false);
  });

  it('checks host bits inside an octet, not only whole octets', () => {
    expect(parseCidr('10.0.0.128/25').ok).toBe(true);
    expect(parseCidr('2001:db8:8000::/33').ok).toBe(true);
    for (const [text, meant] of [
      ['10.0.0.64/25', '10.0.0.0/25'],
      ['1.0.0.0/0', '0.0.0.0/0'],
      ['2001:db8:c000::/33', '2001:db8:8000::/33'],
      ['2001:db8::1/64', '2001:db8::/64'],
      ['::ffff:192.0.2.1/120', '::ffff:192.0.2.0/120'],
    ]) {
      const r = parseCidr(text!);
      expect(r.ok, text).toBe(false);
      if (!r.ok && r.problem.kind === 'host-bits') expect(r.problem.meant.text, text).toBe(meant);
      else expect.unreachable(`${text} should be refused for its host bits`);
    }
  });

  it('says what is wrong, for callers that word it their own way', () => {
    const problem = (text: string) => {
      const r = parseCidr(text);
      return r.ok ? null : r.problem.kind;
    };
    expect(problem('/24')).toBe('not-an-address');
    expect(problem('10.0.0.0.0/8')).toBe('not-an-address');
    for (const bad of ['10.0.0.0/', '10.0.0.0/08', '10.0.0.0/-1', '10.0.0.0/24/1', '10.0.0.0/ 8', '10.0.0.0/0x8', '::/1000']) {
      expect(problem(bad), bad).toBe('bad-length');
    }
    const r = parseCidr('10.0.0.0/33');
    expect(!r.ok && r.reason).toBe('"10.0.0.0/33": the prefix length must be a number from 0 to 32');
  });

  it('requires an explicit length and IPv6 for a member prefix', () => {
    expect(parseIpv6Prefix('2001:db8:1200::/56')).toMatchObject({ ok: true, value: { text: '2001:db8:1200::/56' } });
    expect(parseIpv6Prefix('2001:db8:1200::').ok).toBe(false);
    expect(parseIpv6Prefix('10.0.0.0/8').ok).toBe(false);
  });

  it('masks without touching its input', () => {
    const addr = parseAddress('2001:db8:1234:5678::1')!;
    const before = Buffer.from(addr);
    expect(maskToPrefix(addr, 36).toString('hex')).toBe('20010db8100000000000000000000000');
    expect(addr).toEqual(before);
    expect(cidrOf(addr, 48).text).toBe('2001:db8:1234::/48');
  });
});

describe('whether an address lies inside a block', () => {
  it('compares the first prefix-length bits only', () => {
    expect(inside('10.0.0.0/8', '10.255.255.255')).toBe(true);
    expect(inside('10.0.0.0/8', '11.0.0.0')).toBe(false);
    expect(inside('10.0.0.0/25', '10.0.0.127')).toBe(true);
    expect(inside('10.0.0.0/25', '10.0.0.128')).toBe(false);
    expect(inside('192.0.2.7', '192.0.2.7')).toBe(true);
    expect(inside('192.0.2.7', '192.0.2.6')).toBe(false);
    expect(inside('0.0.0.0/0', '203.0.113.9')).toBe(true);
    expect(inside('2001:db8:1200::/56', '2001:db8:1200:ff:ffff::1')).toBe(true);
    expect(inside('2001:db8:1200::/56', '2001:db8:1200:100::1')).toBe(false);
  });

  it('never matches across families, not even an IPv4-mapped address against its IPv4 block', () => {
    expect(inside('::/0', '192.0.2.1')).toBe(false);
    expect(inside('0.0.0.0/0', '::ffff:192.0.2.1')).toBe(false);
    expect(inside('::ffff:192.0.2.0/120', '::ffff:192.0.2.1')).toBe(true);
  });
});

describe('canonical blocks match what PostgreSQL prints', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: await freshDatabaseUrl() });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  it.each(['10.0.0.0/8', '192.0.2.7', '2001:db8:1200::/56', '2001:DB8::/32', '::/0', '::ffff:0:0/96'])(
    'cidr %s',
    async (c) => {
      const r = await client.query<{ t: string }>('SELECT $1::cidr::text AS t', [c]);
      expect(canonicalCidr(c)).toBe(r.rows[0]?.t);
    },
  );

  it.each(['10.0.0.5/24', '2001:db8::1/64', '1.0.0.0/0'])('PostgreSQL refuses %s too', async (c) => {
    expect(parseCidr(c).ok).toBe(false);
    await expect(client.query('SELECT $1::cidr', [c])).rejects.toThrow(/invalid cidr value/);
  });
});
