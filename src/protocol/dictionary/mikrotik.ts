/** MikroTik (14988) vendor attributes, from MikroTik's published RADIUS client dictionary. */
import { attr, type VendorDictionary } from './types.js';

export const MIKROTIK: VendorDictionary = {
  name: 'Mikrotik',
  id: 14988,
  attributes: [
    attr(1, 'Mikrotik-Recv-Limit', 'integer'),
    attr(2, 'Mikrotik-Xmit-Limit', 'integer'),
    attr(3, 'Mikrotik-Group', 'string'),
    attr(4, 'Mikrotik-Wireless-Forward', 'integer'),
    attr(5, 'Mikrotik-Wireless-Skip-Dot1x', 'integer'),
    attr(6, 'Mikrotik-Wireless-Enc-Algo', 'integer', {
      values: { 'No-encryption': 0, '40-bit-WEP': 1, '104-bit-WEP': 2, 'AES-CCM': 3, TKIP: 4 },
    }),
    attr(7, 'Mikrotik-Wireless-Enc-Key', 'string', { sensitive: true }),
    // e.g. "10M/20M" (rx/tx from the router's side), with optional burst fields.
    attr(8, 'Mikrotik-Rate-Limit', 'string'),
    attr(9, 'Mikrotik-Realm', 'string'),
    attr(10, 'Mikrotik-Host-IP', 'ipaddr'),
    attr(11, 'Mikrotik-Mark-Id', 'string'),
    attr(12, 'Mikrotik-Advertise-URL', 'string'),
    attr(13, 'Mikrotik-Advertise-Interval', 'integer'),
    attr(14, 'Mikrotik-Recv-Limit-Gigawords', 'integer'),
    attr(15, 'Mikrotik-Xmit-Limit-Gigawords', 'integer'),
    attr(16, 'Mikrotik-Wireless-PSK', 'string', { sensitive: true }),
    attr(17, 'Mikrotik-Total-Limit', 'integer'),
    attr(18, 'Mikrotik-Total-Limit-Gigawords', 'integer'),
    attr(19, 'Mikrotik-Address-List', 'string'),
    attr(20, 'Mikrotik-Wireless-MPKey', 'string', { sensitive: true }),
    attr(21, 'Mikrotik-Wireless-Comment', 'string'),
    attr(22, 'Mikrotik-Delegated-IPv6-Pool', 'string'),
    attr(23, 'Mikrotik-DHCP-Option-Set', 'string'),
    attr(24, 'Mikrotik-DHCP-Option-Param-STR1', 'string'),
    attr(25, 'Mikrotik-DHCP-Option-Param-STR2', 'string'),
    attr(26, 'Mikrotik-Wireless-VLANID', 'integer'),
    attr(27, 'Mikrotik-Wireless-VLANID-Type', 'integer', { values: { '802.1q': 0, '802.1ad': 1 } }),
    attr(28, 'Mikrotik-Wireless-Minsignal', 'string'),
    attr(29, 'Mikrotik-Wireless-Maxsignal', 'string'),
  ],
};
