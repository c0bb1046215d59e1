/**
 * Tunnel attributes: RFC 2868 §3 (compulsory tunnelling, all tagged) and
 * RFC 2867 §4 (tunnel accounting). Tunnel-Type VLAN (13) is RFC 3580 §3.31.
 */
import { attr, type AttributeSpec } from './types.js';

/** RFC 2868 §3.1 Tunnel-Type (names as FreeRADIUS: IP, MIN-IP). */
const TUNNEL_TYPE = {
  PPTP: 1,
  L2F: 2,
  L2TP: 3,
  ATMP: 4,
  VTP: 5,
  AH: 6,
  IP: 7,
  'IP-IP': 7,
  'MIN-IP': 8,
  'MIN-IP-IP': 8,
  ESP: 9,
  GRE: 10,
  DVS: 11,
  'IP-in-IP': 12,
  VLAN: 13,
};

/** RFC 2868 §3.2 Tunnel-Medium-Type (the IANA "Address Family Numbers"). */
const TUNNEL_MEDIUM_TYPE = {
  IPv4: 1,
  IP: 1,
  IPv6: 2,
  NSAP: 3,
  HDLC: 4,
  'BBN-1822': 5,
  'IEEE-802': 6,
  'E.163': 7,
  'E.164': 8,
  'F.69': 9,
  'X.121': 10,
  IPX: 11,
  Appletalk: 12,
  'DecNet-IV': 13,
  'Banyan-Vines': 14,
  'E.164-NSAP': 15,
};

export const TUNNEL: readonly AttributeSpec[] = [
  attr(64, 'Tunnel-Type', 'integer', { tagged: true, values: TUNNEL_TYPE }),
  attr(65, 'Tunnel-Medium-Type', 'integer', { tagged: true, values: TUNNEL_MEDIUM_TYPE }),
  attr(66, 'Tunnel-Client-Endpoint', 'string', { tagged: true }),
  attr(67, 'Tunnel-Server-Endpoint', 'string', { tagged: true }),
  attr(68, 'Acct-Tunnel-Connection', 'string'),
  attr(69, 'Tunnel-Password', 'string', { tagged: true, encrypt: 'tunnel-password', sensitive: true }),
  attr(81, 'Tunnel-Private-Group-Id', 'string', { tagged: true }),
  attr(82, 'Tunnel-Assignment-Id', 'string', { tagged: true }),
  attr(83, 'Tunnel-Preference', 'integer', { tagged: true }),
  attr(86, 'Acct-Tunnel-Packets-Lost', 'integer'),
  attr(90, 'Tunnel-Client-Auth-Id', 'string', { tagged: true }),
  attr(91, 'Tunnel-Server-Auth-Id', 'string', { tagged: true }),
];
