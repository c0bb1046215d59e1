import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canServe, clearPapCache, papCacheInfo, verifyPap, verifyPapAsync } from '../../src/auth/credentials.js';
import { legacyCredentialText, parseLegacyCredentialText } from '../../src/auth/legacy-credential-text.js';
import { parseLegacyPassword } from '../../src/auth/legacy-hash.js';
import { ALL_AUTH_METHODS, type AuthCredential } from '../../src/domain/member.js';

const py = JSON.parse(
  execFileSync('python3', [fileURLToPath(new URL('./fixtures/legacy-vectors.py', import.meta.url))], { encoding: 'utf8' }),
) as { password: string; smd5_b64: string; ssha_b64: string; md5_hex: string; sha1_b64: string; ssha2: Record<string, string>; sha2: Record<string, string>; pbkdf2_ldap: string };
const PW = py.password;
const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' }).trim();

/** The credential a member moved in with `attribute := value` keeps. */
function storedAs(attribute: string, value: string): AuthCredential {
  const r = parseLegacyPassword(attribute, value);
  if (!r.ok) throw new Error(r.reason);
  const text = legacyCredentialText(r.credential);
  if (text === null) throw new Error('not a hash-only credential');
  return { cleartext: null, ntHash: null, strongHash: null, legacyHash: text };
}

const FORMS: readonly (readonly [string, string, string])[] = [
  ['MD5 (hex)', 'MD5-Password', py.md5_hex],
  ['SMD5 (base64)', 'SMD5-Password', py.smd5_b64],
  ['SHA (base64)', 'SHA-Password', py.sha1_b64],
  ['SSHA (base64)', 'SSHA-Password', py.ssha_b64],
  ['SHA2-256 (hex)', 'SHA2-Password', py.sha2['256']!],
  ['SSHA2-512 (base64)', 'SSHA2-512-Password', py.ssha2['512']!],
  ['PBKDF2', 'PBKDF2-Password', py.pbkdf2_ldap],
  ['Crypt MD5', 'Crypt-Password', openssl('passwd', '-1', '-salt', 'Zq8.Ab/x', PW)],
  ['Crypt SHA-256', 'Crypt-Password', openssl('passwd', '-5', '-salt', 'Zq8.Ab/x', PW)],
  ['Crypt SHA-512', 'Crypt-Password', openssl('passwd', '-6', '-salt', 'Zq8.Ab/x', PW)],
];

describe('a FreeRADIUS hash kept as a member credential', () => {
  it.each(FORMS)('%s survives its stored text and checks PAP, sync and async', async (_name, attribute, value) => {
    const cred = storedAs(attribute, value);
    const parsed = parseLegacyCredentialText(cred.legacyHash!);
    expect(parsed).not.toBeNull();
    expect(legacyCredentialText(parsed!)).toBe(cred.legacyHash);
    expect(verifyPap(cred, Buffer.from(PW))).toBe(true);
    expect(await verifyPapAsync(cred, Buffer.from(PW))).toBe(true);
    expect(verifyPap(cred, Buffer.from(`${PW}x`))).toBe(false);
    expect(await verifyPapAsync(cred, Buffer.from(PW.toUpperCase()))).toBe(false);
    expect(verifyPap(cred, new Uint8Array(0))).toBe(false);
  });

  it('serves PAP alone: CHAP needs the cleartext, MS-CHAP the NT hash', () => {
    const cred = storedAs('SSHA-Password', py.ssha_b64);
    expect(ALL_AUTH_METHODS.filter((m) => canServe(cred, ALL_AUTH_METHODS, m))).toEqual(['pap']);
  });

  it('remembers a successful crypt check, never a failed one', () => {
    clearPapCache();
    const cred = storedAs('Crypt-Password', openssl('passwd', '-6', '-salt', 'cachesalt', PW));
    expect(verifyPap(cred, Buffer.from('wrong'))).toBe(false);
    expect(papCacheInfo().size).toBe(0);
    expect(verifyPap(cred, Buffer.from(PW))).toBe(true);
    expect(verifyPap(cred, Buffer.from(PW))).toBe(true);
    expect(papCacheInfo()).toMatchObject({ size: 1, hits: 1 });
  });

  it('never matches a stored text it did not write', () => {
    for (const text of ['digest$md5$zz', 'digest$rot13$00', 'salted$sha1$00', 'crypt$bcrypt$x', 'pbkdf2$sha1$0$00$00', 'cleartext$x']) {
      expect(parseLegacyCredentialText(text)).toBeNull();
      expect(verifyPap({ cleartext: null, ntHash: null, strongHash: null, legacyHash: text }, Buffer.from(PW))).toBe(false);
    }
  });
});
