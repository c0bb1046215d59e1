/**
 * Single-block DES encryption (FIPS 46-3), needed only for MS-CHAP's
 * ChallengeResponse (RFC 2759 §8.5, RFC 2433 Appendix A).
 *
 * Why our own: Node 20's OpenSSL 3 keeps DES in the legacy provider, so
 * createCipheriv('des-ecb') throws unless the process runs with
 * --openssl-legacy-provider, which we do not ask of users.
 *
 * Speed: every bit permutation (IP, FP, PC-1, PC-2) and the S-box + P step are
 * table look-ups built once at load time. A call allocates nothing except the
 * output when the caller does not supply one; the key schedule lives in a
 * module scratch array (JavaScript runs one call at a time).
 */

// ---- FIPS 46-3 tables: bit numbers are 1-based, bit 1 is the most significant.

const IP: readonly number[] = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
  62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
  61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];

const P: readonly number[] = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
  2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
];

const PC1: readonly number[] = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
  10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
  14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];

const PC2: readonly number[] = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10,
  23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
  41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48,
  44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];

/** Left rotations of C and D before each of the 16 rounds. */
const SHIFTS: readonly number[] = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

/** S1..S8, each 4 rows of 16. */
const SBOX: readonly (readonly number[])[] = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
    0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
    15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
    3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
    13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
    13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
    1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
    13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
    3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
    14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
    11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
    10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
    4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
    13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
    6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
    1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
    2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

// ---- Look-up tables built once.

/**
 * Turns a bit permutation into chunk look-ups: the input is cut into chunks
 * of `chunkBits`, and lut[((chunk << chunkBits) | value) * 2 + word] holds the
 * output bits that chunk value sets, packed `wordBits` to a 32-bit word
 * (two words cover every output here).
 */
function buildLut(table: readonly number[], inBits: number, chunkBits: number, wordBits: number): Int32Array {
  const size = 1 << chunkBits;
  const lut = new Int32Array((inBits / chunkBits) * size * 2);
  table.forEach((srcBit, i) => {
    const src = srcBit - 1;
    const chunk = Math.floor(src / chunkBits);
    const shift = chunkBits - 1 - (src % chunkBits);
    const word = Math.floor(i / wordBits);
    const mask = 1 << (wordBits - 1 - (i % wordBits));
    for (let v = 0; v < size; v++) {
      if ((v >> shift) & 1) lut[(((chunk << chunkBits) | v) << 1) + word]! |= mask;
    }
  });
  return lut;
}

/** FP is IP's inverse: output bit IP[i] comes from input bit i + 1. */
const FP: readonly number[] = (() => {
  const fp = new Array<number>(64).fill(0);
  IP.forEach((src, i) => {
    fp[src - 1] = i + 1;
  });
  return fp;
})();

const LUT_IP = buildLut(IP, 64, 8, 32);
const LUT_FP = buildLut(FP, 64, 8, 32);
/** PC-1 yields C (word 0) and D (word 1), 28 bits each. */
const LUT_PC1 = buildLut(PC1, 64, 8, 28);
/** PC-2 reads C || D in 7-bit chunks; its first 24 output bits come from C only, the last 24 from D only. */
const LUT_PC2 = buildLut(PC2, 56, 7, 24);

/** SP[s * 64 + b]: S-box s applied to the 6-bit b, placed in its nibble and permuted by P. */
const SP: Int32Array = (() => {
  const sp = new Int32Array(8 * 64);
  const lutP = buildLut(P, 32, 8, 32);
  for (let s = 0; s < 8; s++) {
    for (let b = 0; b < 64; b++) {
      const row = ((b >> 4) & 2) | (b & 1);
      const col = (b >> 1) & 15;
      const x = SBOX[s]![row * 16 + col]! << (28 - 4 * s);
      let y = 0;
      for (let j = 0; j < 4; j++) y |= lutP[((j << 8) | ((x >>> (24 - 8 * j)) & 0xff)) << 1]!;
      sp[s * 64 + b] = y;
    }
  }
  return sp;
})();

// ---- Scratch state (no per-call allocation).

/** 16 rounds x 8 six-bit subkey chunks. */
const SUBKEYS = new Uint8Array(128);
const KEY8 = new Uint8Array(8);

