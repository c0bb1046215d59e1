/**
 * MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) in plain TypeScript.
 *
 * Why our own: every RADIUS request costs two to four MD5-based digests over
 * ~20 to 400 octets. At that size node:crypto's cost is the call itself
 * (a Hash or Hmac object, a key import into OpenSSL per createHmac), not the
 * hashing. Here a digest is a few compression calls on typed arrays, and an
 * HMAC key's inner and outer pad blocks are hashed once per secret, not per
 * packet (RFC 2104 §4 suggests exactly this precomputation).
 *
 * Module-level scratch (the message words, which also take the padding
 * tail, and two working states) is shared by every call. That is safe
 * because everything here is synchronous: no call can observe or
 * interleave with another.
 */

/** The 16 message words of the block being compressed (RFC 1321 §3.4 "X"). */
const X = new Int32Array(16);
/** Working states: H for a plain digest or an HMAC's inner hash, G for its outer hash. */
const H = new Int32Array(4);
const G = new Int32Array(4);

/** Initial state A, B, C, D (RFC 1321 §3.3), as signed 32-bit words. */
const A0 = 0x67452301;
const B0 = 0xefcdab89 | 0;
const C0 = 0x98badcfe | 0;
const D0 = 0x10325476;

/** T[i] = floor(2^32 * |sin(i + 1)|) (RFC 1321 §3.4), written out so no libm rounding can matter. */
const T = new Int32Array([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]);

/** HMAC block size B in octets (RFC 2104 §2), MD5's block. */
const BLOCK = 64;

/** Loads the 64-octet block at `off` of `buf` into X; words are little-endian (RFC 1321 §2). */
function loadBlock(buf: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const p = off + i * 4;
    X[i] = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
  }
}

/**
 * The compression function of RFC 1321 §3.4 over the words in X, updating
 * `h` (A, B, C, D). Each round is a loop of four unrolled steps so the
 * shift amounts stay constants and no step branches. The auxiliary
 * functions are rewritten with fewer operations but the same truth tables:
 * F = d ^ (b & (c ^ d)), G = c ^ (d & (b ^ c)).
 */
function compressWords(h: Int32Array): void {
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;

  // Round 1: F, words in order, shifts 7, 12, 17, 22.
  for (let i = 0; i < 16; i += 4) {
    a = (a + (d ^ (b & (c ^ d))) + X[i]! + T[i]!) | 0;
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = (d + (c ^ (a & (b ^ c))) + X[i + 1]! + T[i + 1]!) | 0;
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = (c + (b ^ (d & (a ^ b))) + X[i + 2]! + T[i + 2]!) | 0;
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = (b + (a ^ (c & (d ^ a))) + X[i + 3]! + T[i + 3]!) | 0;
    b = (((b << 22) | (b >>> 10)) + c) | 0;
  }
  // Round 2: G, word (1 + 5j) mod 16 at step j, shifts 5, 9, 14, 20.
  for (let i = 0; i < 16; i += 4) {
    a = (a + (c ^ (d & (b ^ c))) + X[(1 + 5 * i) & 15]! + T[16 + i]!) | 0;
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = (d + (b ^ (c & (a ^ b))) + X[(6 + 5 * i) & 15]! + T[17 + i]!) | 0;
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = (c + (a ^ (b & (d ^ a))) + X[(11 + 5 * i) & 15]! + T[18 + i]!) | 0;
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = (b + (d ^ (a & (c ^ d))) + X[(5 * i) & 15]! + T[19 + i]!) | 0;
    b = (((b << 20) | (b >>> 12)) + c) | 0;
  }
  // Round 3: the RFC's H = b ^ c ^ d, word (5 + 3j) mod 16, shifts 4, 11, 16, 23.
  for (let i = 0; i < 16; i += 4) {
    a = (a + (b ^ c ^ d) + X[(5 + 3 * i) & 15]! + T[32 + i]!) | 0;
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = (d + (a ^ b ^ c) + X[(8 + 3 * i) & 15]! + T[33 + i]!) | 0;
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = (c + (d ^ a ^ b) + X[(11 + 3 * i) & 15]! + T[34 + i]!) | 0;
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = (b + (c ^ d ^ a) + X[(14 + 3 * i) & 15]! + T[35 + i]!) | 0;
    b = (((b << 23) | (b >>> 9)) + c) | 0;
  }
  // Round 4: I = c ^ (b | ~d), word 7j mod 16, shifts 6, 10, 15, 21.
  for (let i = 0; i < 16; i += 4) {
    a = (a + (c ^ (b | ~d)) + X[(7 * i) & 15]! + T[48 + i]!) | 0;
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = (d + (b ^ (a | ~c)) + X[(7 + 7 * i) & 15]! + T[49 + i]!) | 0;
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = (c + (a ^ (d | ~b)) + X[(14 + 7 * i) & 15]! + T[50 + i]!) | 0;
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = (b + (d ^ (c | ~a)) + X[(21 + 7 * i) & 15]! + T[51 + i]!) | 0;
    b = (((b << 21) | (b >>> 11)) + c) | 0;
  }

  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
}

