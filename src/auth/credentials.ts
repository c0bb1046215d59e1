/**
 * What is kept of a password, which methods that allows, and PAP checks.
 *
 * design.md "Passwords": CHAP needs the cleartext, MS-CHAP the NT hash, PAP
 * can use either of those or, when PAP is the only method, a strong hash
 * (scrypt). A member's `--auth` methods decide what deriveCredential keeps.
 */
import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import type { AuthCredential, AuthMethod, StoredCredential } from '../domain/member.js';
import { ntPasswordHash } from './mschap.js';
import { isCostlyLegacy, parseLegacyCredentialText } from './legacy-credential-text.js';
import { verifyLegacy } from './legacy-hash.js';

/** RFC 2865 §5.2: User-Password carries at most 128 octets. */
export const MAX_PASSWORD_OCTETS = 128;

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Null when `pw` can be stored; otherwise why not (never quoting it).
 * NUL is refused because User-Password pads with NULs and receivers strip
 * trailing ones; lone surrogates because UTF-8 (PAP, CHAP) and UTF-16 (the
 * NT hash) would then disagree on what the password is.
 */
export function validatePassword(pw: string): string | null {
  if (pw.length === 0) return 'the password is empty';
  if (pw.includes('\0')) return 'the password contains a NUL character';
  if (LONE_SURROGATE.test(pw)) return 'the password is not valid Unicode text';
  if (Buffer.byteLength(pw, 'utf8') > MAX_PASSWORD_OCTETS) {
    return `the password is longer than ${MAX_PASSWORD_OCTETS} octets in UTF-8 (RFC 2865 §5.2)`;
  }
  return null;
}

/**
 * Keeps only what `methods` need: the cleartext for CHAP, the NT hash for
 * MS-CHAP, and a scrypt hash only when PAP is the sole method (with either
 * of the others present, PAP is checked against them). Throws a RangeError
 * on an invalid password or an empty method list.
 */
export function deriveCredential(password: string, methods: readonly AuthMethod[]): StoredCredential {
  const problem = validatePassword(password);
  if (problem !== null) throw new RangeError(problem);
  if (methods.length === 0) throw new RangeError('at least one authentication method is needed');
  const cleartext = methods.includes('chap') ? password : null;
  const ntHash = methods.includes('mschapv1') || methods.includes('mschapv2') ? ntPasswordHash(password) : null;
  const strongHash = methods.includes('pap') && cleartext === null && ntHash === null ? hashStrong(password) : null;
  return { cleartext, ntHash, strongHash };
}

/** The stored NT hash when usable (16 octets). Read once: the directory's records decode it on each read. */
function storedNtHash(credential: AuthCredential): Buffer | null {
  const nt = credential.ntHash;
  return nt !== null && nt.length === 16 ? nt : null;
}

function hasNtHash(credential: AuthCredential): boolean {
  return storedNtHash(credential) !== null;
}

/** The NT hash MS-CHAP needs: stored, or computed from the cleartext; null if neither is kept. */
export function ntHashOf(credential: AuthCredential): Buffer | null {
  const stored = storedNtHash(credential);
  if (stored !== null) return stored;
  if (credential.cleartext !== null) return ntPasswordHash(credential.cleartext);
  return null;
}

/** Whether a request by `requestMethod` can succeed: the member allows it and the credential can check it. */
export function canServe(
  credential: AuthCredential,
  memberMethods: readonly AuthMethod[],
  requestMethod: AuthMethod,
): boolean {
  if (!memberMethods.includes(requestMethod)) return false;
  switch (requestMethod) {
    case 'pap':
      return credential.cleartext !== null || hasNtHash(credential) || credential.strongHash !== null || (credential.legacyHash ?? null) !== null;
    case 'chap':
      return credential.cleartext !== null;
    case 'mschapv1':
    case 'mschapv2':
      return hasNtHash(credential) || credential.cleartext !== null;
  }
}

// ---- scrypt strong hash: "scrypt$N=16384,r=8,p=1$<salt b64>$<hash b64>" (PHC-like, unpadded base64).

const SCRYPT_N = 16384;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_OCTETS = 16;
const HASH_OCTETS = 32;
/** Refuse stored parameters that would need more than this (a corrupt row must not exhaust memory). */
const SCRYPT_MAX_MEM = 256 * 1024 * 1024;

function b64(buf: Buffer): string {
  return buf.toString('base64').replace(/=+$/, '');
}

/** A new salted scrypt hash of `password` (UTF-8 when a string). */
export function hashStrong(password: string | Uint8Array): string {
  const salt = randomBytes(SALT_OCTETS);
  const hash = scryptSync(password, salt, HASH_OCTETS, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P });
  return `scrypt$N=${SCRYPT_N},r=${SCRYPT_R},p=${SCRYPT_P}$${b64(salt)}$${b64(hash)}`;
}

