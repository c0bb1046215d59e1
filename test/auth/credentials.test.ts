import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthMethod, StoredCredential } from '../../src/domain/member.js';
import { ALL_AUTH_METHODS } from '../../src/domain/member.js';
import {
  PAP_CACHE_MAX,
  canServe,
  clearPapCache,
  deriveCredential,
  hashStrong,
  ntHashOf,
  papCacheInfo,
  setPapCacheLimit,
  validatePassword,
  verifyPap,
  verifyPapAsync,
  verifyStrongHash,
} from '../../src/auth/credentials.js';
import { RFC2759_9_3 } from './fixtures/vectors.js';

const PW = RFC2759_9_3.password; // "MyPw"
const pw = (s: string): Buffer => Buffer.from(s, 'utf8');
const SCRYPT_FORMAT = /^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;

describe('validatePassword', () => {
  it('accepts an ordinary password and one of exactly 128 octets', () => {
    expect(validatePassword('correct horse')).toBeNull();
    expect(validatePassword('\u00e9'.repeat(64))).toBeNull();
  });

  it.each([
    ['an empty password', ''],
    ['a NUL character', 'a\0b'],
    ['129 octets', 'a'.repeat(129)],
    ['130 octets of 65 two-octet characters', '\u00e9'.repeat(65)],
    ['a lone surrogate', 'pw\ud800'],
  ])('refuses %s, without quoting it', (_name, value) => {
    const msg = validatePassword(value);
    expect(msg).toEqual(expect.any(String));
    if (value.length > 0) expect(msg).not.toContain(value);
  });
});

describe('deriveCredential', () => {
  it('keeps only a scrypt hash for PAP alone', () => {
    const c = deriveCredential(PW, ['pap']);
    expect(c.cleartext).toBeNull();
    expect(c.ntHash).toBeNull();
    expect(c.strongHash).toMatch(SCRYPT_FORMAT);
  });

  it('keeps the cleartext for CHAP', () => {
    expect(deriveCredential(PW, ['chap'])).toEqual({ cleartext: PW, ntHash: null, strongHash: null });
  });

  it.each<AuthMethod[]>([['mschapv2'], ['mschapv1'], ['pap', 'mschapv2']])(
    'keeps only the NT hash for %j',
    (...methods) => {
      expect(deriveCredential(PW, methods)).toEqual({
        cleartext: null,
        ntHash: RFC2759_9_3.passwordHash,
        strongHash: null,
      });
    },
  );

  it('keeps cleartext and NT hash, and no strong hash, for all methods', () => {
    expect(deriveCredential(PW, [...ALL_AUTH_METHODS])).toEqual({
      cleartext: PW,
      ntHash: RFC2759_9_3.passwordHash,
      strongHash: null,
    });
  });

  it('salts: the same password twice gives two different strong hashes', () => {
    expect(deriveCredential(PW, ['pap']).strongHash).not.toBe(deriveCredential(PW, ['pap']).strongHash);
  });

  it('throws on an invalid password or no method', () => {
    expect(() => deriveCredential('', ['pap'])).toThrow(RangeError);
    expect(() => deriveCredential(PW, [])).toThrow(RangeError);
  });
});

const CLEAR: StoredCredential = { cleartext: PW, ntHash: null, strongHash: null };
const NT: StoredCredential = { cleartext: null, ntHash: RFC2759_9_3.passwordHash, strongHash: null };
const STRONG: StoredCredential = { cleartext: null, ntHash: null, strongHash: hashStrong(PW) };
const NONE: StoredCredential = { cleartext: null, ntHash: null, strongHash: null };

describe('canServe', () => {
  const all = [...ALL_AUTH_METHODS];
  // What each credential form can check, when the member allows every method.
  it.each<[string, StoredCredential, Record<AuthMethod, boolean>]>([
    ['cleartext', CLEAR, { pap: true, chap: true, mschapv1: true, mschapv2: true }],
    ['NT hash', NT, { pap: true, chap: false, mschapv1: true, mschapv2: true }],
    ['strong hash', STRONG, { pap: true, chap: false, mschapv1: false, mschapv2: false }],
    ['nothing', NONE, { pap: false, chap: false, mschapv1: false, mschapv2: false }],
  ])('serves from a %s credential exactly the methods it can check', (_name, credential, expected) => {
    for (const m of all) expect([m, canServe(credential, all, m)]).toEqual([m, expected[m]]);
  });

  it("refuses a method the member's list leaves out, even if the credential could check it", () => {
    expect(canServe(CLEAR, ['pap', 'mschapv2'], 'chap')).toBe(false);
    expect(canServe(CLEAR, ['pap', 'mschapv2'], 'mschapv1')).toBe(false);
    expect(canServe(CLEAR, ['pap', 'mschapv2'], 'mschapv2')).toBe(true);
    expect(canServe(NT, [], 'pap')).toBe(false);
  });

  it('treats an NT hash of the wrong length as absent', () => {
    expect(canServe({ ...NT, ntHash: Buffer.alloc(15) }, ['mschapv2'], 'mschapv2')).toBe(false);
  });
});

describe('ntHashOf', () => {
  it('returns the stored NT hash, or computes it from the cleartext, or null', () => {
    expect(ntHashOf(NT)).toEqual(RFC2759_9_3.passwordHash);
    expect(ntHashOf(CLEAR)).toEqual(RFC2759_9_3.passwordHash);
    expect(ntHashOf(STRONG)).toBeNull();
  });
});