/** One block at `off` of `buf` into `h`. */
function compress(h: Int32Array, buf: Uint8Array, off: number): void {
  loadBlock(buf, off);
  compressWords(h);
}

/**
 * Feeds `data[0..length)` into `h`, which has already consumed `prefixLength`
 * octets, then pads (RFC 1321 §3.1-3.2): 0x80, zeros to 56 mod 64, and the
 * total bit length as a 64-bit little-endian number. The padding goes
 * straight into X as words; it needs one block, or two when fewer than 9
 * octets are left in the last one.
 */
function absorbAndPad(h: Int32Array, data: Uint8Array, length: number, prefixLength: number): void {
  const rest = length & 63;
  const full = length - rest;
  for (let off = 0; off < full; off += 64) compress(h, data, off);

  const whole = rest >>> 2;
  for (let i = 0; i < whole; i++) {
    const p = full + i * 4;
    X[i] = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24);
  }
  // The word holding the last 0 to 3 octets and the 0x80 marker after them.
  const end = full + whole * 4;
  const partial = rest & 3;
  let last = 0x80 << (partial * 8);
  for (let j = 0; j < partial; j++) last |= data[end + j]! << (j * 8);
  X[whole] = last;
  for (let i = whole + 1; i < 16; i++) X[i] = 0;
  if (rest >= 56) {
    compressWords(h);
    for (let i = 0; i < 14; i++) X[i] = 0;
  }
  const total = prefixLength + length;
  // ToInt32 keeps the low 32 bits of an exact integer; total < 2^50 here.
  X[14] = total * 8;
  X[15] = Math.floor(total / 0x20000000);
  compressWords(h);
}

/** The digest is A, B, C, D written low-order octet first (RFC 1321 §3.5). */
function digestOf(h: Int32Array): Buffer {
  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 4; i++) {
    const w = h[i]!;
    const p = i * 4;
    out[p] = w;
    out[p + 1] = w >>> 8;
    out[p + 2] = w >>> 16;
    out[p + 3] = w >>> 24;
  }
  return out;
}

/** `length` if given, else `data.length`; a length past the end is a caller bug. */
function checkedLength(data: Uint8Array, length: number | undefined): number {
  if (length === undefined) return data.length;
  if (!Number.isInteger(length) || length < 0 || length > data.length) {
    throw new RangeError(`md5: length ${length} outside 0..${data.length}`);
  }
  return length;
}

/** Copies a 4-word state; four stores beat TypedArray.set's call overhead. */
function copyState(to: Int32Array, from: Int32Array): void {
  to[0] = from[0]!;
  to[1] = from[1]!;
  to[2] = from[2]!;
  to[3] = from[3]!;
}

function initState(h: Int32Array): void {
  h[0] = A0;
  h[1] = B0;
  h[2] = C0;
  h[3] = D0;
}

