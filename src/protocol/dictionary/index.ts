/**
 * One registry over every dictionary, built once at load: look up by name
 * (canonical FreeRADIUS spelling first, then case-insensitively) or by
 * (vendorId, type), vendorId 0 meaning a standard attribute.
 */
import { CISCO } from './cisco.js';
import { DSL_FORUM } from './dsl-forum.js';
import { IPV6 } from './ipv6.js';
import { ERX, JUNIPER } from './juniper.js';
import { MICROSOFT } from './microsoft.js';
import { MIKROTIK } from './mikrotik.js';
import { LATER_RFCS } from './rfc-later.js';
import { RFC2865 } from './rfc2865.js';
import { RFC2866 } from './rfc2866.js';
import { RFC2869 } from './rfc2869.js';
import { TUNNEL } from './tunnel.js';
import type { AttributeSpec, VendorDictionary } from './types.js';

export type { AttributeSpec, Encryption, VendorDictionary } from './types.js';

/** A dictionary attribute with where it lives and its value tables. */
export interface AttributeDef extends AttributeSpec {
  /** 0 for standard attributes, else the vendor's enterprise number (a VSA sub-attribute type). */
  readonly vendorId: number;
  /** number → display name (the first name listed for that number). */
  readonly valueNames: ReadonlyMap<number, string>;
}

export const STANDARD_ATTRIBUTES: readonly AttributeSpec[] = [
  ...RFC2865,
  ...RFC2866,
  ...RFC2869,
  ...TUNNEL,
  ...IPV6,
  ...LATER_RFCS,
];

export const VENDORS: readonly VendorDictionary[] = [CISCO, MICROSOFT, JUNIPER, DSL_FORUM, ERX, MIKROTIK];

const byName = new Map<string, AttributeDef>();
const byLowerName = new Map<string, AttributeDef>();
const byCode = new Map<number, AttributeDef>();
const vendorByName = new Map<string, VendorDictionary>();
const vendorById = new Map<number, VendorDictionary>();

// vendorId < 2^24 and type < 2^8: the key stays an exact small number.
const codeKey = (vendorId: number, type: number): number => vendorId * 256 + type;

function register(spec: AttributeSpec, vendorId: number): void {
  const valueNames = new Map<number, string>();
  for (const [name, n] of Object.entries(spec.values ?? {})) if (!valueNames.has(n)) valueNames.set(n, name);
  const def: AttributeDef = { ...spec, vendorId, valueNames };
  const key = codeKey(vendorId, spec.type);
  if (byCode.has(key)) throw new Error(`dictionary: ${spec.name} reuses vendor ${vendorId} type ${spec.type}`);
  byCode.set(key, def);
  for (const name of [spec.name, ...(spec.aliases ?? [])]) {
    if (byName.has(name)) throw new Error(`dictionary: duplicate name ${name}`);
    byName.set(name, def);
    byLowerName.set(name.toLowerCase(), def);
  }
}

for (const spec of STANDARD_ATTRIBUTES) register(spec, 0);
for (const vendor of VENDORS) {
  vendorByName.set(vendor.name.toLowerCase(), vendor);
  vendorById.set(vendor.id, vendor);
  for (const spec of vendor.attributes) register(spec, vendor.id);
}

/** By name: exact canonical spelling first ('Session-Timeout'), then case-insensitive ('session-timeout'). */
export function findAttribute(name: string): AttributeDef | undefined {
  return byName.get(name) ?? byLowerName.get(name.toLowerCase());
}

/** By number: `vendorId` 0 for standard attributes, else the VSA's vendor and sub-attribute type. */
export function findAttributeByCode(vendorId: number, type: number): AttributeDef | undefined {
  return byCode.get(codeKey(vendorId, type));
}

/** A vendor by enterprise number or (case-insensitive) name. */
export function findVendor(idOrName: number | string): VendorDictionary | undefined {
  return typeof idOrName === 'number' ? vendorById.get(idOrName) : vendorByName.get(idOrName.toLowerCase());
}

/** Named value → number for an integer attribute: exact name first, then case-insensitive. */
export function valueNumber(def: AttributeSpec, name: string): number | undefined {
  const values = def.values;
  if (values === undefined) return undefined;
  if (Object.hasOwn(values, name)) return values[name];
  const lower = name.toLowerCase();
  for (const [k, n] of Object.entries(values)) if (k.toLowerCase() === lower) return n;
  return undefined;
}

/** Every attribute name and alias, standard then vendors', in registration order (for suggestions). */
export function attributeNames(): string[] {
  return [...byName.keys()];
}
