/** RFC 2865 §5 attributes (1..39, 60..63) and §5.x named values. */
import { attr, type AttributeSpec } from './types.js';

/** §5.6 Service-Type; 17 Authorize-Only from RFC 5176, 18 Framed-Management from RFC 5607. */
const SERVICE_TYPE = {
  'Login-User': 1,
  'Framed-User': 2,
  'Callback-Login-User': 3,
  'Callback-Framed-User': 4,
  'Outbound-User': 5,
  'Administrative-User': 6,
  'NAS-Prompt-User': 7,
  'Authenticate-Only': 8,
  'Callback-NAS-Prompt': 9,
  'Call-Check': 10,
  'Callback-Administrative': 11,
  'Authorize-Only': 17,
  'Framed-Management': 18,
};

/** §5.7 Framed-Protocol. */
const FRAMED_PROTOCOL = {
  PPP: 1,
  SLIP: 2,
  ARAP: 3,
  'Gandalf-SLML': 4,
  'Xylogics-IPX-SLIP': 5,
  'X.75-Synchronous': 6,
};

/** §5.10 Framed-Routing. */
const FRAMED_ROUTING = { None: 0, Broadcast: 1, Listen: 2, 'Broadcast-Listen': 3 };

/** §5.13 Framed-Compression. */
const FRAMED_COMPRESSION = { None: 0, 'Van-Jacobson-TCP-IP': 1, 'IPX-Header-Compression': 2, 'Stac-LZS': 3 };

/** §5.15 Login-Service. */
const LOGIN_SERVICE = {
  Telnet: 0,
  Rlogin: 1,
  'TCP-Clear': 2,
  PortMaster: 3,
  LAT: 4,
  'X25-PAD': 5,
  'X25-T3POS': 6,
  'TCP-Clear-Quiet': 8,
};

/** §5.29 Termination-Action. */
const TERMINATION_ACTION = { Default: 0, 'RADIUS-Request': 1 };

/**
 * §5.41 NAS-Port-Type (0..19), with the later IANA registrations small ISPs
 * meet (20..29; 30..34 PPPoA/PPPoE variants from RFC 4603).
 */
const NAS_PORT_TYPE = {
  Async: 0,
  Sync: 1,
  ISDN: 2,
  'ISDN-V120': 3,
  'ISDN-V110': 4,
  Virtual: 5,
  PIAFS: 6,
  'HDLC-Clear-Channel': 7,
  'X.25': 8,
  'X.75': 9,
  'G.3-Fax': 10,
  SDSL: 11,
  'ADSL-CAP': 12,
  'ADSL-DMT': 13,
  IDSL: 14,
  Ethernet: 15,
  xDSL: 16,
  Cable: 17,
  'Wireless-Other': 18,
  'Wireless-802.11': 19,
  'Token-Ring': 20,
  FDDI: 21,
  'Wireless-CDMA2000': 22,
  'Wireless-UMTS': 23,
  'Wireless-1X-EV': 24,
  IAPP: 25,
  FTTP: 26,
  'Wireless-802.16': 27,
  'Wireless-802.20': 28,
  'Wireless-802.22': 29,
  PPPoA: 30,
  PPPoEoA: 31,
  PPPoEoE: 32,
  PPPoEoVLAN: 33,
  PPPoEoQinQ: 34,
};

export const RFC2865: readonly AttributeSpec[] = [
  attr(1, 'User-Name', 'string'),
  attr(2, 'User-Password', 'string', { encrypt: 'user-password', sensitive: true }),
  attr(3, 'CHAP-Password', 'octets', { sensitive: true }),
  attr(4, 'NAS-IP-Address', 'ipaddr'),
  attr(5, 'NAS-Port', 'integer'),
  attr(6, 'Service-Type', 'integer', { values: SERVICE_TYPE }),
  attr(7, 'Framed-Protocol', 'integer', { values: FRAMED_PROTOCOL }),
  attr(8, 'Framed-IP-Address', 'ipaddr'),
  attr(9, 'Framed-IP-Netmask', 'ipaddr'),
  attr(10, 'Framed-Routing', 'integer', { values: FRAMED_ROUTING }),
  attr(11, 'Filter-Id', 'string'),
  attr(12, 'Framed-MTU', 'integer'),
  attr(13, 'Framed-Compression', 'integer', { values: FRAMED_COMPRESSION }),
  attr(14, 'Login-IP-Host', 'ipaddr'),
  attr(15, 'Login-Service', 'integer', { values: LOGIN_SERVICE }),
  attr(16, 'Login-TCP-Port', 'integer', { values: { Telnet: 23, Rlogin: 513, Rsh: 514 } }),
  attr(18, 'Reply-Message', 'string'),
  attr(19, 'Callback-Number', 'string'),
  attr(20, 'Callback-Id', 'string'),
  attr(22, 'Framed-Route', 'string'),
  attr(23, 'Framed-IPX-Network', 'ipaddr'),
  attr(24, 'State', 'octets'),
  attr(25, 'Class', 'octets'),
  attr(26, 'Vendor-Specific', 'octets'),
  attr(27, 'Session-Timeout', 'integer'),
  attr(28, 'Idle-Timeout', 'integer'),
  attr(29, 'Termination-Action', 'integer', { values: TERMINATION_ACTION }),
  attr(30, 'Called-Station-Id', 'string'),
  attr(31, 'Calling-Station-Id', 'string'),
  attr(32, 'NAS-Identifier', 'string'),
  attr(33, 'Proxy-State', 'octets'),
  attr(34, 'Login-LAT-Service', 'string'),
  attr(35, 'Login-LAT-Node', 'string'),
  attr(36, 'Login-LAT-Group', 'octets'),
  attr(37, 'Framed-AppleTalk-Link', 'integer'),
  attr(38, 'Framed-AppleTalk-Network', 'integer'),
  attr(39, 'Framed-AppleTalk-Zone', 'string'),
  attr(60, 'CHAP-Challenge', 'octets'),
  attr(61, 'NAS-Port-Type', 'integer', { values: NAS_PORT_TYPE }),
  attr(62, 'Port-Limit', 'integer'),
  attr(63, 'Login-LAT-Port', 'string'),
];
