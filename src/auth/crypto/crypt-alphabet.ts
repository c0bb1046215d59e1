/**
 * The crypt(3) alphabet "./0-9A-Za-z", six bits a character, shared by
 * traditional DES crypt, md5-crypt ($1$) and sha-crypt ($5$, $6$).
 */
export const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The six-bit value of a crypt alphabet character, -1 for any other. */
export function cryptCharValue(c: string): number {
  return c.length === 1 ? CRYPT_ALPHABET.indexOf(c) : -1;
}

export const CRYPT_CHARS = /^[./0-9A-Za-z]*$/;

/**
 * Appends `n` characters for the 24-bit group b2 b1 b0, least significant six
 * bits first: the "b64_from_24bit" step of md5-crypt and sha-crypt.
 */
export function pushGroup(out: string[], b2: number, b1: number, b0: number, n: number): void {
  let w = (b2 << 16) | (b1 << 8) | b0;
  for (let i = 0; i < n; i++) {
    out.push(CRYPT_ALPHABET[w & 0x3f]!);
    w >>>= 6;
  }
}
