/**
 * `Name = value` text ↔ attributes, through the dictionaries: validates plan
 * attributes an admin types (`Session-Timeout=86400`,
 * `Mikrotik-Rate-Limit=10M/20M`, `Framed-IPv6-Prefix=2001:db8::/56`) and
 * renders received attributes for logs and `diagnose`.
 *
 * Not on the hot path: plans are encoded once when loaded, and describing
 * attributes only happens when a debug line is actually written.
 */
import { DATA_TYPE_EXAMPLES, formatValue, parseValue } from './attributes.js';
import { Attr } from './codes.js';
import { findAttribute, findAttributeByCode, valueNumber, type AttributeDef } from './dictionary/index.js';
import { AttributeValueError } from './errors.js';
import type { RawAttribute } from './packet.js';
import { MAX_VENDOR_VALUE_LENGTH, splitVendorSpecific, vendorAttribute } from './vsa.js';

const MAX_VALUE_LENGTH = 253;
/** What logs show instead of a password, a CHAP response or a key. */
export const HIDDEN = '[hidden]';

export interface DescribedAttribute {
  /** Dictionary name, with ':tag' for tagged attributes (RFC 2868), or Attr-N / Vendor-V-Attr-N when unknown. */
  readonly name: string;
  readonly value: string;
}

/**
 * Builds the attribute for `name` (optionally `Name:tag` for RFC 2868 tunnel
 * attributes) from its textual value. Vendor attributes come back wrapped in
 * a Vendor-Specific (26). Throws AttributeValueError with a message meant
 * for the admin.
 */
export function encodeAttributeValue(name: string, text: string): RawAttribute {
  const { base, tag } = splitTag(name);
  const def = findAttribute(base);
  if (def === undefined) {
    throw new AttributeValueError(
      'unknown-attribute',
      name,
      `unknown attribute '${base}' (names follow the FreeRADIUS dictionaries, e.g. Session-Timeout, Mikrotik-Rate-Limit)`,
    );
  }
  if (def.encrypt !== undefined) {
    throw new AttributeValueError(
      'encrypted-attribute',
      name,
      `${def.name} is encrypted with the shared secret for each reply and cannot be a fixed attribute value`,
    );
  }
  if (tag !== undefined && (!def.tagged || tag > 31)) {
    throw new AttributeValueError(
      'bad-tag',
      name,
      def.tagged ? `${def.name}: tag ${tag} is not 0..31` : `${def.name} takes no tag`,
    );
  }

  let bytes = valueBytes(def, text, name);
  if (def.tagged) bytes = addTag(def, bytes, tag ?? 0, text, name);

  const limit = def.vendorId === 0 ? MAX_VALUE_LENGTH : MAX_VENDOR_VALUE_LENGTH;
  if (bytes.length > limit) {
    throw new AttributeValueError(
      'value-too-long',
      name,
      `${def.name}: value is ${bytes.length} octets, at most ${limit} fit in one attribute`,
    );
  }
  return def.vendorId === 0 ? { type: def.type, value: bytes } : vendorAttribute(def.vendorId, def.type, bytes);
}

function splitTag(name: string): { base: string; tag: number | undefined } {
  const m = /^(.+):(\d{1,3})$/.exec(name.trim());
  return m ? { base: m[1]!, tag: Number(m[2]) } : { base: name.trim(), tag: undefined };
}

function valueBytes(def: AttributeDef, text: string, asWritten: string): Buffer {
  if (def.dataType === 'integer' && def.values !== undefined) {
    const n = valueNumber(def, text.trim());
    if (n !== undefined) {
      const b = Buffer.allocUnsafe(4);
      b.writeUInt32BE(n);
      return b;
    }
  }
  const parsed = parseValue(def.dataType, text);
  if (parsed.ok) return parsed.bytes;
  const named = def.values ? `; or one of ${Object.keys(def.values).join(', ')}` : '';
  throw new AttributeValueError(
    'invalid-value',
    asWritten,
    `${def.name}: ${parsed.problem}; expected ${DATA_TYPE_EXAMPLES[def.dataType]}${named}`,
  );
}

