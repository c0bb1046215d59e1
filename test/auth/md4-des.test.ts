import { describe, expect, it } from 'vitest';
import { desEncrypt56, desEncryptBlock, expandDesKey } from '../../src/auth/crypto/des.js';
import { md4 } from '../../src/auth/crypto/md4.js';
import {
  DES_KNOWN_ANSWERS,
  OPENSSL_MD4_PADDING_BOUNDARIES,
  RFC1320_A5_SUITE,
  hex,
} from './fixtures/vectors.js';

describe('MD4 (RFC 1320)', () => {
  it.each(RFC1320_A5_SUITE)('hashes the RFC 1320 §A.5 suite entry %j', (input, digest) => {
    expect(md4(Buffer.from(input, 'ascii')).toString('hex')).toBe(digest);
  });

  it.each(OPENSSL_MD4_PADDING_BOUNDARIES)('pads correctly at %i octets (OpenSSL legacy provider)', (n, digest) => {
    expect(md4(Buffer.alloc(n, 'a')).toString('hex')).toBe(digest);
  });

  it('hashes a view into a larger buffer without reading past it', () => {
    const big = Buffer.from('xxabcxx', 'ascii');
    expect(md4(big.subarray(2, 5)).toString('hex')).toBe('a448017aaf21d8525fc10ae87aa6729d');
  });

  it('gives the same digest on repeated calls (no state leaks between calls)', () => {
    const long = Buffer.alloc(119, 'a');
    md4(long);
    expect(md4(Buffer.from('abc')).toString('hex')).toBe('a448017aaf21d8525fc10ae87aa6729d');
  });
});

describe('DES single-block encryption', () => {
  it.each(DES_KNOWN_ANSWERS)('encrypts key %s, plaintext %s to %s (%s)', (key, plain, cipher) => {
    expect(Buffer.from(desEncryptBlock(hex(key), hex(plain))).toString('hex').toUpperCase()).toBe(cipher);
  });

  it('ignores the parity bits of the key', () => {
    const flipped = Buffer.from(hex('133457799BBCDFF1').map((b) => b ^ 1));
    expect(Buffer.from(desEncryptBlock(flipped, hex('0123456789ABCDEF'))).toString('hex')).toBe('85e813540f0ab405');
  });

  it('writes into a caller buffer at an offset and reads key and block at offsets', () => {
    const key = Buffer.concat([Buffer.from([0xee]), hex('133457799BBCDFF1')]);
    const block = Buffer.concat([Buffer.from([0xee, 0xee]), hex('0123456789ABCDEF')]);
    const out = Buffer.alloc(12, 0xaa);
    desEncryptBlock(key, block, out, 2, 1, 2);
    expect(out.toString('hex')).toBe('aaaa85e813540f0ab405aaaa');
  });

  it('refuses short keys, blocks and outputs', () => {
    expect(() => desEncryptBlock(Buffer.alloc(7), Buffer.alloc(8))).toThrow(RangeError);
    expect(() => desEncryptBlock(Buffer.alloc(8), Buffer.alloc(7))).toThrow(RangeError);
    expect(() => desEncryptBlock(Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8), 1)).toThrow(RangeError);
  });
});

function popcount(b: number): number {
  let n = 0;
  for (let x = b; x !== 0; x >>= 1) n += x & 1;
  return n;
}

describe('DES 56-bit key expansion (RFC 2759 §8.6 DesEncrypt)', () => {
  it('spreads 7 key octets over 8 with odd parity in the low bit', () => {
    const out = Buffer.alloc(8);
    expandDesKey(Buffer.alloc(7, 0xff), 0, out);
    expect(out.toString('hex')).toBe('fefefefefefefefe');
    expandDesKey(Buffer.alloc(7, 0x00), 0, out);
    expect(out.toString('hex')).toBe('0101010101010101');
    // The 56 bits of 123456789ABCDE cut into groups of 7, each shifted left one.
    expandDesKey(hex('123456789ABCDE'), 0, out);
    expect(Buffer.from(out.map((b) => b & 0xfe)).toString('hex')).toBe('121a14ce88d4f2bc');
    for (const b of out) expect(popcount(b) % 2).toBe(1);
  });

  it('encrypts like full DES on the expanded key', () => {
    const key7 = hex('123456789ABCDE');
    const key8 = Buffer.alloc(8);
    expandDesKey(key7, 0, key8);
    const clear = hex('0123456789ABCDEF');
    const out = Buffer.alloc(8);
    desEncrypt56(key7, 0, clear, 0, out, 0);
    expect(out).toEqual(Buffer.from(desEncryptBlock(key8, clear)));
  });
});
