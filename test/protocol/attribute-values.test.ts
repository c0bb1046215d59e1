import { describe, expect, it } from 'vitest';
import {
  AttributeValueError,
  decodeAttributeValue,
  describeAttributes,
  encodeAttributeValue,
  formatValue,
  parseValue,
  readIPv6Prefix,
  readInteger64,
  type AttributeValueErrorCode,
} from '../../src/protocol/index.js';
import { hex } from './fixtures/rfc-vectors.js';

function errorOf(name: string, text: string): AttributeValueError {
  try {
    encodeAttributeValue(name, text);
  } catch (e) {
    if (e instanceof AttributeValueError) return e;
    throw e;
  }
  throw new Error(`${name}=${text} was accepted`);
}
const codeOf = (name: string, text: string): AttributeValueErrorCode => errorOf(name, text).code;

describe('plan attributes from text', () => {
  it('encodes Session-Timeout=86400', () => {
    expect(encodeAttributeValue('Session-Timeout', '86400')).toEqual({ type: 27, value: hex('00015180') });
  });

  it('encodes named integer values, names matched case-insensitively as a fallback', () => {
    expect(encodeAttributeValue('Service-Type', 'Framed-User')).toEqual({ type: 6, value: hex('00000002') });
    expect(encodeAttributeValue('service-type', 'framed-user')).toEqual({ type: 6, value: hex('00000002') });
    expect(encodeAttributeValue('Framed-Protocol', 'PPP')).toEqual({ type: 7, value: hex('00000001') });
    expect(encodeAttributeValue('Acct-Terminate-Cause', 'NAS-Reboot')).toEqual({ type: 49, value: hex('0000000b') });
    expect(encodeAttributeValue('Service-Type', '2')).toEqual({ type: 6, value: hex('00000002') });
  });

  it('encodes Framed-IPv6-Prefix=2001:db8::/56 with only the octets the prefix needs (RFC 8044 §3.10)', () => {
    expect(encodeAttributeValue('Framed-IPv6-Prefix', '2001:db8::/56')).toEqual({
      type: 97,
      value: hex('00 38 20010db8000000'),
    });
    expect(encodeAttributeValue('Delegated-IPv6-Prefix', '2001:db8:1200::/40').value).toEqual(hex('0028 20010db812'));
    expect(encodeAttributeValue('Framed-IPv6-Prefix', '::/0').value).toEqual(hex('0000'));
    expect(encodeAttributeValue('Framed-IPv6-Prefix', '2001:db8::1/128').value.length).toBe(18);
  });

  it('encodes addresses, dates and 64-bit integers', () => {
    expect(encodeAttributeValue('Framed-IP-Address', '192.0.2.10').value).toEqual(hex('c000020a'));
    expect(encodeAttributeValue('Framed-IPv6-Address', '2001:db8::1').value).toEqual(hex('20010db8000000000000000000000001'));
    expect(encodeAttributeValue('Event-Timestamp', '2024-05-01T00:00:00Z').value).toEqual(hex('66318600'));
    expect(encodeAttributeValue('Event-Timestamp', '1714521600').value).toEqual(hex('66318600'));
    expect(encodeAttributeValue('Framed-Interface-Id', '0000:0000:0000:0001').value).toEqual(hex('0000000000000001'));
    expect(parseValue('integer64', '18446744073709551615')).toEqual({ ok: true, bytes: hex('ffffffffffffffff') });
    expect(encodeAttributeValue('Class', '0x0a0b').value).toEqual(hex('0a0b'));
  });

  it('encodes RFC 2868 tags: Name:tag for tagged attributes', () => {
    expect(encodeAttributeValue('Tunnel-Type:1', 'L2TP')).toEqual({ type: 64, value: hex('01000003') });
    expect(encodeAttributeValue('Tunnel-Type', 'VLAN')).toEqual({ type: 64, value: hex('0000000d') });
    expect(encodeAttributeValue('Tunnel-Private-Group-Id:2', '100')).toEqual({ type: 81, value: hex('02313030') });
    expect(encodeAttributeValue('Tunnel-Private-Group-Id', '100')).toEqual({ type: 81, value: hex('313030') });
    expect(describeAttributes([encodeAttributeValue('Tunnel-Type:1', 'L2TP')])).toEqual([
      { name: 'Tunnel-Type:1', value: 'L2TP' },
    ]);
  });

  it('explains what is wrong, naming the attribute and an example', () => {
    const e = errorOf('Session-Timeout', 'one day');
    expect(e.code).toBe('invalid-value');
    expect(e.attribute).toBe('Session-Timeout');
    expect(e.message).toMatch(/Session-Timeout.*'one day'.*whole number/);
    expect(errorOf('Service-Type', 'Framed').message).toMatch(/Framed-User/);
    expect(errorOf('Framed-IPv6-Prefix', '2001:db8::1/56').message).toMatch(/did you mean 2001:db8::\/56/);
  });

  it('refuses unknown names, encrypted attributes, bad tags, out-of-range and oversized values', () => {
    expect(codeOf('Session-Timout', '1')).toBe('unknown-attribute');
    expect(codeOf('User-Password', 'x')).toBe('encrypted-attribute');
    expect(codeOf('Tunnel-Password:1', 'x')).toBe('encrypted-attribute');
    expect(codeOf('MS-MPPE-Send-Key', '0x00')).toBe('encrypted-attribute');
    expect(codeOf('Session-Timeout:1', '1')).toBe('bad-tag');
    expect(codeOf('Tunnel-Type:32', 'L2TP')).toBe('bad-tag');
    expect(codeOf('Session-Timeout', '4294967296')).toBe('invalid-value');
    expect(codeOf('Session-Timeout', '-1')).toBe('invalid-value');
    expect(codeOf('Framed-IP-Address', '192.0.2.256')).toBe('invalid-value');
    expect(codeOf('Framed-IP-Address', '192.0.2.01')).toBe('invalid-value');
    expect(codeOf('Framed-IPv6-Prefix', '2001:db8::/129')).toBe('invalid-value');
    expect(codeOf('Framed-IPv6-Prefix', '2001:db8::')).toBe('invalid-value');
    expect(codeOf('Reply-Message', 'x'.repeat(254))).toBe('value-too-long');
    expect(codeOf('Mikrotik-Address-List', 'x'.repeat(248))).toBe('value-too-long');
    expect(encodeAttributeValue('Mikrotik-Address-List', 'x'.repeat(247)).value.length).toBe(253);
  });
});