/** hashStrong on libuv's thread pool: many of these can run at once (member import). */
export function hashStrongAsync(password: string | Uint8Array): Promise<string> {
  const salt = randomBytes(SALT_OCTETS);
  return new Promise((resolve, reject) => {
    scrypt(password, salt, HASH_OCTETS, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P }, (err, hash) => {
      if (err) reject(err);
      else resolve(`scrypt$N=${SCRYPT_N},r=${SCRYPT_R},p=${SCRYPT_P}$${b64(salt)}$${b64(hash)}`);
    });
  });
}

/** deriveCredential with the scrypt step (PAP-only members) off the event loop. */
export async function deriveCredentialAsync(password: string, methods: readonly AuthMethod[]): Promise<StoredCredential> {
  const papOnly = methods.length > 0 && methods.every((m) => m === 'pap');
  if (!papOnly) return deriveCredential(password, methods);
  const problem = validatePassword(password);
  if (problem !== null) throw new RangeError(problem);
  return { cleartext: null, ntHash: null, strongHash: await hashStrongAsync(password) };
}

interface ParsedScrypt {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
  maxmem: number;
}

const PHC_PARAMS = /^N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseScrypt(stored: string): ParsedScrypt | null {
  const parts = stored.split('$');
  if (parts.length !== 4 || parts[0] !== 'scrypt') return null;
  const m = PHC_PARAMS.exec(parts[1]!);
  if (m === null || !B64.test(parts[2]!) || !B64.test(parts[3]!)) return null;
  const N = Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  const mem = 128 * N * r + 128 * r * p;
  if (N < 2 || (N & (N - 1)) !== 0 || r < 1 || p < 1 || p > 16 || mem > SCRYPT_MAX_MEM) return null;
  const salt = Buffer.from(parts[2]!, 'base64');
  const hash = Buffer.from(parts[3]!, 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { N, r, p, salt, hash, maxmem: mem + 1024 * 1024 };
}

/** Checks `password` against a stored scrypt hash; false for a malformed hash. Blocks for tens of ms. */
export function verifyStrongHash(stored: string, password: Uint8Array): boolean {
  const s = parseScrypt(stored);
  if (s === null) return false;
  const got = scryptSync(password, s.salt, s.hash.length, { N: s.N, r: s.r, p: s.p, maxmem: s.maxmem });
  return timingSafeEqual(got, s.hash);
}

/** verifyStrongHash on libuv's thread pool, leaving the event loop free. */
export function verifyStrongHashAsync(stored: string, password: Uint8Array): Promise<boolean> {
  const s = parseScrypt(stored);
  if (s === null) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    scrypt(password, s.salt, s.hash.length, { N: s.N, r: s.r, p: s.p, maxmem: s.maxmem }, (err, got) => {
      if (err) reject(err);
      else resolve(timingSafeEqual(got, s.hash));
    });
  });
}

// ---- Cache of successful scrypt checks.
//
// Why: one scrypt check costs tens of milliseconds of CPU, so checking every
// PAP request of a PAP-only member against the strong hash would cap the
// server far below its >40k auth/s target, and a NAS re-authenticating
// thousands of sessions after a reboot would stall it. Correct logins repeat
// (the same member, the same password), so we remember them.
// What: key = HMAC-SHA256(per-process random key, strongHash || NUL || password)
// → true, in a Map used as an LRU of at most PAP_CACHE_MAX entries. The stored
// hash is in the key, so a password change (new salt) misses at once.
// Failures are never cached: a wrong password always pays the full scrypt,
// and a cache entry can only be reached by the password that was verified.
// The HMAC key, random per process, means a memory dump of the keys alone
// does not allow a fast offline guess; the keys never leave the process.

export const PAP_CACHE_MAX = 10_000;
let papCacheLimit = PAP_CACHE_MAX;
const papCache = new Map<string, true>();
const papCacheKeySecret = randomBytes(32);
const papCacheStats = { hits: 0, misses: 0 };

function papCacheKey(strongHash: string, password: Uint8Array): string {
  return createHmac('sha256', papCacheKeySecret).update(strongHash).update('\0').update(password).digest('base64');
}

function papCacheHit(key: string): boolean {
  if (!papCache.has(key)) {
    papCacheStats.misses++;
    return false;
  }
  // Re-insert to mark as most recently used (Map keeps insertion order).
  papCache.delete(key);
  papCache.set(key, true);
  papCacheStats.hits++;
  return true;
}

function papCacheRemember(key: string): void {
  papCache.set(key, true);
  evictOverLimit();
}

function evictOverLimit(): void {
  while (papCache.size > papCacheLimit) {
    const oldest = papCache.keys().next();
    if (oldest.done) return;
    papCache.delete(oldest.value);
  }
}

/** Sets the most entries the PAP cache keeps (default PAP_CACHE_MAX), evicting the least recently used. */
export function setPapCacheLimit(max: number): void {
  if (!Number.isInteger(max) || max < 0) throw new RangeError('the PAP cache limit is a whole number');
  papCacheLimit = max;
  evictOverLimit();
}

