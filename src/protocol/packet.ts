/**
 * The packet types and the accessors that read attributes from them.
 *
 * Attributes are kept raw (type + value view) in wire order: decoding is a
 * single pass with no dictionary look-up, and typing happens only for the
 * attributes a handler actually reads. Accessors are linear scans: a RADIUS
 * request holds tens of attributes, so a scan beats building an index.
 */
import { Attr, type PacketCode } from './codes.js';
import { collectVendorValues, findVendorValue } from './vsa.js';

/** One attribute as on the wire (RFC 2865 §5): its type and its value octets. */
export interface RawAttribute {
  readonly type: number;
  readonly value: Buffer;
}

/**
 * A framed packet. `raw` is exactly Length octets (padding after Length is
 * not part of it) and the Buffers are views into the received datagram: no
 * copy is made, so do not reuse the datagram's memory while the packet lives.
 */
export interface RadiusPacket {
  readonly code: PacketCode;
  readonly identifier: number;
  /** Request or Response Authenticator, 16 octets (RFC 2865 §3). */
  readonly authenticator: Buffer;
  readonly attributes: readonly RawAttribute[];
  readonly raw: Buffer;
}

/** Anything with attributes: a decoded packet or a reply being built. */
export interface HasAttributes {
  readonly attributes: readonly RawAttribute[];
}

/** Value of the first attribute of `type`, or undefined. */
export function getAttribute(packet: HasAttributes, type: number): Buffer | undefined {
  const attrs = packet.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.type === type) return a.value;
  }
  return undefined;
}

/** Values of every attribute of `type`, in wire order (e.g. Class, Proxy-State, EAP-Message). */
export function getAttributes(packet: HasAttributes, type: number): Buffer[] {
  const out: Buffer[] = [];
  const attrs = packet.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.type === type) out.push(a.value);
  }
  return out;
}

/** How many attributes of `type` the packet holds. */
export function countAttributes(packet: HasAttributes, type: number): number {
  let n = 0;
  const attrs = packet.attributes;
  for (let i = 0; i < attrs.length; i++) if (attrs[i]!.type === type) n++;
  return n;
}

/** First attribute of `type` decoded as UTF-8 text (RFC 2865 "text"), or undefined. */
export function getString(packet: HasAttributes, type: number): string | undefined {
  const v = getAttribute(packet, type);
  return v === undefined ? undefined : v.toString('utf8');
}

/**
 * First attribute of `type` as a 32-bit unsigned integer (RFC 2865 §5
 * "integer", "time"), or undefined when absent or not exactly 4 octets.
 */
export function getUint32(packet: HasAttributes, type: number): number | undefined {
  const v = getAttribute(packet, type);
  return v !== undefined && v.length === 4 ? v.readUInt32BE(0) : undefined;
}

/**
 * Value of the first vendor sub-attribute (vendorId, vendorType) found in any
 * Vendor-Specific attribute (RFC 2865 §5.26). Broken VSAs are skipped.
 */
export function getVendorAttribute(packet: HasAttributes, vendorId: number, vendorType: number): Buffer | undefined {
  const attrs = packet.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.type !== Attr.VendorSpecific) continue;
    const v = findVendorValue(a.value, vendorId, vendorType);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Values of every vendor sub-attribute (vendorId, vendorType), in wire order. */
export function getVendorAttributes(packet: HasAttributes, vendorId: number, vendorType: number): Buffer[] {
  const out: Buffer[] = [];
  const attrs = packet.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.type === Attr.VendorSpecific) collectVendorValues(a.value, vendorId, vendorType, out);
  }
  return out;
}
