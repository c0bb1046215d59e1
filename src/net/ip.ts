/**
 * IP addresses and CIDR blocks, text ↔ octets: the one place that parses and
 * formats them, for the NAS table, members' addresses and prefixes, the CoA
 * client and the RADIUS attribute codecs. Pure (no I/O, no clock, no config),
 * so protocol/ may depend on it and stay pure; Node has no inet_pton.
 *
 * Input is strict: dotted quads without leading zeros (010 is ambiguous:
 * octal or decimal?), IPv6 in the RFC 4291 §2.2 forms ('::', an embedded
 * dotted-quad tail), no zone ids.
 *
 * IPv6 output comes in two forms, named for what they are:
 * - formatIPv6: RFC 5952 §4 (lower case, no leading zeros, the longest run
 *   of two or more zero groups as '::', the first on a tie), hexadecimal
 *   throughout. RADIUS attribute text uses it.
 * - formatIPv6Inet: PostgreSQL's inet/cidr text, which is the same except
 *   that IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d)
 *   addresses end in a dotted quad. What the database stores and prints, so
 *   a value read back compares equal to one parsed here.
 */

export type IpFamily = 4 | 6;

const IPV4_PART = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;

// ---- addresses

/** Dotted quad → 4 octets, or undefined. Rejects leading zeros and parts over 255. */
export function parseIPv4(text: string): Buffer | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = Buffer.allocUnsafe(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!IPV4_PART.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** Hex groups (no '::') → 16-bit words, or undefined. The last part may be an embedded IPv4. */
function parseGroups(text: string, allowIPv4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (allowIPv4Tail && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIPv4(p);
      if (v4 === undefined) return undefined;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (HEX_GROUP.test(p)) {
      words.push(parseInt(p, 16));
    } else {
      return undefined;
    }
  }
  return words;
}

/** IPv6 text (RFC 4291 §2.2: full, '::'-compressed, dotted-quad tail) → 16 octets, or undefined. */
export function parseIPv6(text: string): Buffer | undefined {
  const gap = text.indexOf('::');
  let words: number[];
  if (gap === -1) {
    const all = parseGroups(text, true);
    if (all === undefined || all.length !== 8) return undefined;
    words = all;
  } else {
    if (text.indexOf('::', gap + 1) !== -1) return undefined;
    const head = parseGroups(text.slice(0, gap), false);
    const tail = parseGroups(text.slice(gap + 2), true);
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(words[i]!, i * 2);
  return out;
}

/** IPv4 or IPv6 text → 4 or 16 octets, or undefined when it is neither. */
export function parseAddress(text: string): Buffer | undefined {
  return parseIPv4(text) ?? parseIPv6(text);
}

/** 4 or 16 octets' family. */
export const familyOf = (bytes: Uint8Array): IpFamily => (bytes.length === 4 ? 4 : 6);

export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== undefined;
}

/** 4 octets at `off` → dotted quad. */
export function formatIPv4(value: Uint8Array, off = 0): string {
  return `${value[off]}.${value[off + 1]}.${value[off + 2]}.${value[off + 3]}`;
}

/** RFC 5952 §4.2: the longest run of two or more zero words, the first on a tie; -1 when none. */
function zeroRun(words: readonly number[]): { at: number; len: number } {
  let at = -1;
  let len = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > len) [at, len] = [i, j - i];
    i = j;
  }
  return at === -1 ? { at, len: 0 } : { at, len };
}

function wordsAt(value: Uint8Array, off: number): number[] {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(((value[off + 2 * i] ?? 0) << 8) | (value[off + 2 * i + 1] ?? 0));
  return words;
}

function ipv6Text(words: readonly number[], dottedTail: boolean): string {
  const run = zeroRun(words);
  // PostgreSQL (inet_net_ntop): five zero words then ffff, or six zero words then a non-zero word.
  const embedsV4 = dottedTail && run.at === 0 && (run.len === 6 || (run.len === 5 && words[5] === 0xffff));
  const end = embedsV4 ? 6 : 8;
  const hex = words.slice(0, end).map((w) => w.toString(16));
  let out = run.at === -1 ? hex.join(':') : `${hex.slice(0, run.at).join(':')}::${hex.slice(Math.min(run.at + run.len, end)).join(':')}`;
  if (embedsV4) {
    const v4 = `${words[6]! >> 8}.${words[6]! & 0xff}.${words[7]! >> 8}.${words[7]! & 0xff}`;
    out = out.endsWith(':') ? out + v4 : `${out}:${v4}`;
  }
  return out;
}

/** 16 octets at `off` → RFC 5952 §4 text, hexadecimal throughout (::ffff:c000:201). */
export function formatIPv6(value: Uint8Array, off = 0): string {
  return ipv6Text(wordsAt(value, off), false);
}

/** 16 octets at `off` → PostgreSQL's inet text: RFC 5952 §4, but ::ffff:192.0.2.1 and ::192.0.2.1 keep a dotted quad. */
export function formatIPv6Inet(value: Uint8Array, off = 0): string {
  return ipv6Text(wordsAt(value, off), true);
}

/** 4 or 16 octets → PostgreSQL's inet text. */
export function formatAddressInet(bytes: Uint8Array): string {
  return bytes.length === 4 ? formatIPv4(bytes) : formatIPv6Inet(bytes);
}

/** An address's canonical text (PostgreSQL's inet form), or null when it is not one. */
export function canonicalAddress(text: string): string | null {
  const b = parseAddress(text);
  return b ? formatAddressInet(b) : null;
}

