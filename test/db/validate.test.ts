import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { canonicalAddress, canonicalCidr, isIPv4, isIsoDate, parseCidr, parseIpv6Prefix } from '../../src/domain/validate.js';
import { freshDatabaseUrl } from '../support/database.js';

describe('address and date validators', () => {
  it('accepts dotted-quad IPv4 only, without leading zeros', () => {
    expect(isIPv4('192.0.2.10')).toBe(true);
    expect(isIPv4('0.0.0.0')).toBe(true);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '010.0.0.1', '1.2.3.4/32', ' 1.2.3.4', '::1', '']) {
      expect(isIPv4(bad), bad).toBe(false);
    }
  });

  it('turns a single address into a /32 or /128 block', () => {
    expect(canonicalCidr('192.0.2.1')).toBe('192.0.2.1/32');
    expect(canonicalCidr('2001:DB8::1')).toBe('2001:db8::1/128');
  });

  it('refuses host bits right of the mask and says which network was meant', () => {
    const r = parseCidr('10.0.0.5/24');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('did you mean 10.0.0.0/24');
    expect(parseCidr('10.0.0.0/33').ok).toBe(false);
    expect(parseCidr('2001:db8::/129').ok).toBe(false);
    expect(parseCidr('nonsense').ok).toBe(false);
  });

  it('requires an explicit length and IPv6 for a member prefix', () => {
    expect(parseIpv6Prefix('2001:db8:1200::/56')).toMatchObject({ ok: true, value: { text: '2001:db8:1200::/56' } });
    expect(parseIpv6Prefix('2001:db8:1200::').ok).toBe(false);
    expect(parseIpv6Prefix('10.0.0.0/8').ok).toBe(false);
  });

  it('accepts real calendar dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2100-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2024-04-31')).toBe(false);
    expect(isIsoDate('2024-13-01')).toBe(false);
    expect(isIsoDate('24-01-01')).toBe(false);
    expect(isIsoDate('2024-1-01')).toBe(false);
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
  ];

  it.each(addresses)('%s', async (a) => {
    const r = await client.query<{ t: string }>('SELECT host($1::inet) AS t', [a]);
    expect(canonicalAddress(a)).toBe(r.rows[0]?.t);
  });

  it.each(['10.0.0.0/8', '192.0.2.7', '2001:db8:1200::/56', '2001:DB8::/32', '::/0', '::ffff:0:0/96'])(
    'cidr %s',
    async (c) => {
      const r = await client.query<{ t: string }>('SELECT $1::cidr::text AS t', [c]);
      expect(canonicalCidr(c)).toBe(r.rows[0]?.t);
    },
  );
});