/** MD5 of the first `length` octets of `data` (all of it by default), as a new 16-octet Buffer. */
export function md5(data: Uint8Array, length?: number): Buffer {
  const n = checkedLength(data, length);
  initState(H);
  absorbAndPad(H, data, n, 0);
  return digestOf(H);
}

/**
 * An HMAC-MD5 key prepared once (RFC 2104 §2, §4): the MD5 states after
 * the (K ^ ipad) and (K ^ opad) blocks, so that each HMAC hashes only the
 * message and one outer block.
 */
export class HmacMd5Key {
  /** State after K ^ ipad (0x36 repeated). Shared by every user of the key: never modify. */
  readonly inner: Int32Array;
  /** State after K ^ opad (0x5c repeated). Never modify either. */
  readonly outer: Int32Array;
  /** A copy of the key as given, to notice a cached key whose Buffer was since overwritten. */
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    this.#key = new Uint8Array(key);
    // RFC 2104 §2: a key longer than B is first hashed; a shorter one is zero-padded to B.
    const k = key.length > BLOCK ? md5(key) : key;
    this.inner = padState(k, 0x36);
    this.outer = padState(k, 0x5c);
  }

  /** True when `key` holds exactly the octets this key was built from. */
  matches(key: Uint8Array): boolean {
    const own = this.#key;
    if (own.length !== key.length) return false;
    for (let i = 0; i < own.length; i++) if (own[i] !== key[i]) return false;
    return true;
  }
}

/** MD5 state after the one block (K zero-padded to 64 octets) XOR `pad` in every octet, built as words. */
function padState(k: Uint8Array, pad: number): Int32Array {
  X.fill(pad * 0x01010101);
  for (let i = 0; i < k.length; i++) X[i >> 2] = X[i >> 2]! ^ (k[i]! << ((i & 3) * 8));
  const h = new Int32Array(4);
  initState(h);
  compressWords(h);
  return h;
}

/**
 * HMAC-MD5 (RFC 2104 §2) of the first `length` octets of `data` (all by
 * default), as a new 16-octet Buffer:
 * MD5((K ^ opad) || MD5((K ^ ipad) || data)), both pad blocks precomputed.
 */
export function hmacMd5(key: HmacMd5Key, data: Uint8Array, length?: number): Buffer {
  const n = checkedLength(data, length);
  copyState(H, key.inner);
  absorbAndPad(H, data, n, BLOCK);

  // The outer message is one pad block (already in key.outer) and the inner
  // digest, so a single block remains: the digest's octets read as
  // little-endian words are the inner state words themselves, then 0x80,
  // zeros, and the bit length (64 + 16) * 8 (RFC 1321 §3.1-3.2).
  X[0] = H[0]!;
  X[1] = H[1]!;
  X[2] = H[2]!;
  X[3] = H[3]!;
  X[4] = 0x80;
  for (let i = 5; i < 14; i++) X[i] = 0;
  X[14] = (BLOCK + 16) * 8;
  X[15] = 0;
  copyState(G, key.outer);
  compressWords(G);
  return digestOf(G);
}

/**
 * Prepared keys by secret. A served NAS's secret is a Buffer made once when
 * the NAS is loaded (nas-directory.ts), so identity finds it; a WeakMap lets
 * the entry go with the Buffer. The entry is checked against the Buffer's
 * octets (a few nanoseconds) so that a caller reusing one Buffer for another
 * secret still gets the right digest, as node:crypto would. Text secrets
 * (off the hot path) are prepared on each call and not cached.
 */
const KEYS = new WeakMap<Uint8Array, HmacMd5Key>();

export function hmacMd5KeyFor(secret: Uint8Array | string): HmacMd5Key {
  if (typeof secret === 'string') return new HmacMd5Key(Buffer.from(secret, 'utf8'));
  const cached = KEYS.get(secret);
  if (cached !== undefined && cached.matches(secret)) return cached;
  const key = new HmacMd5Key(secret);
  KEYS.set(secret, key);
  return key;
}
