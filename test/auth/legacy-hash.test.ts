import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canServe, verifyPap } from '../../src/auth/credentials.js';
import {
  methodsFor,
  parseLegacyPassword,
  toStoredCredential,
  verifyLegacy,
  type LegacyCredential,
  type LegacyParse,
  type LegacyParsed,
} from '../../src/auth/legacy-hash.js';
import { RFC2759_9_3 } from './fixtures/vectors.js';

interface PyVectors {
  password: string;
  md5_hex: string;
  md5_b64: string;
  smd5_b64: string;
  smd5_hex: string;
  sha1_hex: string;
  sha1_b64: string;
  ssha_b64: string;
  sha2: Record<'224' | '256' | '384' | '512', string>;
  sha256_b64: string;
  ssha2: Record<'224' | '256' | '384' | '512', string>;
  ssha512_hex: string;
  sha3_256_hex: string;
  ssha3_256_b64: string;
  pbkdf2_ldap: string;
  pbkdf2_ldap_sha1: string;
  pbkdf2_crypt: string;
  pbkdf2_passlib: string;
  with_header_b64: string;
}

const py = JSON.parse(
  execFileSync('python3', [fileURLToPath(new URL('./fixtures/legacy-vectors.py', import.meta.url))], { encoding: 'utf8' }),
) as PyVectors;
const PW = py.password;
const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' }).trim();

function accepted(r: LegacyParse): LegacyParsed {
  if (!r.ok) throw new Error(`refused (${r.kind}): ${r.reason}`);
  return r;
}

/** Parses, then checks the right password matches and near misses do not. */
function expectWorks(attribute: string, value: string, password = PW): LegacyCredential {
  const r = accepted(parseLegacyPassword(attribute, value));
  expect(verifyLegacy(r.credential, bytes(password))).toBe(true);
  expect(verifyLegacy(r.credential, bytes(`${password}x`))).toBe(false);
  expect(verifyLegacy(r.credential, bytes(password.slice(0, -1)))).toBe(false);
  expect(verifyLegacy(r.credential, bytes(password.toUpperCase()))).toBe(false);
  expect(verifyLegacy(r.credential, new Uint8Array(0))).toBe(false);
  return r.credential;
}

describe('cleartext and NT hash', () => {
  it('checks a Cleartext-Password and maps it to the credential member add keeps', () => {
    const cred = expectWorks('Cleartext-Password', PW);
    expect(methodsFor(cred)).toEqual(['pap', 'chap', 'mschapv1', 'mschapv2']);
    const mapped = toStoredCredential(cred)!;
    expect(mapped.credential.cleartext).toBe(PW);
    expect(canServe(mapped.credential, mapped.methods, 'chap')).toBe(true);
    expect(verifyPap(mapped.credential, bytes(PW))).toBe(true);
  });

  it('reads attribute names without regard to case, as FreeRADIUS dictionaries do', () => {
    expectWorks('cleartext-password', PW);
    expectWorks('CLEARTEXT-PASSWORD', PW);
  });

  // RFC 2759 §9.3: NtPasswordHash("MyPw") = FC156AF7EDCD6C0EDDE3337D427F4EAC.
  const NT_HEX = RFC2759_9_3.passwordHash.toString('hex').toUpperCase();
  it.each([
    ['hex', NT_HEX],
    ['lower-case hex', NT_HEX.toLowerCase()],
    ['0x hex (an octets attribute)', `0x${NT_HEX}`],
    // python3 -c "import base64;print(base64.b64encode(bytes.fromhex('FC156AF7EDCD6C0EDDE3337D427F4EAC')).decode())"
    ['base64, as rlm_pap reads it', '/BVq9+3NbA7d4zN9Qn9OrA=='],
  ])('checks an NT-Password in %s and serves PAP and MS-CHAP from it', (_how, value) => {
    const cred = expectWorks('NT-Password', value, RFC2759_9_3.password);
    expect(cred.kind).toBe('nt-hash');
    expect(methodsFor(cred)).toEqual(['pap', 'mschapv1', 'mschapv2']);
    const mapped = toStoredCredential(cred)!;
    expect(mapped.credential).toEqual({ cleartext: null, ntHash: RFC2759_9_3.passwordHash, strongHash: null });
    expect(canServe(mapped.credential, mapped.methods, 'mschapv2')).toBe(true);
    expect(canServe(mapped.credential, mapped.methods, 'chap')).toBe(false);
    expect(verifyPap(mapped.credential, bytes(RFC2759_9_3.password))).toBe(true);
  });

  it('refuses an LM-Password as unusable and says why', () => {
    // python3 -c "print('0' * 32)" would do as well: LM is refused whatever it holds.
    const r = parseLegacyPassword('LM-Password', 'E52CAC67419A9A224A3B108F3FA6CB6D');
    expect(r).toMatchObject({ ok: false, kind: 'unusable', attribute: 'LM-Password' });
    expect(!r.ok && r.reason).toMatch(/LAN Manager/);
  });
});