/**
 * RFC 2868 §3: a tagged integer replaces the high octet of its 4 with the
 * tag; a tagged string starts with the tag when it is 1..31. An untagged
 * string starting with an octet ≤ 0x1F gets a 0 tag so that octet is not
 * mistaken for one.
 */
function addTag(def: AttributeDef, bytes: Buffer, tag: number, text: string, asWritten: string): Buffer {
  if (def.dataType === 'integer') {
    if (bytes[0] !== 0) {
      throw new AttributeValueError('invalid-value', asWritten, `${def.name}: '${text}' does not fit in 24 bits`);
    }
    const out = Buffer.from(bytes);
    out[0] = tag;
    return out;
  }
  if (tag === 0 && (bytes.length === 0 || bytes[0]! > 0x1f)) return bytes;
  return Buffer.concat([Buffer.of(tag), bytes]);
}

/**
 * Text of a value of the attribute `name` (or its definition) for display:
 * named integer values by name, addresses in canonical form, tags dropped
 * (see describeAttributes for Name:tag), sensitive values as '[hidden]', a
 * value of the wrong length for its type as 0x-hex. Never throws.
 */
export function decodeAttributeValue(nameOrDef: string | AttributeDef, value: Buffer): string {
  const def = typeof nameOrDef === 'string' ? findAttribute(nameOrDef) : nameOrDef;
  if (def === undefined) return `0x${value.toString('hex')}`;
  return formatWithDef(def, value).value;
}

function formatWithDef(def: AttributeDef, value: Buffer): { tag: number; value: string } {
  // Tunnel-Password's tag octet is in the clear before its salt (RFC 2868 §3.5): which tunnel it is, not the password.
  if (def.encrypt === 'tunnel-password') return { tag: value.length > 0 && value[0]! <= 0x1f ? value[0]! : 0, value: HIDDEN };
  if (def.sensitive || def.encrypt !== undefined) return { tag: 0, value: HIDDEN };
  let tag = 0;
  let v = value;
  if (def.tagged) {
    if (def.dataType === 'integer' && v.length === 4) {
      tag = v[0]!;
      v = Buffer.from([0, v[1]!, v[2]!, v[3]!]);
    } else if (def.dataType !== 'integer' && v.length > 0 && v[0]! <= 0x1f) {
      tag = v[0]!;
      v = v.subarray(1);
    }
  }
  if (def.dataType === 'integer' && v.length === 4) {
    const named = def.valueNames.get(v.readUInt32BE(0));
    if (named !== undefined) return { tag, value: named };
  }
  return { tag, value: formatValue(def.dataType, v) ?? `0x${v.toString('hex')}` };
}

/**
 * Every attribute as Name / value text, Vendor-Specific expanded into its
 * sub-attributes (a broken one shown whole as hex), for logs and `diagnose`.
 * Sensitive values are never rendered.
 */
export function describeAttributes(attributes: readonly RawAttribute[]): DescribedAttribute[] {
  const out: DescribedAttribute[] = [];
  for (const a of attributes) {
    if (a.type === Attr.VendorSpecific) {
      const subs = splitVendorSpecific(a.value);
      if (subs === undefined) {
        out.push({ name: 'Vendor-Specific', value: `0x${a.value.toString('hex')}` });
        continue;
      }
      for (const s of subs) out.push(describe(findAttributeByCode(s.vendorId, s.type), s.value, `Vendor-${s.vendorId}-Attr-${s.type}`));
    } else {
      out.push(describe(findAttributeByCode(0, a.type), a.value, `Attr-${a.type}`));
    }
  }
  return out;
}

function describe(def: AttributeDef | undefined, value: Buffer, unknownName: string): DescribedAttribute {
  if (def === undefined) return { name: unknownName, value: `0x${value.toString('hex')}` };
  const { tag, value: text } = formatWithDef(def, value);
  return { name: tag === 0 ? def.name : `${def.name}:${tag}`, value: text };
}