/** Empties the cache (tests; or after a bulk password reset, though stale entries can never match a new hash). */
export function clearPapCache(): void {
  papCache.clear();
  papCacheStats.hits = 0;
  papCacheStats.misses = 0;
}

/** Size and hit counts of the PAP cache, for metrics and tests. */
export function papCacheInfo(): { size: number; hits: number; misses: number } {
  return { size: papCache.size, ...papCacheStats };
}

// ---- PAP.

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Constant-time equality of a stored cleartext and a received password: both
 * are laid out in fixed-size scratch (length, then octets, zero-filled) and
 * compared whole, so the time depends neither on where they differ nor on
 * either length. No hashing: a digest per side cost more than the rest of a
 * PAP check. Synchronous, so the shared scratch cannot be observed between
 * calls. A cleartext longer than any password we accept cannot match.
 */
const FIXED = 2 + MAX_PASSWORD_OCTETS;
const storedSide = Buffer.alloc(2 + 3 * MAX_PASSWORD_OCTETS); // room for any string of MAX_PASSWORD_OCTETS UTF-16 units
const receivedSide = Buffer.alloc(FIXED);

function sameOctets(cleartext: string, password: Uint8Array): boolean {
  if (cleartext.length > MAX_PASSWORD_OCTETS || password.length > MAX_PASSWORD_OCTETS) return false;
  storedSide.fill(0, 0, FIXED);
  receivedSide.fill(0);
  const n = storedSide.write(cleartext, 2, 'utf8');
  storedSide.writeUInt16BE(n, 0);
  receivedSide.writeUInt16BE(password.length, 0);
  receivedSide.set(password, 2);
  // n may exceed MAX_PASSWORD_OCTETS (multi-octet characters): then the lengths differ and so does the result.
  return timingSafeEqual(storedSide.subarray(0, FIXED), receivedSide) && n <= MAX_PASSWORD_OCTETS;
}

function matchesNtHash(ntHash: Buffer, password: Uint8Array): boolean {
  let text: string;
  try {
    text = UTF8.decode(password);
  } catch {
    return false; // not UTF-8: cannot be a password we stored
  }
  return timingSafeEqual(ntPasswordHash(text), ntHash);
}

/** The checks that need no scrypt; undefined when only the strong hash can tell. */
function verifyPapFast(credential: AuthCredential, password: Uint8Array): boolean | undefined {
  if (password.length === 0 || password.length > MAX_PASSWORD_OCTETS) return false;
  if (credential.cleartext !== null) return sameOctets(credential.cleartext, password);
  const nt = storedNtHash(credential);
  if (nt !== null) return matchesNtHash(nt, password);
  if (credential.strongHash === null) {
    // Only members moved in from FreeRADIUS get here: the others returned above.
    const legacy = credential.legacyHash ?? null;
    return legacy === null ? false : verifyLegacyPap(legacy, password);
  }
  return undefined;
}

/**
 * A FreeRADIUS hash as rlm_pap checked it (legacy-hash.ts verifyLegacy,
 * constant-time compares). crypt(3) and PBKDF2 cost milliseconds, so their
 * successes go through the scrypt checks' cache above, keyed on the stored
 * text; the digests are cheaper than the cache's HMAC and are checked each
 * time. A stored text that does not parse never matches.
 */
function verifyLegacyPap(stored: string, password: Uint8Array): boolean {
  const cred = parseLegacyCredentialText(stored);
  if (cred === null) return false;
  if (!isCostlyLegacy(cred)) return verifyLegacy(cred, password);
  const key = papCacheKey(stored, password);
  if (papCacheHit(key)) return true;
  const ok = verifyLegacy(cred, password);
  if (ok) papCacheRemember(key);
  return ok;
}

/**
 * PAP check (`password` is the decoded User-Password with its NUL padding
 * removed): against the cleartext, else the NT hash, else the scrypt hash
 * through the cache above, else a FreeRADIUS hash. Synchronous: a cache miss blocks the event loop
 * for one scrypt; the request path should prefer verifyPapAsync.
 */
export function verifyPap(credential: AuthCredential, password: Uint8Array): boolean {
  const fast = verifyPapFast(credential, password);
  if (fast !== undefined) return fast;
  const stored = credential.strongHash!;
  const key = papCacheKey(stored, password);
  if (papCacheHit(key)) return true;
  const ok = verifyStrongHash(stored, password);
  if (ok) papCacheRemember(key);
  return ok;
}

/** verifyPap with the scrypt step on the thread pool. */
export async function verifyPapAsync(credential: AuthCredential, password: Uint8Array): Promise<boolean> {
  const fast = verifyPapFast(credential, password);
  if (fast !== undefined) return fast;
  const stored = credential.strongHash!;
  const key = papCacheKey(stored, password);
  if (papCacheHit(key)) return true;
  const ok = await verifyStrongHashAsync(stored, password);
  if (ok) papCacheRemember(key);
  return ok;
}