describe('unsalted and salted digests (vectors from python3 hashlib)', () => {
  it.each([
    ['MD5-Password', 'md5_hex'],
    ['MD5-Password', 'md5_b64'],
    ['SMD5-Password', 'smd5_b64'],
    ['SMD5-Password', 'smd5_hex'],
    ['SHA-Password', 'sha1_hex'],
    ['SHA-Password', 'sha1_b64'],
    ['SSHA-Password', 'ssha_b64'],
    ['SHA2-Password', 'sha256_b64'],
    ['SSHA2-512-Password', 'ssha512_hex'],
    ['SHA3-Password', 'sha3_256_hex'],
    ['SSHA3-256-Password', 'ssha3_256_b64'],
  ] as const)('checks %s from %s', (attribute, key) => {
    expectWorks(attribute, py[key]);
  });

  it.each(['224', '256', '384', '512'] as const)('picks SHA-%s for SHA2-Password by the digest length', (bits) => {
    const cred = expectWorks('SHA2-Password', py.sha2[bits]);
    expect(cred).toMatchObject({ kind: 'digest', algorithm: `sha${bits}` });
    expect(methodsFor(cred)).toEqual(['pap']);
    expect(toStoredCredential(cred)).toBeNull();
  });

  it.each(['224', '256', '384', '512'] as const)('checks SSHA2-%s-Password', (bits) => {
    const cred = expectWorks(`SSHA2-${bits}-Password`, py.ssha2[bits]);
    expect(cred).toMatchObject({ kind: 'salted-digest', algorithm: `sha${bits}` });
  });

  it('takes 32 hex digits as hex although they are also valid base64 (rlm_pap tries hex first)', () => {
    expect(/^[0-9a-f]{32}$/.test(py.md5_hex)).toBe(true);
    const r = accepted(parseLegacyPassword('MD5-Password', py.md5_hex));
    expect(r.encoding).toBe('hex');
    expect(verifyLegacy(r.credential, bytes(PW))).toBe(true);
  });

  it('takes 16 characters that are neither hex nor long enough for base64 as the raw digest, with a warning', () => {
    const r = accepted(parseLegacyPassword('MD5-Password', 'abcdefghijklmnop'));
    expect(r.encoding).toBe('raw');
    expect(r.credential).toMatchObject({ kind: 'digest', digest: Buffer.from('abcdefghijklmnop') });
    expect(r.warnings.join(' ')).toMatch(/neither hex nor base64/);
  });

  it.each([
    ['MD5-Password', py.md5_hex.slice(0, 30), /16/],
    ['MD5-Password', `${py.md5_hex}00`, /16/],
    ['SHA-Password', py.md5_hex, /20/],
    ['SMD5-Password', py.md5_hex, /salt/],
    ['SSHA-Password', py.sha1_hex, /salt/],
    ['SSHA2-256-Password', py.sha2['256'], /salt/],
    ['SHA2-Password', py.sha1_hex, /28, 32, 48 or 64/],
    ['NT-Password', py.md5_hex.slice(0, 31), /16/],
    ['NT-Password', '0x12345', /0x/],
    ['MD5-Password', `0x${py.md5_hex.slice(0, 30)}zz`, /0x/],
  ] as const)('refuses a truncated or garbled %s as malformed', (attribute, value, why) => {
    const v: string = value;
    const r = parseLegacyPassword(attribute, v);
    expect(r).toMatchObject({ ok: false, kind: 'malformed' });
    expect(!r.ok && r.reason).toMatch(why);
    expect(!r.ok && r.reason).not.toContain(v);
  });
});

