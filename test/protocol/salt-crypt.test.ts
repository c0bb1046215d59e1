import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EncodeError, saltDecrypt, saltEncrypt } from '../../src/protocol/index.js';
import { SECRET, hex } from './fixtures/rfc-vectors.js';

const AUTH = hex('0f403f9473978057bd83d5cb98f4227a');

/** RFC 2868 §3.5 / RFC 2548 §2.4.2 written out with plain concatenation, as an independent reference. */
function reference(plain: Buffer, salt: Buffer): Buffer {
  const p = Buffer.alloc(Math.ceil((plain.length + 1) / 16) * 16);
  p[0] = plain.length;
  plain.copy(p, 1);
  const out: Buffer[] = [salt];
  let prev = Buffer.concat([AUTH, salt]);
  for (let i = 0; i < p.length; i += 16) {
    const b = createHash('md5').update(SECRET).update(prev).digest();
    const c = Buffer.alloc(16);
    for (let j = 0; j < 16; j++) c[j] = p[i + j]! ^ b[j]!;
    out.push(c);
    prev = c;
  }
  return Buffer.concat(out);
}

describe('salt encryption (Tunnel-Password RFC 2868 §3.5, MS-MPPE keys RFC 2548 §2.4.2)', () => {
  it('matches the RFC construction for a 32-octet MPPE key with a fixed salt', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
    const value = saltEncrypt(key, SECRET, AUTH, 0x8123);
    expect(value).toEqual(reference(key, hex('8123')));
    expect(value.length).toBe(2 + 48); // length octet + 32 → 48
  });

  it('forces the salt high bit on, as both RFCs require', () => {
    expect(saltEncrypt(Buffer.from('pw'), SECRET, AUTH, 0x0123).subarray(0, 2)).toEqual(hex('8123'));
    expect(saltEncrypt(Buffer.from('pw'), SECRET, AUTH, hex('0001')).subarray(0, 2)).toEqual(hex('8001'));
    expect(saltEncrypt(Buffer.from('pw'), SECRET, AUTH)[0]! & 0x80).toBe(0x80);
  });

  it('never repeats the salt in consecutive calls (two keys in one Accept)', () => {
    const a = saltEncrypt(Buffer.alloc(16), SECRET, AUTH).subarray(0, 2);
    const b = saltEncrypt(Buffer.alloc(16), SECRET, AUTH).subarray(0, 2);
    expect(a).not.toEqual(b);
  });

  it('round-trips 0..239 octets', () => {
    for (const n of [0, 1, 15, 16, 31, 32, 100, 239]) {
      const plain = Buffer.alloc(n, 0x5a);
      const value = saltEncrypt(plain, SECRET, AUTH);
      expect(value.length).toBe(2 + Math.ceil((n + 1) / 16) * 16);
      expect(saltDecrypt(value, SECRET, AUTH)).toEqual(plain);
    }
  });

  it('refuses plaintexts over 239 octets', () => {
    expect(() => saltEncrypt(Buffer.alloc(240), SECRET, AUTH)).toThrow(EncodeError);
  });

  it('returns null for values that cannot be salt-encrypted', () => {
    expect(saltDecrypt(Buffer.alloc(17), SECRET, AUTH)).toBeNull();
    expect(saltDecrypt(Buffer.alloc(2 + 20), SECRET, AUTH)).toBeNull();
    expect(saltDecrypt(Buffer.alloc(18), '', AUTH)).toBeNull();
  });

  it('returns null when the decrypted length octet exceeds the data (wrong secret, usually)', () => {
    const value = saltEncrypt(Buffer.from('secret-tunnel'), SECRET, AUTH, 0x8001);
    // Flip the first ciphertext octet so the length octet decrypts to 255.
    const broken = Buffer.from(value);
    broken[2] = broken[2]! ^ 13 ^ 255;
    expect(saltDecrypt(broken, SECRET, AUTH)).toBeNull();
  });
});
