/** Address arithmetic for matching a datagram's source against NAS CIDR blocks. */
import { isIPv4, isIPv6 } from 'node:net';

/** Strips the IPv4-mapped prefix a dual-stack socket puts on IPv4 peers. */
export function normaliseAddress(addr: string): string {
  return addr.startsWith('::ffff:') && isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
}

/** 4 or 16 octets, or null when the text is not an address. */
export function addressBytes(addr: string): Uint8Array | null {
  if (isIPv4(addr)) return Uint8Array.from(addr.split('.').map(Number));
  if (!isIPv6(addr)) return null;
  let text = addr;
  const out = new Uint8Array(16);
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two hextets.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const o = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? (text.split('::') as [string, string]) : [text, null];
  const headParts = head ? head.split(':') : [];
  const restParts = rest ? rest.split(':') : [];
  const parts = rest === null ? headParts : [...headParts, ...Array<string>(8 - headParts.length - restParts.length).fill('0'), ...restParts];
  parts.forEach((p, i) => {
    const v = parseInt(p, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
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
