/**
 * The shape of dictionary data. Each RFC or vendor is a TS data file written
 * from the RFC text or the vendor's published numbers, with names as
 * FreeRADIUS spells them (admins copy them from FreeRADIUS examples).
 */
import type { DataType } from '../attributes.js';

/**
 * How a value is hidden with the shared secret:
 * - 'user-password': RFC 2865 §5.2 (User-Password, MS-CHAP-MPPE-Keys)
 * - 'tunnel-password': RFC 2868 §3.5 (tag, salt, encrypted length + data)
 * - 'salt': RFC 2548 §2.4.2 (MS-MPPE-Send-Key / Recv-Key: salt, encrypted length + data)
 */
export type Encryption = 'user-password' | 'tunnel-password' | 'salt';

export interface AttributeSpec {
  /** Canonical name, e.g. 'Session-Timeout', 'Mikrotik-Rate-Limit'. */
  readonly name: string;
  /** Attribute type (standard) or vendor sub-attribute type (VSA). */
  readonly type: number;
  readonly dataType: DataType;
  /** RFC 2868 §3 tag octet: integers always carry one; strings when 1..31. */
  readonly tagged?: boolean;
  readonly encrypt?: Encryption;
  /** Never shown in logs or `describeAttributes` (passwords, CHAP responses, keys). */
  readonly sensitive?: boolean;
  /** Named integer values; the first name of a number is the one displayed. */
  readonly values?: Readonly<Record<string, number>>;
  /** Other accepted names (e.g. the RFC's spelling when FreeRADIUS's differs). */
  readonly aliases?: readonly string[];
}

export interface VendorDictionary {
  readonly name: string;
  /** IANA Private Enterprise Number. */
  readonly id: number;
  readonly attributes: readonly AttributeSpec[];
}

/** Shorthand for the data files: `attr(27, 'Session-Timeout', 'integer')`. */
export function attr(
  type: number,
  name: string,
  dataType: DataType,
  extra?: Omit<AttributeSpec, 'type' | 'name' | 'dataType'>,
): AttributeSpec {
  return { type, name, dataType, ...extra };
}