describe('verifyPap', () => {
  beforeEach(() => clearPapCache());

  it.each([
    ['cleartext', CLEAR],
    ['NT hash', NT],
    ['strong hash', STRONG],
  ])('accepts the right password against a %s credential and refuses wrong ones', (_name, credential) => {
    expect(verifyPap(credential, pw(PW))).toBe(true);
    expect(verifyPap(credential, pw('mypw'))).toBe(false);
    expect(verifyPap(credential, pw('MyPw '))).toBe(false);
    expect(verifyPap(credential, pw('MyP'))).toBe(false);
    expect(verifyPap(credential, Buffer.alloc(0))).toBe(false);
  });

  it('checks a non-ASCII password against every form', () => {
    const secret = 'p\u00e4ssw\u00f6rd\u20ac';
    const all = deriveCredential(secret, ['chap', 'mschapv2']);
    expect(verifyPap(all, pw(secret))).toBe(true);
    expect(verifyPap({ ...all, cleartext: null }, pw(secret))).toBe(true);
    expect(verifyPap(deriveCredential(secret, ['pap']), pw(secret))).toBe(true);
  });

  it('refuses octets that are not UTF-8 against an NT hash', () => {
    expect(verifyPap(NT, Buffer.from([0x4d, 0x79, 0xff, 0x77]))).toBe(false);
  });

  it('refuses everything when the credential holds nothing, or a malformed strong hash', () => {
    expect(verifyPap(NONE, pw(PW))).toBe(false);
    for (const strongHash of ['scrypt$N=16384,r=8,p=1$abc', 'bcrypt$x$y$z', 'scrypt$N=1000,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43)]) {
      expect(verifyPap({ ...NONE, strongHash }, pw(PW))).toBe(false);
    }
  });

  it('reads the scrypt parameters from the stored hash', () => {
    expect(verifyStrongHash(STRONG.strongHash!, pw(PW))).toBe(true);
    const padded = STRONG.strongHash!.replace(/\$([^$]+)$/, (_m, h: string) => `$${h}=`);
    expect(verifyStrongHash(padded, pw(PW))).toBe(true);
  });

  it('answers the same asynchronously', async () => {
    await expect(verifyPapAsync(STRONG, pw(PW))).resolves.toBe(true);
    await expect(verifyPapAsync(STRONG, pw('nope'))).resolves.toBe(false);
    await expect(verifyPapAsync(CLEAR, pw(PW))).resolves.toBe(true);
  });
});

describe('the PAP cache of scrypt successes', () => {
  beforeEach(() => clearPapCache());
  afterEach(() => setPapCacheLimit(PAP_CACHE_MAX));

  it('answers a repeated correct login from the cache', () => {
    expect(verifyPap(STRONG, pw(PW))).toBe(true);
    expect(papCacheInfo()).toEqual({ size: 1, hits: 0, misses: 1 });
    expect(verifyPap(STRONG, pw(PW))).toBe(true);
    expect(papCacheInfo()).toEqual({ size: 1, hits: 1, misses: 1 });
  });

  it('does not cache failures', () => {
    expect(verifyPap(STRONG, pw('wrong'))).toBe(false);
    expect(verifyPap(STRONG, pw('wrong'))).toBe(false);
    expect(papCacheInfo()).toEqual({ size: 0, hits: 0, misses: 2 });
  });

  it('does not let a cached success accept a wrong password', () => {
    expect(verifyPap(STRONG, pw(PW))).toBe(true);
    expect(verifyPap(STRONG, pw('MyPw2'))).toBe(false);
    expect(verifyPap(STRONG, pw('mypw'))).toBe(false);
    expect(papCacheInfo().hits).toBe(0);
  });

  it('does not carry a success over to a new hash of the same password (e.g. after a reset)', () => {
    expect(verifyPap(STRONG, pw(PW))).toBe(true);
    const reset: StoredCredential = { ...NONE, strongHash: hashStrong(PW) };
    expect(verifyPap(reset, pw(PW))).toBe(true);
    expect(papCacheInfo()).toMatchObject({ size: 2, hits: 0 });
  });

  it('does not accept the old password once the hash changed', () => {
    expect(verifyPap(STRONG, pw(PW))).toBe(true);
    const changed: StoredCredential = { ...NONE, strongHash: hashStrong('new password') };
    expect(verifyPap(changed, pw(PW))).toBe(false);
  });

  it('is shared by the asynchronous check', async () => {
    await expect(verifyPapAsync(STRONG, pw(PW))).resolves.toBe(true);
    expect(verifyPap(STRONG, pw(PW))).toBe(true);
    expect(papCacheInfo()).toEqual({ size: 1, hits: 1, misses: 1 });
  });

  it('keeps at most its limit, dropping the least recently used', () => {
    setPapCacheLimit(2);
    const a: StoredCredential = { ...NONE, strongHash: hashStrong('a-pass') };
    const b: StoredCredential = { ...NONE, strongHash: hashStrong('b-pass') };
    const c: StoredCredential = { ...NONE, strongHash: hashStrong('c-pass') };
    verifyPap(a, pw('a-pass'));
    verifyPap(b, pw('b-pass'));
    verifyPap(a, pw('a-pass')); // a is now the most recent
    verifyPap(c, pw('c-pass')); // evicts b
    expect(papCacheInfo()).toEqual({ size: 2, hits: 1, misses: 3 });
    verifyPap(a, pw('a-pass'));
    verifyPap(b, pw('b-pass'));
    expect(papCacheInfo()).toEqual({ size: 2, hits: 2, misses: 4 });
  });
});
