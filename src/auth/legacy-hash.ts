/**
 * Passwords as a FreeRADIUS 3.x deployment keeps them (radcheck rows, users
 * files): every "known good" form rlm_pap accepts, read the way rlm_pap
 * reads it, checked against a PAP password, and mapped to radassoc's own
 * credential where one exists (cleartext, NT hash) so that CHAP and
 * MS-CHAP keep working for the NAS.
 *
 * Parsing never throws: a value is a LegacyCredential or a refusal whose
 * reason says, in words and without quoting the value, why it cannot be used.
 */
import { createHash, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { ALL_AUTH_METHODS, type AuthMethod, type StoredCredential } from '../domain/member.js';
import { deriveCredential, validatePassword } from './credentials.js';
import { desCrypt } from './crypto/des-crypt.js';
import { CRYPT_CHARS } from './crypto/crypt-alphabet.js';
import { md5Crypt, md5CryptSalt } from './crypto/md5-crypt.js';
import { parseShaCryptSetting, shaCrypt } from './crypto/sha-crypt.js';
import { decodeBase64, normify, octetsFromText, type ValueEncoding } from './legacy-encoding.js';
import { ntPasswordHash } from './mschap.js';

export type DigestAlgorithm =
  | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'
  | 'sha3-224' | 'sha3-256' | 'sha3-384' | 'sha3-512';

export type CryptScheme = 'md5-crypt' | 'sha256-crypt' | 'sha512-crypt' | 'des-crypt';

export type LegacyCredential =
  | { readonly kind: 'cleartext'; readonly cleartext: string }
  | { readonly kind: 'nt-hash'; readonly digest: Buffer }
  /** MD5-Password, SHA-Password, SHA2-Password, SHA3-Password: the digest of the password alone. */
  | { readonly kind: 'digest'; readonly algorithm: DigestAlgorithm; readonly digest: Buffer }
  /** SMD5, SSHA, SSHA2-*, SSHA3-*: digest(password || salt), stored as digest || salt. */
  | { readonly kind: 'salted-digest'; readonly algorithm: DigestAlgorithm; readonly digest: Buffer; readonly salt: Buffer }
  /** Crypt-Password: the whole crypt(3) string, which is also its own setting. */
  | { readonly kind: 'crypt'; readonly scheme: CryptScheme; readonly hash: string }
  | {
      readonly kind: 'pbkdf2';
      readonly algorithm: DigestAlgorithm;
      readonly iterations: number;
      readonly salt: Buffer;
      readonly digest: Buffer;
    };

export interface LegacyParsed {
  readonly ok: true;
  readonly credential: LegacyCredential;
  /** The attribute rlm_pap ended up checking (Password-With-Header resolves to another). */
  readonly attribute: string;
  /** How the stored text was decoded; null for the text forms (cleartext, crypt). */
  readonly encoding: ValueEncoding | null;
  /** Things an admin should know, each a sentence; never the value. */
  readonly warnings: readonly string[];
}

/**
 * unusable: recognised, and no radassoc method can ever check it (LM, an
 *   empty cleartext); malformed: FreeRADIUS could not have matched it either;
 * unsupported: a real scheme radassoc does not check; not-a-password: the
 *   attribute holds no known-good password at all.
 */
export type LegacyRefusalKind = 'unusable' | 'malformed' | 'unsupported' | 'not-a-password';

export interface LegacyRefusal {
  readonly ok: false;
  readonly kind: LegacyRefusalKind;
  readonly attribute: string;
  readonly reason: string;
}

export type LegacyParse = LegacyParsed | LegacyRefusal;

/** Above these a stored value would let one login cost seconds of CPU: refused rather than checked. */
export const MAX_SHA_CRYPT_ROUNDS = 1_000_000;
export const MAX_PBKDF2_ITERATIONS = 5_000_000;

type OctetsAttr = 'MD5-Password' | 'SMD5-Password' | 'SHA-Password' | 'SSHA-Password' | 'SHA2-Password'
  | 'SSHA2-224-Password' | 'SSHA2-256-Password' | 'SSHA2-384-Password' | 'SSHA2-512-Password'
  | 'SHA3-Password' | 'SSHA3-224-Password' | 'SSHA3-256-Password' | 'SSHA3-384-Password' | 'SSHA3-512-Password'
  | 'NT-Password' | 'LM-Password' | 'PBKDF2-Password';
type StringAttr = 'Cleartext-Password' | 'Crypt-Password' | 'NS-MTA-MD5-Password';
type PasswordAttr = OctetsAttr | StringAttr | 'Password-With-Header';

/** For each octets attribute: the digest length rlm_pap normalises with, and what it holds. */
const OCTETS: Readonly<Record<Exclude<OctetsAttr, 'PBKDF2-Password'>, { min: number; algo: DigestAlgorithm | null; salted: boolean }>> = {
  'MD5-Password': { min: 16, algo: 'md5', salted: false },
  'SMD5-Password': { min: 16, algo: 'md5', salted: true },
  'SHA-Password': { min: 20, algo: 'sha1', salted: false },
  'SSHA-Password': { min: 20, algo: 'sha1', salted: true },
  'SHA2-Password': { min: 28, algo: null, salted: false },
  'SSHA2-224-Password': { min: 28, algo: 'sha224', salted: true },
  'SSHA2-256-Password': { min: 32, algo: 'sha256', salted: true },
  'SSHA2-384-Password': { min: 48, algo: 'sha384', salted: true },
  'SSHA2-512-Password': { min: 64, algo: 'sha512', salted: true },
  'SHA3-Password': { min: 28, algo: null, salted: false },
  'SSHA3-224-Password': { min: 28, algo: 'sha3-224', salted: true },
  'SSHA3-256-Password': { min: 32, algo: 'sha3-256', salted: true },
  'SSHA3-384-Password': { min: 48, algo: 'sha3-384', salted: true },
  'SSHA3-512-Password': { min: 64, algo: 'sha3-512', salted: true },
  'NT-Password': { min: 16, algo: null, salted: false },
  'LM-Password': { min: 16, algo: null, salted: false },
};

const ALL_ATTRS: readonly PasswordAttr[] = [
  ...(Object.keys(OCTETS) as OctetsAttr[]), 'PBKDF2-Password',
  'Cleartext-Password', 'Crypt-Password', 'NS-MTA-MD5-Password', 'Password-With-Header',
];
const BY_LOWER = new Map<string, PasswordAttr>(ALL_ATTRS.map((a) => [a.toLowerCase(), a]));

/** The canonical name when `attribute` (any case, as dictionaries match) holds a known-good password. */
export function passwordAttribute(attribute: string): PasswordAttr | null {
  return BY_LOWER.get(attribute.toLowerCase()) ?? null;
}

/** rlm_pap's Password-With-Header prefixes (compared without case) and the attribute each stands for. */
const HEADERS: ReadonlyMap<string, Exclude<PasswordAttr, 'Password-With-Header'>> = new Map([
  ['{clear}', 'Cleartext-Password'], ['{cleartext}', 'Cleartext-Password'],
  ['{md5}', 'MD5-Password'], ['{base64_md5}', 'MD5-Password'], ['{smd5}', 'SMD5-Password'],
  ['{crypt}', 'Crypt-Password'],
  ['{sha2}', 'SHA2-Password'], ['{sha224}', 'SHA2-Password'], ['{sha256}', 'SHA2-Password'],
  ['{sha384}', 'SHA2-Password'], ['{sha512}', 'SHA2-Password'],
  ['{ssha224}', 'SSHA2-224-Password'], ['{ssha256}', 'SSHA2-256-Password'],
  ['{ssha384}', 'SSHA2-384-Password'], ['{ssha512}', 'SSHA2-512-Password'],
  ['{ssha3-224}', 'SSHA3-224-Password'], ['{ssha3-256}', 'SSHA3-256-Password'],
  ['{ssha3-384}', 'SSHA3-384-Password'], ['{ssha3-512}', 'SSHA3-512-Password'],
  ['{x-pbkdf2}', 'PBKDF2-Password'],
  ['{sha}', 'SHA-Password'], ['{ssha}', 'SSHA-Password'],
  ['{md4}', 'NT-Password'], ['{nt}', 'NT-Password'], ['{nthash}', 'NT-Password'], ['{x-nthash}', 'NT-Password'],
  ['{ns-mta-md5}', 'NS-MTA-MD5-Password'], ['{x- orcllmv}', 'LM-Password'], ['{x- orclntv}', 'NT-Password'],
]);

const DIGEST_OCTETS: Readonly<Record<DigestAlgorithm, number>> = {
  md5: 16, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64,
  'sha3-224': 28, 'sha3-256': 32, 'sha3-384': 48, 'sha3-512': 64,
};

const refuse = (kind: LegacyRefusalKind, attribute: string, reason: string): LegacyRefusal =>
  ({ ok: false, kind, attribute, reason });

const parsed = (credential: LegacyCredential, attribute: string, encoding: ValueEncoding | null, warnings: string[] = []): LegacyParsed =>
  ({ ok: true, credential, attribute, encoding, warnings });

/**
 * Reads one stored password: `attribute` as written in radcheck or a users
 * file (any case), `value` its text. A refusal, never an exception, for
 * anything that cannot serve as a password here.
 */
export function parseLegacyPassword(attribute: string, value: string): LegacyParse {
  const attr = passwordAttribute(attribute);
  if (attr === null) {
    if (attribute.toLowerCase() === 'user-password') {
      return refuse('not-a-password', 'User-Password',
        'FreeRADIUS 3 ignores a stored User-Password (rlm_pap warns about it); the known-good password belongs in Cleartext-Password');
    }
    return refuse('not-a-password', attribute, `${attribute} is not an attribute FreeRADIUS checks a password against`);
  }
  if (attr === 'Password-With-Header') return parseWithHeader(Buffer.from(value, 'utf8'));
  if (attr === 'Cleartext-Password' || attr === 'Crypt-Password' || attr === 'NS-MTA-MD5-Password') {
    return parseString(attr, value, []);
  }
  const loaded = octetsFromText(value);
  if (loaded === null) {
    return refuse('malformed', attr, `${attr} starts with 0x but is not whole hex octets after it: FreeRADIUS refused to load it`);
  }
  return parseOctets(attr, loaded.octets, loaded.encoding, []);
}

/** Text up to the first NUL, as a C string copy keeps it. */
function cString(octets: Buffer): string {
  const nul = octets.indexOf(0);
  return (nul < 0 ? octets : octets.subarray(0, nul)).toString('utf8');
}

const HEADER_SHAPE = /^\{[A-Za-z0-9_.+ -]{1,32}\}$/;

/** rlm_pap's normify_with_header(): a {scheme} prefix picks the attribute, base64 around it is undone. */
function parseWithHeader(start: Buffer): LegacyParse {
  let value = start;
  // FreeRADIUS decodes base64 and looks again while the result starts with '{'; four layers is plenty.
  for (let layer = 0; layer < 4; layer++) {
    const close = value.indexOf(0x7d); // '}'
    if (close >= 0) {
      const header = value.subarray(0, close + 1).toString('latin1');
      if (header.length >= 256) {
        return refuse('malformed', 'Password-With-Header', 'the {…} header is 256 characters or more: FreeRADIUS refused it');
      }
      const target = HEADERS.get(header.toLowerCase());
      const payload = value.subarray(close + 1);
      const warnings = layer > 0 ? ['the value was base64 around its {…} header'] : [];
      if (target === undefined) {
        const named = HEADER_SHAPE.test(header) ? `the header ${header}` : 'a "}" with no known {scheme} header before it';
        return parseString('Cleartext-Password', cString(value), [
          `${named}: FreeRADIUS took the whole value, header included, as the cleartext password`,
        ]);
      }
      if (target === 'Cleartext-Password' || target === 'Crypt-Password' || target === 'NS-MTA-MD5-Password') {
        return parseString(target, cString(payload), warnings);
      }
      return parseOctets(target, Buffer.from(payload), 'raw', warnings);
    }
    const decoded = decodeBase64(value.toString('latin1'));
    if (decoded === null || decoded.length === 0 || decoded[0] !== 0x7b || decoded.indexOf(0x7d) < 0) break;
    value = decoded;
  }
  return parseString('Cleartext-Password', cString(value), [
    'Password-With-Header had no {scheme} header: FreeRADIUS took it as the cleartext password',
  ]);
}

function parseString(attr: StringAttr, text: string, warnings: string[]): LegacyParse {
  switch (attr) {
    case 'Cleartext-Password': {
      const problem = validatePassword(text);
      if (problem !== null) return refuse('unusable', attr, `the cleartext password cannot be used: ${problem}`);
      return parsed({ kind: 'cleartext', cleartext: text }, attr, null, warnings);
    }
    case 'Crypt-Password':
      return parseCrypt(text, warnings);
    case 'NS-MTA-MD5-Password':
      return refuse('unsupported', attr, 'NS-MTA-MD5-Password (Netscape Messaging Server) is a scheme radassoc does not check; the member needs a new password');
  }
}

function parseOctets(attr: OctetsAttr, octets: Buffer, was: ValueEncoding, warnings: string[]): LegacyParse {
  if (attr === 'PBKDF2-Password') return parsePbkdf2(octets, warnings);
  const spec = OCTETS[attr];
  const { octets: v, encoding } = normify(octets, spec.min, was);
  const w = encoding === 'raw'
    ? [...warnings, `${attr} was neither hex nor base64: its characters were taken as the digest octets, as FreeRADIUS did`]
    : warnings;
  const length = `${attr} is ${v.length} octets once decoded`;
  if (attr === 'LM-Password') {
    return refuse('unusable', attr,
      'LM-Password holds a LAN Manager hash, which radassoc never checks (it is case-blind and cut into 7-character halves, and no method radassoc serves needs it); the member needs a new password');
  }
  if (attr === 'NT-Password') {
    if (v.length !== 16) return refuse('malformed', attr, `${length}; an NT hash is 16`);
    return parsed({ kind: 'nt-hash', digest: v }, attr, encoding, w);
  }
  if (spec.algo === null) {
    // SHA2-Password and SHA3-Password: the length says which digest (rlm_pap does the same).
    const algo = digestByLength(attr === 'SHA2-Password' ? 'sha' : 'sha3-', v.length);
    if (algo === null) return refuse('malformed', attr, `${length}; a SHA-2 or SHA-3 digest is 28, 32, 48 or 64`);
    return parsed({ kind: 'digest', algorithm: algo, digest: v }, attr, encoding, w);
  }
  const n = DIGEST_OCTETS[spec.algo];
  if (!spec.salted) {
    if (v.length !== n) return refuse('malformed', attr, `${length}; that digest is ${n}`);
    return parsed({ kind: 'digest', algorithm: spec.algo, digest: v }, attr, encoding, w);
  }
  if (v.length <= n) return refuse('malformed', attr, `${length}; a salted digest is ${n} octets and at least one of salt`);
  return parsed({ kind: 'salted-digest', algorithm: spec.algo, digest: v.subarray(0, n), salt: v.subarray(n) }, attr, encoding, w);
}

function digestByLength(family: 'sha' | 'sha3-', n: number): DigestAlgorithm | null {
  const bits = n === 28 ? 224 : n === 32 ? 256 : n === 48 ? 384 : n === 64 ? 512 : 0;
  return bits === 0 ? null : (`${family}${bits}` as DigestAlgorithm);
}

// ---- Crypt-Password.

const UNSUPPORTED_CRYPT: readonly (readonly [string, string])[] = [
  ['$2a$', 'bcrypt'], ['$2b$', 'bcrypt'], ['$2x$', 'bcrypt'], ['$2y$', 'bcrypt'],
  ['$y$', 'yescrypt'], ['$gy$', 'gost-yescrypt'], ['$7$', 'scrypt'], ['$sha1$', 'NetBSD sha1-crypt'],
  ['$md5', 'Sun md5-crypt'], ['$3$', 'NT-hash crypt'], ['_', 'BSDi extended DES'],
];

/** crypt(3) of `password` with `setting`, for the schemes this module knows; null otherwise. */
function cryptWith(scheme: CryptScheme, password: Uint8Array, setting: string): string | null {
  const nul = password.indexOf(0);
  const pw = nul < 0 ? password : password.subarray(0, nul); // crypt(3) reads a C string
  switch (scheme) {
    case 'md5-crypt': {
      const salt = md5CryptSalt(setting);
      return salt === null ? null : md5Crypt(pw, salt);
    }
    case 'sha256-crypt':
    case 'sha512-crypt': {
      const s = parseShaCryptSetting(setting);
      return s === null ? null : shaCrypt(pw, s);
    }
    case 'des-crypt':
      return desCrypt(pw, setting.slice(0, 2));
  }
}

function parseCrypt(text: string, warnings: string[]): LegacyParse {
  const attr = 'Crypt-Password';
  for (const [prefix, name] of UNSUPPORTED_CRYPT) {
    if (text.startsWith(prefix)) {
      return refuse('unsupported', attr, `the crypt(3) scheme is ${name}, which radassoc does not check; the member needs a new password`);
    }
  }
  let scheme: CryptScheme;
  const w = [...warnings];
  if (text.startsWith('$1$')) scheme = 'md5-crypt';
  else if (text.startsWith('$5$')) scheme = 'sha256-crypt';
  else if (text.startsWith('$6$')) scheme = 'sha512-crypt';
  else if (text.length === 13 && CRYPT_CHARS.test(text)) {
    scheme = 'des-crypt';
    w.push('traditional DES crypt: only the first 8 characters of a password count, and it is quickly broken; ask the member for a new password');
  } else {
    return refuse('malformed', attr, 'the value is not a crypt(3) string of a scheme FreeRADIUS could check ($1$, $5$, $6$ or 13-character DES)');
  }
  if (scheme === 'sha256-crypt' || scheme === 'sha512-crypt') {
    const s = parseShaCryptSetting(text);
    if (s === null) return refuse('malformed', attr, 'the rounds= part of the crypt string is not a number');
    if (s.rounds > MAX_SHA_CRYPT_ROUNDS) {
      return refuse('unsupported', attr, `the crypt string asks for ${s.rounds} rounds, more than the ${MAX_SHA_CRYPT_ROUNDS} radassoc computes per login`);
    }
  }
  // A value crypt(3) could have produced: the same setting and the same length come out for any password.
  const probe = cryptWith(scheme, Buffer.from('probe'), text);
  const settingOf = (s: string) => s.slice(0, s.lastIndexOf('$') + 1);
  const hashOf = (s: string) => s.slice(s.lastIndexOf('$') + 1);
  if (probe === null || probe.length !== text.length || settingOf(probe) !== settingOf(text) || !CRYPT_CHARS.test(hashOf(text))) {
    return refuse('malformed', attr, `the ${scheme} string is truncated or garbled: no password can match it`);
  }
  return parsed({ kind: 'crypt', scheme, hash: text }, attr, null, w);
}

// ---- PBKDF2-Password ({X-PBKDF2}).

const PBKDF2_NAMES: ReadonlyMap<string, DigestAlgorithm> = new Map([
  ['hmacsha1', 'sha1'], ['hmacsha2+224', 'sha224'], ['hmacsha2+256', 'sha256'],
  ['hmacsha2+384', 'sha384'], ['hmacsha2+512', 'sha512'],
  ['hmacsha3+224', 'sha3-224'], ['hmacsha3+256', 'sha3-256'], ['hmacsha3+384', 'sha3-384'], ['hmacsha3+512', 'sha3-512'],
]);
const PASSLIB_NAMES: ReadonlyMap<string, DigestAlgorithm> = new Map([
  ['sha1', 'sha1'], ['sha256', 'sha256'], ['sha512', 'sha512'],
]);

/**
 * The three layouts rlm_pap reads: Crypt::PBKDF2's LDAP form
 * "HMACSHA1:<b64 4-octet big-endian iterations>:<b64 salt>:<b64 hash>",
 * its crypt form "$PBKDF2$HMACSHA1:<iterations>:<b64 salt>$<b64 hash>", and
 * passlib's "$pbkdf2-sha256$<iterations>$<ab64 salt>$<ab64 hash>" (passlib's
 * base64 writes '.' for '+' and drops the padding).
 */
function parsePbkdf2(octets: Buffer, warnings: string[]): LegacyParse {
  const attr = 'PBKDF2-Password';
  const text = octets.toString('latin1');
  const bad = (what: string) => refuse('malformed', attr, `the PBKDF2 value ${what}`);
  let name: string;
  let iterText: string;
  let saltText: string;
  let hashText: string;
  let names = PBKDF2_NAMES;
  let iterBase64 = false;
  let alt = false;
  let m: RegExpExecArray | null;
  if ((m = /^\$PBKDF2\$([^:]*):([^:]*):([^$]*)\$(.*)$/s.exec(text)) !== null) {
    [, name, iterText, saltText, hashText] = m as unknown as [string, string, string, string, string];
  } else if ((m = /^\$pbkdf2-([^$]*)\$([^$]*)\$([^$]*)\$(.*)$/s.exec(text)) !== null) {
    [, name, iterText, saltText, hashText] = m as unknown as [string, string, string, string, string];
    names = PASSLIB_NAMES;
    alt = true;
  } else if (!text.startsWith('$')) {
    const body = text.startsWith('{') && text.includes('}') ? text.slice(text.indexOf('}') + 1) : text;
    const parts = body.split(':');
    if (parts.length !== 4) return bad('does not have the four parts digest:iterations:salt:hash');
    [name, iterText, saltText, hashText] = parts as [string, string, string, string];
    iterBase64 = true;
  } else {
    return bad('is in no layout FreeRADIUS reads ({X-PBKDF2}, $PBKDF2$ or passlib)');
  }
  const algorithm = names.get(name.toLowerCase());
  if (algorithm === undefined) return refuse('unsupported', attr, 'the PBKDF2 digest is not one FreeRADIUS names (HMACSHA1, HMACSHA2+256, ...)');
  let iterations: number;
  if (iterBase64) {
    const it = decodeBase64(iterText);
    if (it === null || it.length !== 4) return bad('has an iterations part that is not 4 octets of base64');
    iterations = it.readUInt32BE(0);
  } else {
    if (!/^[0-9]{1,10}$/.test(iterText)) return bad('has an iterations part that is not a number');
    iterations = Number(iterText);
  }
  if (iterations < 1) return bad('has zero iterations');
  if (iterations > MAX_PBKDF2_ITERATIONS) {
    return refuse('unsupported', attr, `the PBKDF2 value asks for ${iterations} iterations, more than the ${MAX_PBKDF2_ITERATIONS} radassoc computes per login`);
  }
  const b64 = (s: string) => decodeBase64(alt ? s.replace(/\./g, '+') : s);
  const salt = b64(saltText);
  const digest = b64(hashText);
  if (salt === null || salt.length === 0) return bad('has a salt that is empty or not base64');
  if (digest === null || digest.length !== DIGEST_OCTETS[algorithm]) {
    return bad(`has a hash that is not ${DIGEST_OCTETS[algorithm]} octets of base64`);
  }
  return parsed({ kind: 'pbkdf2', algorithm, iterations, salt, digest }, attr, 'base64', warnings);
}

// ---- Checking a PAP password.

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function digestOf(algorithm: DigestAlgorithm, ...parts: Uint8Array[]): Buffer {
  const h = createHash(algorithm);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Constant-time equality of two octet strings of any lengths: compared as SHA-256 digests. */
function sameOctets(a: Uint8Array, b: Uint8Array): boolean {
  return timingSafeEqual(digestOf('sha256', a), digestOf('sha256', b));
}

/**
 * Whether `password` (a decoded User-Password, NUL padding removed) matches.
 * Digests are compared with timingSafeEqual at equal lengths; crypt strings
 * and cleartexts through a SHA-256 of each side, so that neither where they
 * differ nor their lengths show in the time taken. An empty password never
 * matches (rlm_pap refuses it).
 */
export function verifyLegacy(cred: LegacyCredential, password: Uint8Array): boolean {
  if (password.length === 0) return false;
  switch (cred.kind) {
    case 'cleartext':
      return sameOctets(Buffer.from(cred.cleartext, 'utf8'), password);
    case 'nt-hash': {
      let text: string;
      try {
        text = UTF8.decode(password);
      } catch {
        return false; // NT hashes are of UTF-16 text: octets that are not UTF-8 cannot be one
      }
      return timingSafeEqual(ntPasswordHash(text), cred.digest);
    }
    case 'digest': {
      const got = digestOf(cred.algorithm, password);
      return got.length === cred.digest.length && timingSafeEqual(got, cred.digest);
    }
    case 'salted-digest': {
      const got = digestOf(cred.algorithm, password, cred.salt);
      return got.length === cred.digest.length && timingSafeEqual(got, cred.digest);
    }
    case 'crypt': {
      const got = cryptWith(cred.scheme, password, cred.hash);
      return got !== null && sameOctets(Buffer.from(got, 'latin1'), Buffer.from(cred.hash, 'latin1'));
    }
    case 'pbkdf2': {
      const got = pbkdf2Sync(password, cred.salt, cred.iterations, cred.digest.length, cred.algorithm);
      return timingSafeEqual(got, cred.digest);
    }
  }
}

/**
 * The RADIUS methods a legacy credential can still serve: a cleartext all
 * of them, an NT hash PAP and MS-CHAP (not CHAP, which needs the
 * cleartext), every other hash PAP alone.
 */
export function methodsFor(cred: LegacyCredential): AuthMethod[] {
  switch (cred.kind) {
    case 'cleartext':
      return [...ALL_AUTH_METHODS];
    case 'nt-hash':
      return ['pap', 'mschapv1', 'mschapv2'];
    default:
      return ['pap'];
  }
}

/**
 * radassoc's own credential for a cleartext or an NT hash, with the methods
 * it serves: the same record `member add` would keep, so the NAS sees no
 * change. Null for the other hashes, which only verifyLegacy can check.
 */
export function toStoredCredential(cred: LegacyCredential): { credential: StoredCredential; methods: AuthMethod[] } | null {
  switch (cred.kind) {
    case 'cleartext':
      return { credential: deriveCredential(cred.cleartext, ALL_AUTH_METHODS), methods: methodsFor(cred) };
    case 'nt-hash':
      return { credential: { cleartext: null, ntHash: Buffer.from(cred.digest), strongHash: null }, methods: methodsFor(cred) };
    default:
      return null;
  }
}