function keySchedule(key: Uint8Array, off: number): void {
  let c = 0;
  let d = 0;
  for (let j = 0; j < 8; j++) {
    const i = ((j << 8) | key[off + j]!) << 1;
    c |= LUT_PC1[i]!;
    d |= LUT_PC1[i + 1]!;
  }
  for (let round = 0; round < 16; round++) {
    const s = SHIFTS[round]!;
    c = ((c << s) | (c >>> (28 - s))) & 0x0fffffff;
    d = ((d << s) | (d >>> (28 - s))) & 0x0fffffff;
    let hi = 0;
    let lo = 0;
    for (let j = 0; j < 4; j++) {
      const ic = ((j << 7) | ((c >>> (21 - 7 * j)) & 0x7f)) << 1;
      const id = (((j + 4) << 7) | ((d >>> (21 - 7 * j)) & 0x7f)) << 1;
      hi |= LUT_PC2[ic]! | LUT_PC2[id]!;
      lo |= LUT_PC2[ic + 1]! | LUT_PC2[id + 1]!;
    }
    const k = round * 8;
    for (let j = 0; j < 4; j++) {
      SUBKEYS[k + j] = (hi >>> (18 - 6 * j)) & 0x3f;
      SUBKEYS[k + 4 + j] = (lo >>> (18 - 6 * j)) & 0x3f;
    }
  }
}

/**
 * The round function: E expansion, subkey, S-boxes and P. E's eight 6-bit
 * groups start one bit before each nibble of r (wrapping), so each is a
 * rotation followed by taking the top 6 bits.
 */
function feistel(r: number, k: number): number {
  const rr = (r << 31) | (r >>> 1);
  return (
    SP[(rr >>> 26) ^ SUBKEYS[k]!]! |
    SP[64 + ((((r << 3) | (r >>> 29)) >>> 26) ^ SUBKEYS[k + 1]!)]! |
    SP[128 + ((((r << 7) | (r >>> 25)) >>> 26) ^ SUBKEYS[k + 2]!)]! |
    SP[192 + ((((r << 11) | (r >>> 21)) >>> 26) ^ SUBKEYS[k + 3]!)]! |
    SP[256 + ((((r << 15) | (r >>> 17)) >>> 26) ^ SUBKEYS[k + 4]!)]! |
    SP[320 + ((((r << 19) | (r >>> 13)) >>> 26) ^ SUBKEYS[k + 5]!)]! |
    SP[384 + ((((r << 23) | (r >>> 9)) >>> 26) ^ SUBKEYS[k + 6]!)]! |
    SP[448 + ((((r << 27) | (r >>> 5)) >>> 26) ^ SUBKEYS[k + 7]!)]!
  );
}

function encryptWithSchedule(input: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
  let l = 0;
  let r = 0;
  for (let j = 0; j < 8; j++) {
    const i = ((j << 8) | input[inOff + j]!) << 1;
    l |= LUT_IP[i]!;
    r |= LUT_IP[i + 1]!;
  }
  for (let k = 0; k < 128; k += 8) {
    const t = r;
    r = l ^ feistel(r, k);
    l = t;
  }
  // The last round does not swap: the pre-output block is R16 || L16.
  let o0 = 0;
  let o1 = 0;
  for (let j = 0; j < 8; j++) {
    const v = j < 4 ? (r >>> (24 - 8 * j)) & 0xff : (l >>> (56 - 8 * j)) & 0xff;
    const i = ((j << 8) | v) << 1;
    o0 |= LUT_FP[i]!;
    o1 |= LUT_FP[i + 1]!;
  }
  for (let j = 0; j < 4; j++) {
    out[outOff + j] = (o0 >>> (24 - 8 * j)) & 0xff;
    out[outOff + 4 + j] = (o1 >>> (24 - 8 * j)) & 0xff;
  }
}

/**
 * DES-ECB encryption of one 8-octet block with an 8-octet key (parity bits,
 * the low bit of each key octet, are ignored as FIPS 46-3 says).
 * Writes into `out` at `outOff` when given, else returns a new Buffer.
 */
export function desEncryptBlock(
  key: Uint8Array,
  block: Uint8Array,
  out: Uint8Array = Buffer.allocUnsafe(8),
  outOff = 0,
  keyOff = 0,
  blockOff = 0,
): Uint8Array {
  if (key.length - keyOff < 8 || block.length - blockOff < 8 || out.length - outOff < 8) {
    throw new RangeError('DES needs an 8-octet key, an 8-octet block and 8 octets of output');
  }
  keySchedule(key, keyOff);
  encryptWithSchedule(block, blockOff, out, outOff);
  return out;
}

/**
 * Spreads a 56-bit key (7 octets at `off`) over 8 octets, 7 bits each in the
 * high bits, and sets the low bit of each for odd parity: what RFC 2759 §8.6
 * and RFC 2433 call DesEncrypt's key setup. Writes into `out`.
 */
export function expandDesKey(key7: Uint8Array, off: number, out: Uint8Array): void {
  if (key7.length - off < 7 || out.length < 8) throw new RangeError('a 56-bit DES key is 7 octets');
  let prev = 0;
  for (let i = 0; i < 8; i++) {
    // Octet i takes key bits 7i .. 7i+6: the low i bits of octet i-1 and the top 7-i bits of octet i.
    const cur = i < 7 ? key7[off + i]! : 0;
    const v = ((prev << (8 - i)) | (cur >> i)) & 0xfe;
    out[i] = v | (parityBit(v) ^ 1);
    prev = cur;
  }
}