describe('attribute values to text', () => {
  it('round-trips text → bytes → text for each data type', () => {
    const cases: [string, string][] = [
      ['User-Name', 'nemo'],
      ['Session-Timeout', '86400'],
      ['Service-Type', 'Framed-User'],
      ['NAS-Port-Type', 'Virtual'],
      ['Acct-Status-Type', 'Interim-Update'],
      ['Framed-IP-Address', '192.0.2.10'],
      ['NAS-IPv6-Address', '2001:db8::1:0:0:1'],
      ['Framed-IPv6-Prefix', '2001:db8:ab00::/56'],
      ['Event-Timestamp', '2024-05-01T00:00:00Z'],
      ['Framed-Interface-Id', '0211:22ff:fe33:4455'],
      ['Class', '0x0a0b0c'],
      ['Error-Cause', 'Session-Context-Not-Found'],
    ];
    for (const [name, text] of cases) {
      const raw = encodeAttributeValue(name, text);
      expect(decodeAttributeValue(name, raw.value)).toBe(text);
    }
  });

  it('shows numbers without a name as decimal, wrong lengths as hex, passwords hidden', () => {
    expect(decodeAttributeValue('Service-Type', hex('000000ff'))).toBe('255');
    expect(decodeAttributeValue('NAS-Port', hex('0001'))).toBe('0x0001');
    expect(decodeAttributeValue('User-Password', hex('00112233445566778899aabbccddeeff'))).toBe('[hidden]');
    expect(decodeAttributeValue('CHAP-Password', hex('01'))).toBe('[hidden]');
    expect(decodeAttributeValue('No-Such-Attribute', hex('01'))).toBe('0x01');
    expect(describeAttributes([{ type: 250, value: hex('0102') }])).toEqual([{ name: 'Attr-250', value: '0x0102' }]);
  });

  it('formats IPv6 addresses canonically (RFC 5952)', () => {
    expect(formatValue('ipv6addr', hex('20010db8000000000001000000000001'))).toBe('2001:db8::1:0:0:1');
    expect(formatValue('ipv6addr', hex('20010db8000000010000000000000001'))).toBe('2001:db8:0:1::1');
    expect(formatValue('ipv6addr', hex('20010db8000100010001000100010001'))).toBe('2001:db8:1:1:1:1:1:1');
    expect(formatValue('ipv6addr', Buffer.alloc(16))).toBe('::');
    expect(parseValue('ipv6addr', '::ffff:192.0.2.1')).toEqual({ ok: true, bytes: hex('00000000000000000000ffffc0000201') });
  });

  it('reads 64-bit integers', () => {
    expect(readInteger64(hex('0000000100000002'))).toBe(4294967298n);
    expect(readInteger64(hex('00000001'))).toBeUndefined();
  });
});

describe('ipv6prefix decoding (RFC 3162 §2.3), lenient as NAS equipment varies', () => {
  it('reads minimal, full-length and default-route prefixes', () => {
    expect(readIPv6Prefix(hex('0038 20010db8000000'))).toEqual({ address: '2001:db8::', length: 56 });
    expect(readIPv6Prefix(hex('0040 20010db8000100000000000000000000'))).toEqual({ address: '2001:db8:1::', length: 64 });
    expect(readIPv6Prefix(hex('0000'))).toEqual({ address: '::', length: 0 });
    expect(readIPv6Prefix(hex('0080 20010db8000000000000000000000001'))).toEqual({ address: '2001:db8::1', length: 128 });
  });

  it('accepts fewer prefix octets than the length needs (missing ones are zero)', () => {
    expect(readIPv6Prefix(hex('0040 20010db8'))).toEqual({ address: '2001:db8::', length: 64 });
  });

  it('clears bits set beyond the prefix length', () => {
    expect(readIPv6Prefix(hex('0040 20010db8000000010000000000000001'))).toEqual({ address: '2001:db8:0:1::', length: 64 });
    expect(readIPv6Prefix(hex('002f 20010db80001'))).toEqual({ address: '2001:db8::', length: 47 });
  });

  it('refuses values under 2 or over 18 octets and lengths over 128', () => {
    expect(readIPv6Prefix(hex('00'))).toBeUndefined();
    expect(readIPv6Prefix(Buffer.alloc(19))).toBeUndefined();
    expect(readIPv6Prefix(hex('0081 20010db8'))).toBeUndefined();
    expect(decodeAttributeValue('Framed-IPv6-Prefix', hex('0081'))).toBe('0x0081');
  });
});
