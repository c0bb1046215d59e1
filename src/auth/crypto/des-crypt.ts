/**
 * Traditional crypt(3) as Seventh Edition UNIX defined it: 2 salt characters
 * and 11 hash characters, from the first 8 password octets' low 7 bits.
 */
import { CRYPT_ALPHABET, cryptCharValue } from './crypt-alphabet.js';
import { desCryptBlock } from './des.js';

/** crypt(password, "ss"): the 13-character string, or null when a salt character is outside "./0-9A-Za-z". */
export function desCrypt(password: Uint8Array, salt: string): string | null {
  const s0 = cryptCharValue(salt.charAt(0));
  const s1 = cryptCharValue(salt.charAt(1));
  if (s0 < 0 || s1 < 0) return null;
  const key = Buffer.alloc(8);
  // Each octet's 7 low bits fill the key's 7 high bits; crypt(3) stops at a NUL.
  for (let i = 0; i < 8 && i < password.length && password[i] !== 0; i++) key[i] = (password[i]! << 1) & 0xff;
  const block = desCryptBlock(key, s0, s1);
  // 64 bits, six at a time from the most significant, the last character padded with two zero bits.
  let hi = block.readUInt32BE(0);
  let lo = block.readUInt32BE(4);
  const out: string[] = [salt.charAt(0), salt.charAt(1)];
  for (let i = 0; i < 11; i++) {
    const v = hi >>> 26;
    out.push(CRYPT_ALPHABET[v]!);
    hi = ((hi << 6) | (lo >>> 26)) >>> 0;
    lo = (lo << 6) >>> 0;
  }
  return out.join('');
}