function parityBit(v: number): number {
  let x = v ^ (v >> 4);
  x ^= x >> 2;
  x ^= x >> 1;
  return x & 1;
}

/**
 * RFC 2759 §8.6 DesEncrypt: encrypt the 8-octet `clear` (at `clearOff`) with
 * the 7-octet key at `keyOff` of `key7`, into `out` at `outOff`.
 */
export function desEncrypt56(
  key7: Uint8Array,
  keyOff: number,
  clear: Uint8Array,
  clearOff: number,
  out: Uint8Array,
  outOff: number,
): void {
  if (clear.length - clearOff < 8 || out.length - outOff < 8) throw new RangeError('DES blocks are 8 octets');
  expandDesKey(key7, keyOff, KEY8);
  keySchedule(KEY8, 0);
  encryptWithSchedule(clear, clearOff, out, outOff);
}

// ---- Traditional crypt(3) (Seventh Edition UNIX): DES with a salted E expansion.

/**
 * The round function with crypt(3)'s salt: where a salt bit is set, E's
 * output bits k and k + 24 (k < 12) trade places. E's groups 0-1 face
 * groups 4-5; `m0` and `m1` are the salt's two six-bit masks for them.
 * A copy of feistel(), so MS-CHAP's DES pays nothing for the salt.
 */
function feistelSalted(r: number, k: number, m0: number, m1: number): number {
  let e0 = ((r << 31) | (r >>> 1)) >>> 26;
  let e1 = (((r << 3) | (r >>> 29)) >>> 26);
  const e2 = (((r << 7) | (r >>> 25)) >>> 26);
  const e3 = (((r << 11) | (r >>> 21)) >>> 26);
  let e4 = (((r << 15) | (r >>> 17)) >>> 26);
  let e5 = (((r << 19) | (r >>> 13)) >>> 26);
  const e6 = (((r << 23) | (r >>> 9)) >>> 26);
  const e7 = (((r << 27) | (r >>> 5)) >>> 26);
  let t = (e0 ^ e4) & m0;
  e0 ^= t;
  e4 ^= t;
  t = (e1 ^ e5) & m1;
  e1 ^= t;
  e5 ^= t;
  return (
    SP[e0 ^ SUBKEYS[k]!]! |
    SP[64 + (e1 ^ SUBKEYS[k + 1]!)]! |
    SP[128 + (e2 ^ SUBKEYS[k + 2]!)]! |
    SP[192 + (e3 ^ SUBKEYS[k + 3]!)]! |
    SP[256 + (e4 ^ SUBKEYS[k + 4]!)]! |
    SP[320 + (e5 ^ SUBKEYS[k + 5]!)]! |
    SP[384 + (e6 ^ SUBKEYS[k + 6]!)]! |
    SP[448 + (e7 ^ SUBKEYS[k + 7]!)]!
  );
}

/** Six salt bits, bit j of the value swapping E bit j of its group: E bits count from the most significant. */
function saltMask(v: number): number {
  let m = 0;
  for (let j = 0; j < 6; j++) if ((v >> j) & 1) m |= 1 << (5 - j);
  return m;
}

/**
 * The DES part of traditional crypt(3): the all-zero block encrypted 25
 * times under `key` (8 octets, parity bits ignored) with the E expansion
 * perturbed by the two salt characters' six-bit values. Returns the 8 octets.
 */
export function desCryptBlock(key: Uint8Array, salt0: number, salt1: number): Buffer {
  if (key.length < 8) throw new RangeError('DES needs an 8-octet key');
  const m0 = saltMask(salt0 & 0x3f);
  const m1 = saltMask(salt1 & 0x3f);
  keySchedule(key, 0);
  const block = Buffer.alloc(8);
  for (let n = 0; n < 25; n++) {
    let l = 0;
    let r = 0;
    for (let j = 0; j < 8; j++) {
      const i = ((j << 8) | block[j]!) << 1;
      l |= LUT_IP[i]!;
      r |= LUT_IP[i + 1]!;
    }
    for (let k = 0; k < 128; k += 8) {
      const t = r;
      r = l ^ feistelSalted(r, k, m0, m1);
      l = t;
    }
    let o0 = 0;
    let o1 = 0;
    for (let j = 0; j < 8; j++) {
      const v = j < 4 ? (r >>> (24 - 8 * j)) & 0xff : (l >>> (56 - 8 * j)) & 0xff;
      const i = ((j << 8) | v) << 1;
      o0 |= LUT_FP[i]!;
      o1 |= LUT_FP[i + 1]!;
    }
    block.writeInt32BE(o0 | 0, 0);
    block.writeInt32BE(o1 | 0, 4);
  }
  return block;
}
