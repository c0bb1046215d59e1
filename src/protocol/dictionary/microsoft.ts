/** Microsoft (311) vendor attributes, RFC 2548 §2 (MS-CHAP, MPPE, DNS/NBNS), names as FreeRADIUS. */
import { attr, type VendorDictionary } from './types.js';

export const MICROSOFT: VendorDictionary = {
  name: 'Microsoft',
  id: 311,
  attributes: [
    attr(1, 'MS-CHAP-Response', 'octets', { sensitive: true }),
    attr(2, 'MS-CHAP-Error', 'string'),
    attr(3, 'MS-CHAP-CPW-1', 'octets', { sensitive: true }),
    attr(4, 'MS-CHAP-CPW-2', 'octets', { sensitive: true }),
    attr(5, 'MS-CHAP-LM-Enc-PW', 'octets', { sensitive: true }),
    attr(6, 'MS-CHAP-NT-Enc-PW', 'octets', { sensitive: true }),
    attr(7, 'MS-MPPE-Encryption-Policy', 'integer', {
      values: { 'Encryption-Allowed': 1, 'Encryption-Required': 2 },
    }),
    // RFC 2548 §2.4.5 spells it both ways; FreeRADIUS prefers the plural.
    attr(8, 'MS-MPPE-Encryption-Types', 'integer', {
      aliases: ['MS-MPPE-Encryption-Type'],
      values: { 'RC4-40bit-Allowed': 1, 'RC4-128bit-Allowed': 2, 'RC4-40or128-bit-Allowed': 6 },
    }),
    attr(9, 'MS-RAS-Vendor', 'integer'),
    attr(10, 'MS-CHAP-Domain', 'string'),
    attr(11, 'MS-CHAP-Challenge', 'octets'),
    attr(12, 'MS-CHAP-MPPE-Keys', 'octets', { encrypt: 'user-password', sensitive: true }),
    attr(13, 'MS-BAP-Usage', 'integer', { values: { 'Not-Allowed': 0, Allowed: 1, Required: 2 } }),
    attr(14, 'MS-Link-Utilization-Threshold', 'integer'),
    attr(15, 'MS-Link-Drop-Time-Limit', 'integer'),
    attr(16, 'MS-MPPE-Send-Key', 'octets', { encrypt: 'salt', sensitive: true }),
    attr(17, 'MS-MPPE-Recv-Key', 'octets', { encrypt: 'salt', sensitive: true }),
    attr(18, 'MS-RAS-Version', 'string'),
    attr(19, 'MS-Old-ARAP-Password', 'octets', { sensitive: true }),
    attr(20, 'MS-New-ARAP-Password', 'octets', { sensitive: true }),
    attr(21, 'MS-ARAP-PW-Change-Reason', 'integer', {
      values: {
        'Just-Change-Password': 1,
        'Expired-Password': 2,
        'Admin-Requires-Password-Change': 3,
        'Password-Too-Short': 4,
      },
    }),
    attr(22, 'MS-Filter', 'octets'),
    attr(23, 'MS-Acct-Auth-Type', 'integer', { values: { PAP: 1, CHAP: 2, 'CHAP-1': 3, 'CHAP-2': 4, EAP: 5 } }),
    attr(24, 'MS-Acct-EAP-Type', 'integer', { values: { MD5: 4, OTP: 5, 'Generic-Token-Card': 6, TLS: 13 } }),
    attr(25, 'MS-CHAP2-Response', 'octets', { sensitive: true }),
    attr(26, 'MS-CHAP2-Success', 'octets'),
    attr(27, 'MS-CHAP2-CPW', 'octets', { sensitive: true }),
    attr(28, 'MS-Primary-DNS-Server', 'ipaddr'),
    attr(29, 'MS-Secondary-DNS-Server', 'ipaddr'),
    attr(30, 'MS-Primary-NBNS-Server', 'ipaddr'),
    attr(31, 'MS-Secondary-NBNS-Server', 'ipaddr'),
  ],
};