describe('Crypt-Password', () => {
  it.each([
    ['-1', 'md5-crypt'],
    ['-5', 'sha256-crypt'],
    ['-6', 'sha512-crypt'],
  ] as const)('checks the output of openssl passwd %s', (flag, scheme) => {
    const hash = openssl('passwd', flag, '-salt', 'Zq8.Ab/x', PW);
    const cred = expectWorks('Crypt-Password', hash);
    expect(cred).toEqual({ kind: 'crypt', scheme, hash });
    expect(methodsFor(cred)).toEqual(['pap']);
  });

  it('checks sha256-crypt with rounds= (recorded from python3 crypt)', () => {
    // python3 -c "import crypt; print(crypt.crypt('s3cret-pass', '\$5\$rounds=12000\$roundsalt'))"
    expectWorks('Crypt-Password', '$5$rounds=12000$roundsalt$WxvadN2PP3nFBgtIm81Z.BilRKYdJwN6hwTrFqIIUgA');
  });

  it('checks traditional DES crypt with a warning that only 8 characters count (recorded from python3 crypt)', () => {
    // python3 -c "import crypt; print(crypt.crypt('s3cret-pass', 'Xy'))"
    const r = accepted(parseLegacyPassword('Crypt-Password', 'XyOlEiWDs1O7A'));
    expect(r.credential).toMatchObject({ kind: 'crypt', scheme: 'des-crypt' });
    expect(r.warnings.join(' ')).toMatch(/first 8 characters/);
    expect(verifyLegacy(r.credential, bytes(PW))).toBe(true);
    expect(verifyLegacy(r.credential, bytes('s3cret-pXXXXXX'))).toBe(true); // crypt(3) reads 8 characters
    expect(verifyLegacy(r.credential, bytes('s3cret-'))).toBe(false);
  });

  it('checks DES crypt of a password longer than 8 characters (recorded from python3 crypt)', () => {
    // python3 -c "import crypt; print(crypt.crypt('longpassword', 'Xy'))"
    const r = accepted(parseLegacyPassword('Crypt-Password', 'Xy3GYGsL3apDg'));
    expect(verifyLegacy(r.credential, bytes('longpassword'))).toBe(true);
    expect(verifyLegacy(r.credential, bytes('longpass'))).toBe(true);
    expect(verifyLegacy(r.credential, bytes('longpas'))).toBe(false);
    expect(verifyLegacy(r.credential, bytes('Longpassword'))).toBe(false);
  });

  it.each([
    ['bcrypt', '$2y$10$abcdefghijklmnopqrstuuJ5l4o8l0N8bFh7P7hS0dK2E2m3Q6y7.', 'unsupported'],
    ['yescrypt', '$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7', 'unsupported'],
    ['a truncated sha512-crypt', () => openssl('passwd', '-6', '-salt', 'abc', PW).slice(0, -3), 'malformed'],
    ['a truncated md5-crypt', () => openssl('passwd', '-1', '-salt', 'abc', PW).slice(0, -1), 'malformed'],
    ['an md5-crypt salt longer than 8', '$1$123456789$qjXMvbEw8oaL.CzflDtaK/', 'malformed'],
    ['a 12-character DES string', 'XyOlEiWDs1O7', 'malformed'],
    ['rounds that are not a number', '$6$rounds=lots$salt$abc', 'malformed'],
    ['absurd rounds', '$6$rounds=900000000$salt$abc', 'unsupported'],
    ['plain text', 'not a crypt string', 'malformed'],
  ] as const)('refuses %s', (_what, value, kind) => {
    const v = typeof value === 'function' ? value() : value;
    const r = parseLegacyPassword('Crypt-Password', v);
    expect(r).toMatchObject({ ok: false, kind, attribute: 'Crypt-Password' });
    expect(!r.ok && r.reason).not.toContain(v);
  });
});

