/**
 * How FreeRADIUS 3.x turns a stored password attribute's text into octets,
 * so that a value read from radcheck or a users file means here what it
 * meant there:
 *
 * - an octets attribute written "0x..." is hex at load time (an odd or
 *   non-hex string after 0x made FreeRADIUS refuse the row);
 * - rlm_pap then "normalises" a digest: hex when the length is even, at
 *   least twice the digest length and every character a hex digit; else
 *   base64 when long enough and it decodes to at least the digest length;
 *   else the octets are taken as they are. Hex is tried first, so a value
 *   that is both (32 hex digits are also 24 octets of base64) is hex.
 */

export type ValueEncoding = 'hex' | 'base64' | 'raw' | '0x';

const HEX = /^[0-9a-fA-F]*$/;
const B64_CHAR = /[A-Za-z0-9+/]/;

/** Strict hex: null unless every character is a hex digit and the length is even. */
export function decodeHex(text: string): Buffer | null {
  if (text.length % 2 !== 0 || !HEX.test(text)) return null;
  return Buffer.from(text, 'hex');
}

/**
 * Base64 as FreeRADIUS's decoder reads it: whole quanta, then a final 2 or
 * 3 characters (padding optional), then only '=' to the end. Null for
 * anything else (a stray character, a lone final character).
 */
export function decodeBase64(text: string): Buffer | null {
  let p = 0;
  while (text.length - p >= 4 && B64_CHAR.test(text[p]!) && B64_CHAR.test(text[p + 1]!) &&
    B64_CHAR.test(text[p + 2]!) && B64_CHAR.test(text[p + 3]!)) {
    p += 4;
  }
  let q = p;
  while (q < text.length && B64_CHAR.test(text[q]!)) q++;
  const tail = q - p;
  if (tail === 1 || tail > 3) return null;
  for (let i = q; i < text.length; i++) if (text[i] !== '=') return null;
  return Buffer.from(text.slice(0, q), 'base64');
}

export interface Decoded {
  octets: Buffer;
  encoding: ValueEncoding;
}

/** rlm_pap's normify(): hex, else base64, else the octets unchanged. */
export function normify(octets: Buffer, minLength: number, was: ValueEncoding = 'raw'): Decoded {
  const text = octets.toString('latin1');
  if (octets.length % 2 === 0 && octets.length >= 2 * minLength) {
    const h = decodeHex(text);
    if (h !== null) return { octets: h, encoding: 'hex' };
  }
  if (octets.length * 3 >= minLength * 4) {
    const b = decodeBase64(text);
    if (b !== null && b.length >= minLength) return { octets: b, encoding: 'base64' };
  }
  return { octets, encoding: was };
}

/**
 * An octets attribute's value as FreeRADIUS loads it from text: "0x..." is
 * hex (null when that hex is invalid), anything else its UTF-8 octets.
 */
export function octetsFromText(value: string): Decoded | null {
  if (value.length >= 2 && (value.startsWith('0x') || value.startsWith('0X'))) {
    const h = decodeHex(value.slice(2));
    return h === null ? null : { octets: h, encoding: '0x' };
  }
  return { octets: Buffer.from(value, 'utf8'), encoding: 'raw' };
}
