import { createHmac, hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacWithZeroedMac, md5 as digestMd5, md5WithAuthenticator } from '../../src/protocol/digest.js';
import { HmacMd5Key, hmacMd5, hmacMd5KeyFor, md5 } from '../../src/protocol/md5.js';

/** RFC 1321 §A.5 test suite: input (ASCII) and digest. */
const RFC1321_A5_SUITE: readonly (readonly [string, string])[] = [
  ['', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['a', '0cc175b9c0f1b6a831c399e269772661'],
  ['abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
  [
    '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
    '57edf4a22be3c955ac49da2e2107b67a',
  ],
];

/** RFC 2202 §2 HMAC-MD5 test cases 1 to 7: key, data, digest. */
const RFC2202_HMAC_MD5: readonly (readonly [number, Buffer, Buffer, string])[] = [
  [1, Buffer.alloc(16, 0x0b), Buffer.from('Hi There'), '9294727a3638bb1c13f48ef8158bfc9d'],
  [2, Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'), '750c783e6ab0b503eaa86e310a5db738'],
  [3, Buffer.alloc(16, 0xaa), Buffer.alloc(50, 0xdd), '56be34521d144c88dbb8c733f0e8b3f6'],
  [
    4,
    Buffer.from('0102030405060708090a0b0c0d0e0f10111213141516171819', 'hex'),
    Buffer.alloc(50, 0xcd),
    '697eaf0aca3a3aea3a75164746ffaa79',
  ],
  [5, Buffer.alloc(16, 0x0c), Buffer.from('Test With Truncation'), '56461ef2342edc00f9bab995690efd4c'],
  [
    6,
    Buffer.alloc(80, 0xaa),
    Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
    '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd',
  ],
  [
    7,
    Buffer.alloc(80, 0xaa),
    Buffer.from('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'),
    '6f630fad67cda0ee1fb1f562db3aa53e',
  ],
];

/** Deterministic pseudo-random octets (xorshift32), so a failure reproduces. */
function pseudoRandom(n: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}

const nodeMd5 = (data: Uint8Array): string => hash('md5', data, 'hex');
const nodeHmac = (key: Uint8Array, data: Uint8Array): string => createHmac('md5', key).update(data).digest('hex');

/** Lengths on either side of the one-block (55/56) and block (63/64/65) padding limits. */
const BOUNDARY_LENGTHS = [0, 1, 54, 55, 56, 57, 63, 64, 65, 118, 119, 120, 121, 127, 128, 129, 183, 184, 191, 192];
const KEY_LENGTHS = [0, 1, 16, 63, 64, 65, 100];

describe('MD5 (RFC 1321)', () => {
  it.each(RFC1321_A5_SUITE)('hashes the RFC 1321 §A.5 suite entry %j', (input, digest) => {
    expect(md5(Buffer.from(input, 'ascii')).toString('hex')).toBe(digest);
  });

  it('agrees with node:crypto for every length 0..300', () => {
    const data = pseudoRandom(300, 0x1321);
    for (let n = 0; n <= 300; n++) {
      const view = data.subarray(0, n);
      expect(md5(view).toString('hex'), `length ${n}`).toBe(nodeMd5(view));
    }
  });

  it.each(BOUNDARY_LENGTHS)('pads correctly at %i octets', (n) => {
    const data = Buffer.alloc(n, 'a');
    expect(md5(data).toString('hex')).toBe(nodeMd5(data));
  });

  it('agrees with node:crypto on a large input', () => {
    const data = pseudoRandom(100_003, 7);
    expect(md5(data).toString('hex')).toBe(nodeMd5(data));
  });

  it('hashes only the first `length` octets, and reads a view at an offset', () => {
    const data = pseudoRandom(200, 42);
    for (const n of [0, 55, 56, 64, 130]) expect(md5(data, n).toString('hex')).toBe(nodeMd5(data.subarray(0, n)));
    const view = data.subarray(3, 150);
    expect(md5(view).toString('hex')).toBe(nodeMd5(view));
    expect(md5(view, 70).toString('hex')).toBe(nodeMd5(data.subarray(3, 73)));
  });

  it('refuses a length past the end of the data', () => {
    expect(() => md5(Buffer.alloc(4), 5)).toThrow(RangeError);
    expect(() => md5(Buffer.alloc(4), -1)).toThrow(RangeError);
    expect(() => md5(Buffer.alloc(4), 1.5)).toThrow(RangeError);
  });

  it('returns a new 16-octet Buffer each call, with no state left between calls', () => {
    const first = md5(Buffer.alloc(119, 'a'));
    const abc = md5(Buffer.from('abc'));
    expect(abc).toHaveLength(16);
    expect(abc).not.toBe(md5(Buffer.from('abc')));
    expect(abc.toString('hex')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(first.toString('hex')).toBe(nodeMd5(Buffer.alloc(119, 'a')));
  });
});

describe('HMAC-MD5 (RFC 2104)', () => {
  it.each(RFC2202_HMAC_MD5)('computes RFC 2202 §2 test case %i', (_n, key, data, digest) => {
    expect(hmacMd5(new HmacMd5Key(key), data).toString('hex')).toBe(digest);
    expect(hmacMd5(hmacMd5KeyFor(key), data).toString('hex')).toBe(digest);
  });

  it.each(KEY_LENGTHS)('agrees with node:crypto for a %i-octet key and every message length 0..300', (keyLength) => {
    const key = pseudoRandom(keyLength, 1000 + keyLength);
    const prepared = hmacMd5KeyFor(key);
    const data = pseudoRandom(300, 2000 + keyLength);
    for (let n = 0; n <= 300; n++) {
      expect(hmacMd5(prepared, data, n).toString('hex'), `key ${keyLength}, length ${n}`).toBe(
        nodeHmac(key, data.subarray(0, n)),
      );
    }
  });

  it('takes text secrets as UTF-8', () => {
    const data = Buffer.from('what do ya want for nothing?');
    expect(hmacMd5(hmacMd5KeyFor('Jefe'), data).toString('hex')).toBe('750c783e6ab0b503eaa86e310a5db738');
    expect(hmacMd5(hmacMd5KeyFor('clé'), data).toString('hex')).toBe(nodeHmac(Buffer.from('clé', 'utf8'), data));
  });

  it('keeps two interleaved keys apart', () => {
    const a = Buffer.from('secret-of-nas-a');
    const b = pseudoRandom(80, 99);
    const keyA = hmacMd5KeyFor(a);
    const keyB = hmacMd5KeyFor(b);
    const innerA = Int32Array.from(keyA.inner);
    const outerB = Int32Array.from(keyB.outer);
    const data = pseudoRandom(300, 5);
    for (let n = 0; n <= 300; n += 7) {
      const key = n % 2 === 0 ? a : b;
      expect(hmacMd5(hmacMd5KeyFor(key), data, n).toString('hex'), `length ${n}`).toBe(
        nodeHmac(key, data.subarray(0, n)),
      );
      expect(md5(data, n).toString('hex')).toBe(nodeMd5(data.subarray(0, n)));
    }
    expect(hmacMd5KeyFor(a)).toBe(keyA);
    expect(hmacMd5KeyFor(b)).toBe(keyB);
    expect(keyA.inner).toEqual(innerA);
    expect(keyB.outer).toEqual(outerB);
  });

  it('prepares a text secret as its UTF-8 octets', () => {
    const data = pseudoRandom(100, 11);
    for (const text of ['nas-secret', 'sécret-ünïcode', 'x']) {
      expect(hmacMd5(hmacMd5KeyFor(text), data).toString('hex'), text).toBe(nodeHmac(Buffer.from(text, 'utf8'), data));
    }
  });

  it('notices a cached secret Buffer that was overwritten', () => {
    const secret = Buffer.from('first-secret');
    const data = Buffer.from('packet');
    expect(hmacMd5(hmacMd5KeyFor(secret), data).toString('hex')).toBe(nodeHmac(secret, data));
    secret.write('other-secret');
    expect(hmacMd5(hmacMd5KeyFor(secret), data).toString('hex')).toBe(nodeHmac(Buffer.from('other-secret'), data));
  });
});

describe('RADIUS digests on top of md5.ts (digest.ts)', () => {
  const secret = Buffer.from('xyzzy5461');
  const auth = pseudoRandom(16, 3);
  // Both sides of the lengths where digest.ts hands over to node:crypto.
  const PACKET_LENGTHS = [20, 38, 55, 120, 370, 374, 375, 376, 400, 1400, 1407, 1408, 1409, 2000, 4096];

  it('md5WithAuthenticator is MD5(packet with authenticator replaced or zeroed + secret)', () => {
    for (const n of PACKET_LENGTHS) {
      const packet = pseudoRandom(n, n);
      const replaced = Buffer.from(packet);
      auth.copy(replaced, 4);
      const zeroed = Buffer.from(packet).fill(0, 4, 20);
      expect(md5WithAuthenticator(packet, auth, secret).toString('hex')).toBe(
        nodeMd5(Buffer.concat([replaced, secret])),
      );
      expect(md5WithAuthenticator(packet, null, secret).toString('hex')).toBe(nodeMd5(Buffer.concat([zeroed, secret])));
    }
  });

  it('hmacWithZeroedMac is HMAC-MD5(secret, packet with authenticator handled and MAC zeroed)', () => {
    for (const n of PACKET_LENGTHS.filter((len) => len >= 38)) {
      const packet = pseudoRandom(n, n + 1);
      const at = 20 + 2;
      const own = Buffer.from(packet).fill(0, at, at + 16);
      const replaced = Buffer.from(own);
      auth.copy(replaced, 4);
      const zeroed = Buffer.from(own).fill(0, 4, 20);
      expect(hmacWithZeroedMac(packet, undefined, at, secret).toString('hex')).toBe(nodeHmac(secret, own));
      expect(hmacWithZeroedMac(packet, auth, at, secret).toString('hex')).toBe(nodeHmac(secret, replaced));
      expect(hmacWithZeroedMac(packet, null, at, secret).toString('hex')).toBe(nodeHmac(secret, zeroed));
    }
  });

  it('digest.md5 agrees with node:crypto on both sides of the hand-over', () => {
    for (const n of [0, 16, 383, 384, 385, 4096]) {
      const data = pseudoRandom(n, n + 2);
      expect(digestMd5(data).toString('hex'), `length ${n}`).toBe(nodeMd5(data));
    }
  });
});
