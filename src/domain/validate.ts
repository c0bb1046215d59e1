/**
 * Pure validators for what admins type: addresses, CIDR blocks, IPv6 prefixes
 * and calendar dates. The CLI checks input with these before touching the
 * database; the repositories check again so a bad value never reaches SQL.
 * Canonical forms match what PostgreSQL's inet/cidr types print, so a value
 * read back from the database compares equal to the one validated here.
 */
import { parseIPv4 as parseIPv4Octets, parseIPv6 as parseIPv6Octets } from '../protocol/ip.js';

export interface Cidr {
  family: 4 | 6;
  /** Network address in canonical text, without the length. */
  address: string;
  prefixLength: number;
  /** Canonical `address/length`. */
  text: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Dotted-quad IPv4 with no leading zeros (010 is ambiguous: octal or decimal?). */
export function isIPv4(text: string): boolean {
  return parseIPv4Octets(text) !== undefined;
}

// The protocol layer owns address parsing; validation only changes the shape.
const parseIPv4 = (text: string): number[] | null => {
  const b = parseIPv4Octets(text);
  return b ? [...b] : null;
};
const parseIPv6 = (text: string): number[] | null => {
  const b = parseIPv6Octets(text);
  return b ? Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2)) : null;
};

/** RFC 5952 text, with PostgreSQL's rule for IPv4-mapped and -compatible addresses. */
function formatIPv6(words: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  const w = (i: number): number => words[i] ?? 0;
  const embedsV4 = bestStart === 0 && (bestLen === 6 || (bestLen === 5 && w(5) === 0xffff));
  const end = embedsV4 ? 6 : 8;
  const hex = Array.from({ length: end }, (_, i) => w(i).toString(16));
  let out = hex.join(':');
  if (bestStart >= 0) {
    const runEnd = Math.min(bestStart + bestLen, end);
    out = `${hex.slice(0, bestStart).join(':')}::${hex.slice(runEnd).join(':')}`;
  }
  if (embedsV4) {
    const v4 = [w(6) >> 8, w(6) & 0xff, w(7) >> 8, w(7) & 0xff].join('.');
    out = out.endsWith(':') ? out + v4 : `${out}:${v4}`;
  }
  return out;
}

/** Canonical text of an IPv4 or IPv6 address, or null when it is neither. */
export function canonicalAddress(text: string): string | null {
  const v4 = parseIPv4(text);
  if (v4) return v4.join('.');
  const v6 = parseIPv6(text);
  return v6 ? formatIPv6(v6) : null;
}

function hostBitsSet(bytes: readonly number[], prefix: number): boolean {
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    const byte = bytes[bit >> 3] ?? 0;
    if (byte & (0x80 >> (bit & 7))) return true;
  }
  return false;
}

function maskBytes(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

const wordsToBytes = (words: readonly number[]): number[] => words.flatMap((w) => [w >> 8, w & 0xff]);
const bytesToWords = (bytes: readonly number[]): number[] =>
  Array.from({ length: bytes.length / 2 }, (_, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));

/**
 * A CIDR block, IPv4 or IPv6. A single address becomes /32 or /128. Host bits
 * set to the right of the mask are refused (PostgreSQL's cidr refuses them
 * too), with the network the admin probably meant.
 */
export function parseCidr(text: string): Parsed<Cidr> {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addrText = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const lenText = slash === -1 ? null : trimmed.slice(slash + 1);
  const v4 = parseIPv4(addrText);
  const v6 = v4 ? null : parseIPv6(addrText);
  if (!v4 && !v6) return { ok: false, reason: `${JSON.stringify(text)} is not an IPv4 or IPv6 address` };
  const family: 4 | 6 = v4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  if (lenText !== null && !/^(0|[1-9][0-9]{0,2})$/.test(lenText)) {
    return { ok: false, reason: `${JSON.stringify(text)}: the prefix length must be a number from 0 to ${max}` };
  }
  const prefixLength = lenText === null ? max : Number(lenText);
  if (prefixLength > max) {
    return { ok: false, reason: `${JSON.stringify(text)}: the prefix length must be a number from 0 to ${max}` };
  }
  const bytes = v4 ?? wordsToBytes(v6 ?? []);
  const fmt = (b: readonly number[]): string => (family === 4 ? b.join('.') : formatIPv6(bytesToWords(b)));
  if (hostBitsSet(bytes, prefixLength)) {
    const meant = `${fmt(maskBytes(bytes, prefixLength))}/${prefixLength}`;
    return { ok: false, reason: `${text} has host bits set to the right of /${prefixLength}; did you mean ${meant}?` };
  }
  const address = fmt(bytes);
  return { ok: true, value: { family, address, prefixLength, text: `${address}/${prefixLength}` } };
}

/** Canonical `address/length` or null. */
export function canonicalCidr(text: string): string | null {
  const r = parseCidr(text);
  return r.ok ? r.value.text : null;
}

/** An IPv6 prefix for a member (Framed-IPv6-Prefix / delegation): IPv6, with an explicit length. */
export function parseIpv6Prefix(text: string): Parsed<Cidr> {
  if (!text.includes('/')) {
    return { ok: false, reason: `${JSON.stringify(text)}: an IPv6 prefix needs a length, e.g. 2001:db8:1200::/56` };
  }
  const r = parseCidr(text);
  if (!r.ok) return r;
  if (r.value.family !== 6) return { ok: false, reason: `${JSON.stringify(text)} is not an IPv6 prefix` };
  return r;
}

/** YYYY-MM-DD naming a real calendar date (2024-02-29 yes, 2023-02-29 no). */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  return d <= days;
}
