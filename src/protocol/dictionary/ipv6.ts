/** IPv6 attributes: RFC 3162 §2, RFC 4818 §3 (Delegated-IPv6-Prefix), RFC 6911 §3. */
import { attr, type AttributeSpec } from './types.js';

export const IPV6: readonly AttributeSpec[] = [
  attr(95, 'NAS-IPv6-Address', 'ipv6addr'),
  attr(96, 'Framed-Interface-Id', 'ifid'),
  attr(97, 'Framed-IPv6-Prefix', 'ipv6prefix'),
  attr(98, 'Login-IPv6-Host', 'ipv6addr'),
  attr(99, 'Framed-IPv6-Route', 'string'),
  attr(100, 'Framed-IPv6-Pool', 'string'),
  attr(123, 'Delegated-IPv6-Prefix', 'ipv6prefix'),
  attr(168, 'Framed-IPv6-Address', 'ipv6addr'),
  attr(169, 'DNS-Server-IPv6-Address', 'ipv6addr'),
  attr(170, 'Route-IPv6-Information', 'ipv6prefix'),
  attr(171, 'Delegated-IPv6-Prefix-Pool', 'string'),
  attr(172, 'Stateful-IPv6-Address-Pool', 'string'),
];