describe('PBKDF2-Password and {X-PBKDF2}', () => {
  it('checks the FreeRADIUS test suite vector (src/tests/modules/pap/pbkfd2_sha2_256.unlang, password "password")', () => {
    expectWorks('PBKDF2-Password', 'HMACSHA2+256:AAAnEA:a/8HbYW2HWsMthN27JI+Ew==:3nPlXYOlOuDCFOfethUomHxTXkG9JCivOdvh6FDNdGw=', 'password');
  });

  it.each([
    ['the LDAP layout', 'pbkdf2_ldap'],
    ['the LDAP layout with HMACSHA1', 'pbkdf2_ldap_sha1'],
    ['the $PBKDF2$ layout', 'pbkdf2_crypt'],
    ["passlib's layout", 'pbkdf2_passlib'],
  ] as const)('checks %s made with python3 hashlib.pbkdf2_hmac', (_what, key) => {
    expectWorks('PBKDF2-Password', py[key]);
    expectWorks('Password-With-Header', `{X-PBKDF2}${py[key]}`);
  });

  it.each([
    ['zero iterations', 'HMACSHA1:AAAAAA==:oaLD1OX2Bxg=:AAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'malformed'],
    ['a hash of the wrong length', 'HMACSHA1:AAAD6A==:oaLD1OX2Bxg=:AAAA', 'malformed'],
    ['an unknown digest', 'HMACMD5:AAAD6A==:oaLD1OX2Bxg=:AAAAAAAAAAAAAAAAAAAAAA==', 'unsupported'],
    ['three parts', 'HMACSHA1:AAAD6A==:oaLD1OX2Bxg=', 'malformed'],
    ['a salt that is not base64', 'HMACSHA1:AAAD6A==:*:AAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'malformed'],
  ] as const)('refuses %s', (_what, value, kind) => {
    expect(parseLegacyPassword('PBKDF2-Password', value)).toMatchObject({ ok: false, kind });
  });
});

describe('Password-With-Header', () => {
  it.each([
    ['{clear}', PW],
    ['{cleartext}', PW],
    ['{md5}', py.md5_b64],
    ['{MD5}', py.md5_hex],
    ['{smd5}', py.smd5_b64],
    ['{sha}', py.sha1_b64],
    ['{SSHA}', py.ssha_b64],
    ['{sha2}', py.sha2['384']],
    ['{sha256}', py.sha256_b64],
    ['{ssha224}', py.ssha2['224']],
    ['{ssha256}', py.ssha2['256']],
    ['{ssha384}', py.ssha2['384']],
    ['{ssha512}', py.ssha2['512']],
    ['{crypt}', openssl('passwd', '-6', '-salt', 'hdrsalt', 's3cret-pass')],
  ])('checks %s', (header, payload) => {
    expectWorks('Password-With-Header', `${header}${payload}`);
  });

  it.each(['{nt}', '{nthash}', '{x-nthash}', '{md4}'])('checks %s as an NT hash', (header) => {
    const cred = expectWorks('Password-With-Header', `${header}${RFC2759_9_3.passwordHash.toString('hex')}`, 'MyPw');
    expect(cred.kind).toBe('nt-hash');
  });

  it('undoes base64 around the whole value, as rlm_pap does', () => {
    const r = accepted(parseLegacyPassword('Password-With-Header', py.with_header_b64));
    expect(r.attribute).toBe('SSHA-Password');
    expect(verifyLegacy(r.credential, bytes(PW))).toBe(true);
  });

  it('takes a value with an unknown header, header included, as the cleartext, and warns', () => {
    const r = accepted(parseLegacyPassword('Password-With-Header', '{bogus}abc'));
    expect(r.credential).toEqual({ kind: 'cleartext', cleartext: '{bogus}abc' });
    expect(r.warnings.join(' ')).toMatch(/\{bogus\}/);
  });

  it('takes a value with no header as the cleartext, and warns', () => {
    const r = accepted(parseLegacyPassword('Password-With-Header', PW));
    expect(r.credential).toEqual({ kind: 'cleartext', cleartext: PW });
    expect(r.warnings).toHaveLength(1);
  });

  it('does not quote a would-be header that is part of a password', () => {
    const r = accepted(parseLegacyPassword('Password-With-Header', 'my}secret'));
    expect(r.credential).toEqual({ kind: 'cleartext', cleartext: 'my}secret' });
    expect(r.warnings.join(' ')).not.toContain('my}');
  });

  it('refuses {ns-mta-md5} as unsupported and {x- orcllmv} as unusable', () => {
    expect(parseLegacyPassword('Password-With-Header', `{ns-mta-md5}${'a'.repeat(64)}`)).toMatchObject({ ok: false, kind: 'unsupported' });
    expect(parseLegacyPassword('Password-With-Header', `{x- orcllmv}${'a'.repeat(32)}`)).toMatchObject({ ok: false, kind: 'unusable' });
  });

  it('refuses a header of 256 characters or more', () => {
    expect(parseLegacyPassword('Password-With-Header', `{${'x'.repeat(300)}}abc`)).toMatchObject({ ok: false, kind: 'malformed' });
  });
});

describe('what is not a password', () => {
  it('refuses a stored User-Password and says to use Cleartext-Password', () => {
    const r = parseLegacyPassword('User-Password', PW);
    expect(r).toMatchObject({ ok: false, kind: 'not-a-password' });
    expect(!r.ok && r.reason).toMatch(/Cleartext-Password/);
  });

  it('refuses an empty or over-long cleartext as unusable', () => {
    expect(parseLegacyPassword('Cleartext-Password', '')).toMatchObject({ ok: false, kind: 'unusable' });
    expect(parseLegacyPassword('Cleartext-Password', 'x'.repeat(129))).toMatchObject({ ok: false, kind: 'unusable' });
  });

  it('never throws and never quotes the value, whatever the attribute holds', () => {
    const attrs = ['Cleartext-Password', 'NT-Password', 'MD5-Password', 'SMD5-Password', 'SHA2-Password',
      'SSHA2-256-Password', 'Crypt-Password', 'PBKDF2-Password', 'Password-With-Header', 'LM-Password'];
    fc.assert(
      fc.property(fc.constantFrom(...attrs), fc.string({ minLength: 6, maxLength: 120 }), (attr, value) => {
        const r = parseLegacyPassword(attr, value);
        if (!r.ok) expect(r.reason).not.toContain(value);
        else verifyLegacy(r.credential, bytes('guess'));
      }),
      { numRuns: 1500 },
    );
  });
});
