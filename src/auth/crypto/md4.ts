/**
 * MD4 (RFC 1320), needed only for the NT password hash of MS-CHAP.
 *
 * Why our own: Node 20 ships OpenSSL 3, whose default provider refuses MD4
 * (createHash('md4') throws) and we will not ask users to run with
 * --openssl-legacy-provider. MD4 is broken as a general hash; here it only
 * reproduces what MS-CHAP defines, so speed and correctness are what matter.
 */

/** One compression state and a 64-octet block buffer, reused: JS runs one call at a time. */
const X = new Int32Array(16);
const TAIL = new Uint8Array(128);

// Round 2 and 3 constants (RFC 1320 §3.4): floor(2^30 * sqrt(2)) and sqrt(3).
const K2 = 0x5a827999;
const K3 = 0x6ed9eba1;
/** Round 3 visits the word columns in bit-reversed order 0, 2, 1, 3. */
const ROUND3_ORDER: readonly number[] = [0, 2, 1, 3];

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** Processes one 64-octet block at `off` of `buf`, updating `h` (A, B, C, D). */
function compress(h: Int32Array, buf: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const p = off + i * 4;
    // Words are little-endian (RFC 1320 §2).
    X[i] = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;

  // Round 1: F(x,y,z) = xy | ~x z; shifts 3, 7, 11, 19; words in order.
  for (let i = 0; i < 16; i += 4) {
    a = rotl((a + ((b & c) | (~b & d)) + X[i]!) | 0, 3);
    d = rotl((d + ((a & b) | (~a & c)) + X[i + 1]!) | 0, 7);
    c = rotl((c + ((d & a) | (~d & b)) + X[i + 2]!) | 0, 11);
    b = rotl((b + ((c & d) | (~c & a)) + X[i + 3]!) | 0, 19);
  }
  // Round 2: G(x,y,z) = majority; shifts 3, 5, 9, 13; words by column.
  for (let i = 0; i < 4; i++) {
    a = rotl((a + ((b & c) | (b & d) | (c & d)) + X[i]! + K2) | 0, 3);
    d = rotl((d + ((a & b) | (a & c) | (b & c)) + X[i + 4]! + K2) | 0, 5);
    c = rotl((c + ((d & a) | (d & b) | (a & b)) + X[i + 8]! + K2) | 0, 9);
    b = rotl((b + ((c & d) | (c & a) | (d & a)) + X[i + 12]! + K2) | 0, 13);
  }
  // Round 3: H(x,y,z) = x ^ y ^ z; shifts 3, 9, 11, 15; words in bit-reversed order.
  for (const i of ROUND3_ORDER) {
    a = rotl((a + (b ^ c ^ d) + X[i]! + K3) | 0, 3);
    d = rotl((d + (a ^ b ^ c) + X[i + 8]! + K3) | 0, 9);
    c = rotl((c + (d ^ a ^ b) + X[i + 4]! + K3) | 0, 11);
    b = rotl((b + (c ^ d ^ a) + X[i + 12]! + K3) | 0, 15);
  }

  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
}

/** MD4 digest (16 octets) of `data`. */
export function md4(data: Uint8Array): Buffer {
  const h = new Int32Array([0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476]);
  const len = data.length;
  const full = len - (len % 64);
  for (let off = 0; off < full; off += 64) compress(h, data, off);

  // Padding (RFC 1320 §3.1-3.2): 0x80, zeros to 56 mod 64, then the bit length
  // as a 64-bit little-endian number. The tail needs one or two blocks.
  const rest = len - full;
  const tailLen = rest < 56 ? 64 : 128;
  TAIL.fill(0, 0, tailLen);
  TAIL.set(data.subarray(full), 0);
  TAIL[rest] = 0x80;
  const bitsLo = (len * 8) >>> 0;
  const bitsHi = Math.floor(len / 0x20000000) >>> 0;
  for (let i = 0; i < 4; i++) {
    TAIL[tailLen - 8 + i] = (bitsLo >>> (8 * i)) & 0xff;
    TAIL[tailLen - 4 + i] = (bitsHi >>> (8 * i)) & 0xff;
  }
  compress(h, TAIL, 0);
  if (tailLen === 128) compress(h, TAIL, 64);

  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 4; i++) out.writeInt32LE(h[i]!, i * 4);
  return out;
}
