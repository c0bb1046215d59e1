/**
 * Value codecs for the RADIUS data types (RFC 8044 names; FreeRADIUS names
 * where they differ): text ↔ wire octets, and typed readers for handlers.
 *
 * Readers return undefined for a value of the wrong length instead of
 * throwing: a malformed attribute is kept raw and is simply "not there" for
 * typed reads (RFC 6929 "invalid attributes").
 */
import { formatIPv4, formatIPv6, maskToPrefix, parseCidr, parseIPv4, parseIPv6, type Cidr } from '../net/ip.js';

export type DataType =
  | 'string' // UTF-8 text (RFC 8044 §3.5 "text")
  | 'octets' // opaque (RFC 8044 §3.6 "string")
  | 'integer' // uint32 (RFC 8044 §3.1)
  | 'date' // uint32 seconds since 1970-01-01 UTC (RFC 8044 §3.3 "time")
  | 'ipaddr' // 4 octets (RFC 8044 §3.8 "ipv4addr")
  | 'ipv6addr' // 16 octets (RFC 8044 §3.9)
  | 'ipv6prefix' // reserved, prefix-length, 0..16 prefix octets (RFC 3162 §2.3, RFC 8044 §3.10)
  | 'ifid' // 8 octets (RFC 8044 §3.7)
  | 'integer64' // uint64 (RFC 8044 §3.2)
  | 'byte' // uint8 (FreeRADIUS)
  | 'short'; // uint16 (FreeRADIUS)

export type ParsedValue = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly problem: string };

/** What a valid value looks like, for error messages. */
export const DATA_TYPE_EXAMPLES: Readonly<Record<DataType, string>> = {
  string: 'text, e.g. office-vlan',
  octets: 'hex like 0x0a0b0c, or text',
  integer: 'a whole number 0..4294967295',
  date: 'seconds since 1970 or an ISO 8601 time, e.g. 2024-05-01T00:00:00Z',
  ipaddr: 'an IPv4 address, e.g. 192.0.2.1',
  ipv6addr: 'an IPv6 address, e.g. 2001:db8::1',
  ipv6prefix: 'an IPv6 prefix, e.g. 2001:db8::/56',
  ifid: 'an interface id, e.g. 0000:0000:0000:0001',
  integer64: 'a whole number 0..18446744073709551615',
  byte: 'a whole number 0..255',
  short: 'a whole number 0..65535',
};

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX = /^0x([0-9a-fA-F]{2})*$/;
const IFID = /^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){3}$/;

const fail = (problem: string): ParsedValue => ({ ok: false, problem });
const ok = (bytes: Buffer): ParsedValue => ({ ok: true, bytes });

function parseUnsigned(text: string, octets: 1 | 2 | 4, max: number): ParsedValue {
  const t = text.trim();
  const n = DECIMAL.test(t) ? Number(t) : /^0x[0-9a-fA-F]+$/.test(t) ? parseInt(t.slice(2), 16) : NaN;
  if (!Number.isSafeInteger(n) || n > max) return fail(`'${text}' is not a whole number 0..${max}`);
  const b = Buffer.allocUnsafe(octets);
  b.writeUIntBE(n, 0, octets);
  return ok(b);
}

/** Text → wire octets for `type`. Named integer values are resolved by the dictionary, not here. */
export function parseValue(type: DataType, text: string): ParsedValue {
  switch (type) {
    case 'string':
      return ok(Buffer.from(text, 'utf8'));
    case 'octets':
      return ok(HEX.test(text) ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'utf8'));
    case 'integer':
      return parseUnsigned(text, 4, 0xffffffff);
    case 'short':
      return parseUnsigned(text, 2, 0xffff);
    case 'byte':
      return parseUnsigned(text, 1, 0xff);
    case 'integer64': {
      const t = text.trim();
      if (!DECIMAL.test(t) || BigInt(t) > 0xffffffffffffffffn) return fail(`'${text}' is not a whole number 0..2^64-1`);
      const b = Buffer.allocUnsafe(8);
      b.writeBigUInt64BE(BigInt(t));
      return ok(b);
    }
    case 'date':
      return parseDate(text);
    case 'ipaddr': {
      const b = parseIPv4(text.trim());
      return b ? ok(b) : fail(`'${text}' is not an IPv4 address`);
    }
    case 'ipv6addr': {
      const b = parseIPv6(text.trim());
      return b ? ok(b) : fail(`'${text}' is not an IPv6 address`);
    }
    case 'ipv6prefix':
      return parseIPv6Prefix(text.trim());
    case 'ifid': {
      const t = text.trim();
      const hex = IFID.test(t) ? t.split(':').map((g) => g.padStart(4, '0')).join('') : t;
      return /^[0-9a-fA-F]{16}$/.test(hex) ? ok(Buffer.from(hex, 'hex')) : fail(`'${text}' is not an interface id`);
    }
  }
}

