import { describe, expect, it } from 'vitest';
import { EncodeError, hidePassword, unhidePassword } from '../../src/protocol/index.js';
import { SECRET, hex } from './fixtures/rfc-vectors.js';

const AUTH = hex('0f403f9473978057bd83d5cb98f4227a'); // RFC 2865 §7.1

describe('User-Password hiding (RFC 2865 §5.2)', () => {
  it('hides "arctangent" exactly as the RFC 2865 §7.1 example', () => {
    expect(hidePassword('arctangent', SECRET, AUTH)).toEqual(hex('0dbe708d93d413ce3196e43f782a0aee'));
  });

  it('round-trips passwords of 0..128 octets, padding to multiples of 16', () => {
    for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 100, 127, 128]) {
      const pw = Buffer.alloc(n, 0x41 + (n % 26));
      const hidden = hidePassword(pw, SECRET, AUTH);
      expect(hidden.length).toBe(Math.max(16, Math.ceil(n / 16) * 16));
      expect(unhidePassword(hidden, SECRET, AUTH)).toEqual(pw);
    }
  });

  it('chains blocks on the ciphertext: the second block differs from hiding it alone', () => {
    const pw = Buffer.alloc(32, 0x61);
    const hidden = hidePassword(pw, SECRET, AUTH);
    expect(hidden.subarray(16)).not.toEqual(hidePassword(pw.subarray(16), SECRET, AUTH));
  });

  it('keeps UTF-8 passwords intact', () => {
    const hidden = hidePassword('pässwörd€', Buffer.from(SECRET), AUTH);
    expect(unhidePassword(hidden, SECRET, AUTH)?.toString('utf8')).toBe('pässwörd€');
  });

  it('returns null for values that cannot be a hidden password', () => {
    expect(unhidePassword(Buffer.alloc(0), SECRET, AUTH)).toBeNull();
    expect(unhidePassword(Buffer.alloc(15), SECRET, AUTH)).toBeNull();
    expect(unhidePassword(Buffer.alloc(17), SECRET, AUTH)).toBeNull();
    expect(unhidePassword(Buffer.alloc(144), SECRET, AUTH)).toBeNull();
    expect(unhidePassword(Buffer.alloc(16), '', AUTH)).toBeNull();
  });

  it('yields a different password, not an error, under a wrong secret', () => {
    const hidden = hidePassword('arctangent', SECRET, AUTH);
    const wrong = unhidePassword(hidden, 'xyzzy5460', AUTH);
    expect(wrong).not.toBeNull();
    expect(wrong?.toString()).not.toBe('arctangent');
  });

  it('refuses to hide more than 128 octets', () => {
    expect(() => hidePassword(Buffer.alloc(129), SECRET, AUTH)).toThrow(EncodeError);
  });
});
