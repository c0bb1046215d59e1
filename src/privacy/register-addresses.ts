/**
 * The addresses a session was given, as connection-register rows: one per
 * Framed-IP-Address (RFC 2865 §5.8, a /32), Framed-IPv6-Prefix (RFC 3162
 * §2.3), Delegated-IPv6-Prefix (RFC 4818 §3), and the /128 a
 * Framed-Interface-Id (RFC 3162 §2.1) makes inside each Framed-IPv6-Prefix
 * of /64 or shorter. Pure: what the NAS sent that is no address is skipped.
 */
import type { LiveSession } from '../domain/session.js';
import { cidrOf, parseCidr, type Cidr } from '../net/ip.js';

export type AddressKind = 'framed-ip' | 'framed-ipv6-prefix' | 'delegated-ipv6-prefix' | 'framed-interface-id';

export interface RegisterAddress {
  kind: AddressKind;
  /** Canonical `address/length`, as PostgreSQL's cidr prints it. */
  address: string;
}

const blocks = (text: string | null | undefined, family: 4 | 6): Cidr[] =>
  (text ?? '')
    .split(',')
    .filter((t) => t !== '')
    .map((t) => parseCidr(t))
    .flatMap((r) => (r.ok && r.value.family === family ? [r.value] : []));

/** The prefix's upper 64 bits with the interface identifier below them. */
function withInterfaceId(prefix: Cidr, interfaceIdHex: string): Cidr | null {
  if (prefix.prefixLength > 64 || !/^[0-9a-f]{16}$/i.test(interfaceIdHex)) return null;
  const bytes = Buffer.from(prefix.bytes);
  Buffer.from(interfaceIdHex, 'hex').copy(bytes, 8);
  return cidrOf(bytes, 128);
}

export function registerAddresses(s: Pick<LiveSession, 'framedIp' | 'framedIpv6Prefix' | 'delegatedIpv6Prefix' | 'framedInterfaceId'>): RegisterAddress[] {
  const out: RegisterAddress[] = [];
  const add = (kind: AddressKind, c: Cidr | null): void => {
    if (c !== null && !out.some((a) => a.kind === kind && a.address === c.text)) out.push({ kind, address: c.text });
  };
  for (const c of blocks(s.framedIp, 4)) add('framed-ip', cidrOf(c.bytes, 32));
  const framed = blocks(s.framedIpv6Prefix, 6);
  for (const c of framed) add('framed-ipv6-prefix', c);
  for (const c of blocks(s.delegatedIpv6Prefix, 6)) add('delegated-ipv6-prefix', c);
  if (s.framedInterfaceId) for (const c of framed) add('framed-interface-id', withInterfaceId(c, s.framedInterfaceId));
  return out;
}