/** Strips the IPv4-mapped prefix (RFC 4291 §2.5.5.2) a dual-stack socket puts on IPv4 peers. */
export function unmapIPv4(addr: string): string {
  return addr.startsWith('::ffff:') && isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
}

/** 127.0.0.0/8 (RFC 1122 §3.2.1.3) or ::1 (RFC 4291 §2.5.3), also as a dual-stack socket reports IPv4 peers. */
export function isLoopbackAddress(text: string): boolean {
  const b = parseAddress(unmapIPv4(text));
  if (!b) return false;
  return b.length === 4 ? b[0] === 127 : b.every((octet, i) => octet === (i === 15 ? 1 : 0));
}

// ---- CIDR blocks

/** A block of addresses, IPv4 or IPv6; a single address is a /32 or /128. */
export interface Cidr {
  readonly family: IpFamily;
  /** The network address: 4 or 16 octets, host bits clear. */
  readonly bytes: Buffer;
  readonly prefixLength: number;
  /** The network address in canonical text (PostgreSQL's inet form), without the length. */
  readonly address: string;
  /** Canonical `address/length`, as PostgreSQL's cidr prints it. */
  readonly text: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Why a text is not a CIDR block, for callers that word the answer their own way. */
export type CidrProblem =
  | { kind: 'not-an-address' }
  | { kind: 'bad-length'; max: 32 | 128 }
  /** `meant` is the network with the host bits cleared: what the admin probably meant. */
  | { kind: 'host-bits'; meant: Cidr };

export type ParsedCidr = { ok: true; value: Cidr } | { ok: false; reason: string; problem: CidrProblem };

/** `bytes` with every bit right of `prefixLength` cleared (a copy). */
export function maskToPrefix(bytes: Uint8Array, prefixLength: number): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, prefixLength - i * 8));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

/** The block of `prefixLength` bits holding `bytes` (host bits are cleared). */
export function cidrOf(bytes: Uint8Array, prefixLength: number): Cidr {
  const network = maskToPrefix(bytes, prefixLength);
  const address = formatAddressInet(network);
  return { family: familyOf(network), bytes: network, prefixLength, address, text: `${address}/${prefixLength}` };
}

/**
 * `address[/length]` → a block. Without a length, a single address (/32 or
 * /128). Host bits set right of the mask are refused, as PostgreSQL's cidr
 * refuses them, naming the network the admin probably meant.
 */
export function parseCidr(text: string): ParsedCidr {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const bytes = parseAddress(slash === -1 ? trimmed : trimmed.slice(0, slash));
  if (!bytes) {
    return { ok: false, reason: `${JSON.stringify(text)} is not an IPv4 or IPv6 address`, problem: { kind: 'not-an-address' } };
  }
  const max = bytes.length === 4 ? 32 : 128;
  const lenText = slash === -1 ? null : trimmed.slice(slash + 1);
  const prefixLength = lenText === null ? max : PREFIX_LENGTH.test(lenText) ? Number(lenText) : NaN;
  if (!(prefixLength <= max)) {
    return {
      ok: false,
      reason: `${JSON.stringify(text)}: the prefix length must be a number from 0 to ${max}`,
      problem: { kind: 'bad-length', max },
    };
  }
  const block = cidrOf(bytes, prefixLength);
  if (!block.bytes.equals(bytes)) {
    return {
      ok: false,
      reason: `${text} has host bits set to the right of /${prefixLength}; did you mean ${block.text}?`,
      problem: { kind: 'host-bits', meant: block },
    };
  }
  return { ok: true, value: block };
}

/** Canonical `address/length`, or null when the text is not a block. */
export function canonicalCidr(text: string): string | null {
  const r = parseCidr(text);
  return r.ok ? r.value.text : null;
}

/** A member's IPv6 prefix (Framed-IPv6-Prefix / delegation): IPv6, with an explicit length. */
export function parseIpv6Prefix(text: string): Parsed<Cidr> {
  if (!text.includes('/')) {
    return { ok: false, reason: `${JSON.stringify(text)}: an IPv6 prefix needs a length, e.g. 2001:db8:1200::/56` };
  }
  const r = parseCidr(text);
  if (!r.ok) return r;
  if (r.value.family !== 6) return { ok: false, reason: `${JSON.stringify(text)} is not an IPv6 prefix` };
  return r;
}

/** Whether the block is one address (/32, /128). */
/** A block wholly inside 127.0.0.0/8 (RFC 1122 §3.2.1.3) or ::1 (RFC 4291 §2.5.3), IPv4-mapped loopback included. */
export function isLoopbackBlock(text: string): boolean {
  const r = parseCidr(text);
  if (!r.ok) return false;
  const { bytes, prefixLength } = r.value;
  if (bytes.length === 4) return prefixLength >= 8 && bytes[0] === 127;
  if (prefixLength === 128 && isLoopbackAddress(r.value.address)) return true;
  // ::ffff:127.0.0.0/104 and longer (RFC 4291 §2.5.5.2).
  return prefixLength >= 104 && bytes.subarray(0, 10).every((o) => o === 0) && bytes[10] === 0xff && bytes[11] === 0xff && bytes[12] === 127;
}

export const isSingleAddress = (c: Cidr): boolean => c.prefixLength === c.bytes.length * 8;

/** Whether `addr` (4 or 16 octets) lies inside the block; never across families. */
export function cidrContains(c: Cidr, addr: Uint8Array): boolean {
  if (addr.length !== c.bytes.length) return false;
  let bits = c.prefixLength;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((addr[i] ?? 0) & mask) !== ((c.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}
