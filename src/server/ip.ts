/** Address arithmetic for matching a datagram's source against NAS CIDR blocks. */
import { isIPv4 } from 'node:net';
import { parseIPv4, parseIPv6 } from '../protocol/ip.js';

/** Strips the IPv4-mapped prefix a dual-stack socket puts on IPv4 peers. */
export function normaliseAddress(addr: string): string {
  return addr.startsWith('::ffff:') && isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
}

/** 4 or 16 octets, or null when the text is not an address. */
export function addressBytes(addr: string): Uint8Array | null {
  return parseIPv4(addr) ?? parseIPv6(addr) ?? null;
}

export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

export function parseCidrText(text: string): Cidr | null {
  const [addr, len] = text.split('/') as [string, string | undefined];
  const bytes = addressBytes(addr);
  if (!bytes) return null;
  const max = bytes.length * 8;
  const prefix = len === undefined ? max : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { bytes, prefix };
}

export function cidrContains(c: Cidr, addr: Uint8Array): boolean {
  if (addr.length !== c.bytes.length) return false;
  let bits = c.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((addr[i] ?? 0) & mask) !== ((c.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}
