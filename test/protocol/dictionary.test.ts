import { describe, expect, it } from 'vitest';
import {
  Attr,
  MsAttr,
  STANDARD_ATTRIBUTES,
  VENDORS,
  VendorId,
  findAttribute,
  findAttributeByCode,
  findVendor,
  valueNumber,
} from '../../src/protocol/index.js';

describe('dictionaries', () => {
  it('numbers the attributes the server relies on as the RFCs do', () => {
    const expected: [string, number][] = [
      ['User-Name', 1],
      ['User-Password', 2],
      ['CHAP-Password', 3],
      ['State', 24],
      ['Class', 25],
      ['Vendor-Specific', 26],
      ['Proxy-State', 33],
      ['Acct-Status-Type', 40],
      ['Acct-Terminate-Cause', 49],
      ['Acct-Input-Gigawords', 52], // RFC 2869
      ['Acct-Output-Gigawords', 53],
      ['Event-Timestamp', 55],
      ['CHAP-Challenge', 60],
      ['Tunnel-Password', 69], // RFC 2868
      ['EAP-Message', 79],
      ['Message-Authenticator', 80],
      ['Acct-Interim-Interval', 85],
      ['NAS-Port-Id', 87],
      ['Chargeable-User-Identity', 89], // RFC 4372
      ['Framed-IPv6-Prefix', 97], // RFC 3162
      ['Error-Cause', 101], // RFC 5176
      ['Delegated-IPv6-Prefix', 123], // RFC 4818
      ['Framed-IPv6-Address', 168], // RFC 6911
      ['DNS-Server-IPv6-Address', 169],
    ];
    for (const [name, type] of expected) {
      const def = findAttribute(name);
      expect(def, name).toBeDefined();
      expect([def!.vendorId, def!.type], name).toEqual([0, type]);
      expect(findAttributeByCode(0, type)?.name).toBe(name);
    }
  });

  it('agrees with the Attr and MsAttr constants', () => {
    expect(findAttributeByCode(0, Attr.AcctInputGigawords)?.name).toBe('Acct-Input-Gigawords');
    expect(findAttributeByCode(0, Attr.FramedIpv6Prefix)?.name).toBe('Framed-IPv6-Prefix');
    expect(findAttributeByCode(0, Attr.DelegatedIpv6Prefix)?.name).toBe('Delegated-IPv6-Prefix');
    expect(findAttributeByCode(VendorId.Microsoft, MsAttr.Chap2Response)?.name).toBe('MS-CHAP2-Response');
    expect(findAttributeByCode(VendorId.Microsoft, MsAttr.Chap2Success)?.name).toBe('MS-CHAP2-Success');
    expect(findAttributeByCode(VendorId.Microsoft, MsAttr.ChapChallenge)?.name).toBe('MS-CHAP-Challenge');
    expect(findAttributeByCode(VendorId.Microsoft, MsAttr.MppeRecvKey)?.name).toBe('MS-MPPE-Recv-Key');
  });

  it("numbers vendor attributes as the vendors publish them", () => {
    const expected: [string, number, number][] = [
      ['MS-CHAP-Response', 311, 1],
      ['MS-CHAP-Error', 311, 2],
      ['MS-MPPE-Encryption-Policy', 311, 7],
      ['MS-MPPE-Encryption-Types', 311, 8],
      ['MS-CHAP-Challenge', 311, 11],
      ['MS-MPPE-Send-Key', 311, 16],
      ['MS-MPPE-Recv-Key', 311, 17],
      ['MS-CHAP2-Response', 311, 25],
      ['MS-CHAP2-Success', 311, 26],
      ['MS-Primary-DNS-Server', 311, 28],
      ['MS-Secondary-DNS-Server', 311, 29],
      ['Mikrotik-Rate-Limit', 14988, 8],
      ['Mikrotik-Address-List', 14988, 19],
      ['Cisco-AVPair', 9, 1],
      ['ERX-Primary-Dns', 4874, 4],
      ['ERX-Ingress-Policy-Name', 4874, 10],
      ['ERX-Egress-Policy-Name', 4874, 11],
      ['ERX-Qos-Profile-Name', 4874, 26],
      ['Juniper-Local-User-Name', 2636, 1],
    ];
    for (const [name, vendorId, type] of expected) {
      expect([findAttribute(name)?.vendorId, findAttribute(name)?.type], name).toEqual([vendorId, type]);
    }
  });

  it('looks names up exactly first, then case-insensitively, and by alias', () => {
    expect(findAttribute('session-timeout')?.name).toBe('Session-Timeout');
    expect(findAttribute('MIKROTIK-RATE-LIMIT')?.name).toBe('Mikrotik-Rate-Limit');
    expect(findAttribute('MS-MPPE-Encryption-Type')?.name).toBe('MS-MPPE-Encryption-Types');
    expect(findAttribute('Not-An-Attribute')).toBeUndefined();
    expect(findAttributeByCode(VendorId.Cisco, 200)).toBeUndefined();
  });

  it('carries the named values of RFC 2866 §5.1 and §5.10', () => {
    const status = findAttribute('Acct-Status-Type')!;
    expect(['Start', 'Stop', 'Interim-Update', 'Accounting-On', 'Accounting-Off'].map((n) => valueNumber(status, n))).toEqual([
      1, 2, 3, 7, 8,
    ]);
    const cause = findAttribute('Acct-Terminate-Cause')!;
    expect(valueNumber(cause, 'User-Request')).toBe(1);
    expect(valueNumber(cause, 'Lost-Carrier')).toBe(2);
    expect(valueNumber(cause, 'NAS-Reboot')).toBe(11);
    expect(valueNumber(cause, 'Host-Request')).toBe(18);
    expect(valueNumber(cause, 'Port-Disabled')).toBe(22);
    expect([...cause.valueNames.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(findAttribute('Acct-Status-Type')!.valueNames.get(3)).toBe('Interim-Update');
    expect(valueNumber(findAttribute('NAS-Port-Type')!, 'Virtual')).toBe(5);
    expect(valueNumber(findAttribute('NAS-Port-Type')!, 'PPPoEoVLAN')).toBe(33);
  });

  it('finds vendors by number or name', () => {
    expect(findVendor(14988)?.name).toBe('Mikrotik');
    expect(findVendor('microsoft')?.id).toBe(311);
    expect(VENDORS.map((v) => v.id).sort((a, b) => a - b)).toEqual([9, 311, 2636, 3561, 4874, 14988]);
  });

  it('marks the tunnel attributes tagged and the hidden ones encrypted', () => {
    for (const name of ['Tunnel-Type', 'Tunnel-Medium-Type', 'Tunnel-Password', 'Tunnel-Private-Group-Id']) {
      expect(findAttribute(name)?.tagged, name).toBe(true);
    }
    expect(findAttribute('User-Password')?.encrypt).toBe('user-password');
    expect(findAttribute('Tunnel-Password')?.encrypt).toBe('tunnel-password');
    expect(findAttribute('MS-MPPE-Send-Key')?.encrypt).toBe('salt');
    expect(STANDARD_ATTRIBUTES.filter((a) => a.encrypt !== undefined && !a.sensitive)).toEqual([]);
  });
});