function parseDate(text: string): ParsedValue {
  const t = text.trim();
  let seconds: number;
  if (DECIMAL.test(t)) seconds = Number(t);
  else if (/^\d{4}-\d{2}-\d{2}/.test(t)) seconds = Math.floor(Date.parse(t) / 1000);
  else seconds = NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > 0xffffffff) {
    return fail(`'${text}' is not a time between 1970 and 2106`);
  }
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(seconds);
  return ok(b);
}

/**
 * 'addr/len' → the RFC 3162 §2.3 value. Bits set beyond the prefix length
 * are refused: they usually mean a typo (an address where a prefix was meant).
 */
function parseIPv6Prefix(text: string): ParsedValue {
  const r = text.includes('/') ? parseCidr(text) : undefined;
  if (r?.ok === false && r.problem.kind === 'host-bits' && r.problem.meant.family === 6) {
    const { meant } = r.problem;
    return fail(`'${text}' has bits set beyond /${meant.prefixLength}; did you mean ${formatIPv6(meant.bytes)}/${meant.prefixLength}?`);
  }
  if (!r?.ok || r.value.family !== 6) return fail(`'${text}' is not an IPv6 prefix`);
  return ok(encodeIPv6Prefix(r.value));
}

/**
 * An IPv6 block → Reserved(0) | Prefix-Length | Prefix (RFC 3162 §2.3), with
 * only the octets the prefix needs (RFC 8044 §3.10: "SHOULD NOT contain more
 * octets than necessary").
 */
export function encodeIPv6Prefix(prefix: Cidr): Buffer {
  const n = Math.ceil(prefix.prefixLength / 8);
  const out = Buffer.alloc(2 + n);
  out[1] = prefix.prefixLength;
  prefix.bytes.copy(out, 2, 0, n);
  return out;
}

export interface IPv6Prefix {
  /** The prefix address, bits beyond `length` cleared, RFC 5952 text. */
  readonly address: string;
  readonly length: number;
}

/**
 * RFC 3162 §2.3 value → prefix. Lenient, as NAS equipment varies: accepts
 * 2..18 octets, prefix octets fewer than the length needs (missing ones are
 * zero), and clears bits set beyond the prefix length. Undefined when the
 * value is under 2 or over 18 octets or the length is over 128.
 */
export function readIPv6Prefix(value: Buffer): IPv6Prefix | undefined {
  if (value.length < 2 || value.length > 18 || value[1]! > 128) return undefined;
  const len = value[1]!;
  const addr = Buffer.alloc(16);
  value.copy(addr, 0, 2);
  return { address: formatIPv6(maskToPrefix(addr, len)), length: len };
}

/** 4-octet value → dotted quad, else undefined. */
export function readIPv4(value: Buffer): string | undefined {
  return value.length === 4 ? formatIPv4(value) : undefined;
}

/** 16-octet value → RFC 5952 text, else undefined. */
export function readIPv6(value: Buffer): string | undefined {
  return value.length === 16 ? formatIPv6(value) : undefined;
}

/** 8-octet value → bigint, else undefined. */
export function readInteger64(value: Buffer): bigint | undefined {
  return value.length === 8 ? value.readBigUInt64BE(0) : undefined;
}

/** Wire octets → display text for `type`, or undefined when the length is wrong for the type. */
export function formatValue(type: DataType, value: Buffer): string | undefined {
  switch (type) {
    case 'string':
      return value.toString('utf8');
    case 'octets':
      return `0x${value.toString('hex')}`;
    case 'integer':
      return value.length === 4 ? String(value.readUInt32BE(0)) : undefined;
    case 'short':
      return value.length === 2 ? String(value.readUInt16BE(0)) : undefined;
    case 'byte':
      return value.length === 1 ? String(value[0]) : undefined;
    case 'integer64':
      return value.length === 8 ? value.readBigUInt64BE(0).toString() : undefined;
    case 'date':
      return value.length === 4 ? new Date(value.readUInt32BE(0) * 1000).toISOString().replace('.000Z', 'Z') : undefined;
    case 'ipaddr':
      return readIPv4(value);
    case 'ipv6addr':
      return readIPv6(value);
    case 'ipv6prefix': {
      const p = readIPv6Prefix(value);
      return p && `${p.address}/${p.length}`;
    }
    case 'ifid':
      return value.length === 8 ? (value.toString('hex').match(/.{4}/g) ?? []).join(':') : undefined;
  }
}
