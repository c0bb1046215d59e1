/**
 * Vendor-Specific (26) values, RFC 2865 §5.26:
 *
 *   Vendor-Id (4 octets, high octet 0) | Vendor-Type (1) | Vendor-Length (1) | Data ...
 *
 * repeated sub-attributes, the "usual" 1-octet type / 1-octet length format
 * that every vendor we carry (Cisco, Microsoft, Juniper, ERX, Mikrotik, DSL
 * Forum) uses. A value whose sub-attributes do not exactly fill it is
 * broken: it stays opaque (nothing is returned from it) and nothing throws.
 */
import { Attr } from './codes.js';
import { EncodeError } from './errors.js';
import type { RawAttribute } from './packet.js';

export interface VendorAttribute {
  readonly vendorId: number;
  readonly type: number;
  readonly value: Buffer;
}

/** Largest sub-attribute value: 253 - 4 (Vendor-Id) - 2 (Vendor-Type, Vendor-Length). */
export const MAX_VENDOR_VALUE_LENGTH = 247;

/** The Vendor-Id of a Vendor-Specific value, or -1 when it is too short or the high octet is not 0. */
export function vendorIdOf(vsa: Buffer): number {
  if (vsa.length < 4 || vsa[0] !== 0) return -1;
  return vsa.readUInt32BE(0);
}

/** True when the sub-attributes after the Vendor-Id exactly fill the value (at least one). */
export function isWellFormedVsa(vsa: Buffer): boolean {
  const end = vsa.length;
  if (end < 6 || vsa[0] !== 0) return false;
  let off = 4;
  while (off < end) {
    if (off + 2 > end) return false;
    const len = vsa[off + 1]!;
    if (len < 2 || off + len > end) return false;
    off += len;
  }
  return true;
}

/**
 * The value of the first sub-attribute `vendorType` in a well-formed `vsa` of
 * `vendorId`, else undefined. No allocation when nothing matches.
 */
export function findVendorValue(vsa: Buffer, vendorId: number, vendorType: number): Buffer | undefined {
  if (vendorIdOf(vsa) !== vendorId || !isWellFormedVsa(vsa)) return undefined;
  let off = 4;
  while (off < vsa.length) {
    const len = vsa[off + 1]!;
    if (vsa[off] === vendorType) return vsa.subarray(off + 2, off + len);
    off += len;
  }
  return undefined;
}

/** Pushes every sub-attribute `vendorType` of a well-formed `vsa` of `vendorId` onto `out`. */
export function collectVendorValues(vsa: Buffer, vendorId: number, vendorType: number, out: Buffer[]): void {
  if (vendorIdOf(vsa) !== vendorId || !isWellFormedVsa(vsa)) return;
  let off = 4;
  while (off < vsa.length) {
    const len = vsa[off + 1]!;
    if (vsa[off] === vendorType) out.push(vsa.subarray(off + 2, off + len));
    off += len;
  }
}

/** All sub-attributes of a Vendor-Specific value, or undefined when it is broken (kept opaque). */
export function splitVendorSpecific(vsa: Buffer): VendorAttribute[] | undefined {
  if (!isWellFormedVsa(vsa)) return undefined;
  const vendorId = vsa.readUInt32BE(0);
  const out: VendorAttribute[] = [];
  let off = 4;
  while (off < vsa.length) {
    const len = vsa[off + 1]!;
    out.push({ vendorId, type: vsa[off]!, value: vsa.subarray(off + 2, off + len) });
    off += len;
  }
  return out;
}

/** Wraps one vendor sub-attribute in a Vendor-Specific (26) attribute. Throws EncodeError when it cannot fit. */
export function vendorAttribute(vendorId: number, vendorType: number, value: Buffer): RawAttribute {
  if (!Number.isInteger(vendorId) || vendorId < 0 || vendorId > 0xffffff) {
    throw new EncodeError('bad-attribute-type', `Vendor-Id ${vendorId} is not a 24-bit enterprise number`);
  }
  if (!Number.isInteger(vendorType) || vendorType < 0 || vendorType > 255) {
    throw new EncodeError('bad-attribute-type', `vendor attribute type ${vendorType} is not 0..255`);
  }
  if (value.length > MAX_VENDOR_VALUE_LENGTH) {
    throw new EncodeError(
      'vendor-value-too-long',
      `vendor ${vendorId} attribute ${vendorType}: value of ${value.length} octets exceeds ${MAX_VENDOR_VALUE_LENGTH}`,
    );
  }
  const out = Buffer.allocUnsafe(6 + value.length);
  out.writeUInt32BE(vendorId, 0);
  out[4] = vendorType;
  out[5] = value.length + 2;
  value.copy(out, 6);
  return { type: Attr.VendorSpecific, value: out };
}
