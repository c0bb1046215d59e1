import { describe, expect, it } from 'vitest';
import {
  Attr,
  MsAttr,
  PacketCode,
  VendorId,
  decodeAttributeValue,
  describeAttributes,
  encodeAttributeValue,
  encodeResponse,
  findAttribute,
  getVendorAttribute,
  getVendorAttributes,
  splitVendorSpecific,
  vendorAttribute,
} from '../../src/protocol/index.js';
import { mustParse } from './fixtures/parse.js';
import { SECRET, hex } from './fixtures/rfc-vectors.js';

const AUTH = Buffer.alloc(16, 1);

/** Sends attributes through encode → parse, as a NAS would receive them. */
function overTheWire(attributes: { type: number; value: Buffer }[]) {
  return mustParse(
    encodeResponse({ code: PacketCode.AccessAccept, identifier: 1, attributes }, AUTH, SECRET, {
      messageAuthenticator: true,
    }),
  );
}

describe('vendor-specific attributes (RFC 2865 §5.26)', () => {
  const cases: [vendor: string, vendorId: number, name: string, text: string][] = [
    ['Microsoft', VendorId.Microsoft, 'MS-Primary-DNS-Server', '192.0.2.53'],
    ['Microsoft', VendorId.Microsoft, 'MS-MPPE-Encryption-Policy', 'Encryption-Required'],
    ['Microsoft', VendorId.Microsoft, 'MS-MPPE-Encryption-Types', 'RC4-40or128-bit-Allowed'],
    ['Mikrotik', VendorId.Mikrotik, 'Mikrotik-Rate-Limit', '10M/20M'],
    ['Mikrotik', VendorId.Mikrotik, 'Mikrotik-Address-List', 'members'],
    ['Cisco', VendorId.Cisco, 'Cisco-AVPair', 'ip:addr-pool=members'],
    ['ERX', VendorId.Erx, 'ERX-Ingress-Policy-Name', 'in-10M'],
    ['ERX', VendorId.Erx, 'ERX-Egress-Policy-Name', 'out-20M'],
    ['ERX', VendorId.Erx, 'ERX-Primary-Dns', '192.0.2.53'],
    ['ERX', VendorId.Erx, 'ERX-Qos-Profile-Name', 'residential'],
    ['ERX', VendorId.Erx, 'ERX-Ipv6-Primary-Dns', '2001:db8::53'],
    ['Juniper', VendorId.Juniper, 'Juniper-Local-User-Name', 'operator'],
    ['ADSL-Forum', VendorId.DslForum, 'ADSL-Agent-Circuit-Id', 'dslam1 atm 1/1/01/01:8.35'],
  ];

  for (const [vendor, vendorId, name, text] of cases) {
    it(`round-trips ${vendor} ${name}=${text}`, () => {
      const def = findAttribute(name)!;
      expect(def.vendorId).toBe(vendorId);
      const raw = encodeAttributeValue(name, text);
      expect(raw.type).toBe(Attr.VendorSpecific);
      expect(raw.value.readUInt32BE(0)).toBe(vendorId);
      expect(raw.value[4]).toBe(def.type);
      expect(raw.value[5]).toBe(raw.value.length - 4);

      const packet = overTheWire([raw]);
      const value = getVendorAttribute(packet, vendorId, def.type)!;
      expect(decodeAttributeValue(name, value)).toBe(text);
      expect(describeAttributes(packet.attributes)).toContainEqual({ name, value: text });
    });
  }

  it('encodes Mikrotik-Rate-Limit as the published wire bytes', () => {
    // 26, len 15, Vendor-Id 14988 (0x3a8c), type 8, len 9, "10M/20M"
    const raw = encodeAttributeValue('Mikrotik-Rate-Limit', '10M/20M');
    expect(raw.value).toEqual(hex('00003a8c 08 09 31304d2f32304d'));
  });

  it('finds every sub-attribute when a NAS packs several in one Vendor-Specific', () => {
    const packed = hex('00000137 1c06c0000235 1d06c0000236 1c06c0000237'); // MS DNS ×2 + primary again
    const packet = overTheWire([{ type: Attr.VendorSpecific, value: packed }]);
    expect(getVendorAttribute(packet, VendorId.Microsoft, MsAttr.PrimaryDnsServer)).toEqual(hex('c0000235'));
    expect(getVendorAttributes(packet, VendorId.Microsoft, MsAttr.PrimaryDnsServer)).toEqual([
      hex('c0000235'),
      hex('c0000237'),
    ]);
    expect(getVendorAttribute(packet, VendorId.Microsoft, MsAttr.SecondaryDnsServer)).toEqual(hex('c0000236'));
    expect(getVendorAttribute(packet, VendorId.Cisco, MsAttr.PrimaryDnsServer)).toBeUndefined();
  });

  it('keeps a broken Vendor-Specific opaque: nothing read from it, the packet survives', () => {
    const broken = [
      hex('00000137 1c07c0000235'), // sub-attribute runs past the value
      hex('00000137 1c01'), // sub-attribute length < 2
      hex('00000137 1c06c0000235 1c'), // trailing octet
      hex('01000137 1c06c0000235'), // Vendor-Id high octet not 0
      hex('000001'), // shorter than a Vendor-Id
      hex('00000137'), // no sub-attribute
    ];
    for (const value of broken) {
      const packet = overTheWire([{ type: Attr.VendorSpecific, value }]);
      expect(getVendorAttribute(packet, VendorId.Microsoft, MsAttr.PrimaryDnsServer)).toBeUndefined();
      expect(splitVendorSpecific(value)).toBeUndefined();
      expect(describeAttributes(packet.attributes)).toContainEqual({
        name: 'Vendor-Specific',
        value: `0x${value.toString('hex')}`,
      });
    }
  });

  it('names unknown vendor sub-attributes by number', () => {
    const packet = overTheWire([vendorAttribute(99999, 7, Buffer.from('x'))]);
    expect(describeAttributes(packet.attributes)).toContainEqual({ name: 'Vendor-99999-Attr-7', value: '0x78' });
  });

  it('refuses a sub-attribute value over 247 octets', () => {
    expect(() => vendorAttribute(VendorId.Cisco, 1, Buffer.alloc(248))).toThrow(/247/);
    expect(vendorAttribute(VendorId.Cisco, 1, Buffer.alloc(247)).value.length).toBe(253);
  });

  it('never shows MS-CHAP responses or MPPE keys', () => {
    const packet = overTheWire([
      vendorAttribute(VendorId.Microsoft, MsAttr.Chap2Response, Buffer.alloc(50, 1)),
      vendorAttribute(VendorId.Microsoft, MsAttr.MppeSendKey, Buffer.alloc(34, 2)),
    ]);
    const shown = describeAttributes(packet.attributes);
    expect(shown).toContainEqual({ name: 'MS-CHAP2-Response', value: '[hidden]' });
    expect(shown).toContainEqual({ name: 'MS-MPPE-Send-Key', value: '[hidden]' });
  });
});
