/**
 * Admin account passwords: scrypt (memory-hard, node:crypto) with a salt of
 * its own per account, kept as `scrypt$N=32768,r=8,p=1$<salt>$<hash>`
 * (PHC-like, unpadded base64). Each check costs 32 MiB and tens of
 * milliseconds, on libuv's pool, off the event loop that answers RADIUS.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 32768;
const R = 8;
const P = 1;
const SALT_OCTETS = 16;
const HASH_OCTETS = 32;
/** 128·N·r is 32 MiB; refuse stored parameters that would need more than this (a corrupt row). */
const MAX_MEM = 96 * 1024 * 1024;
/** A password longer than this is refused (hashing it is the same work, but nobody types it). */
export const MAX_ADMIN_PASSWORD_OCTETS = 1024;
export const MIN_ADMIN_PASSWORD_CHARS = 10;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

const b64 = (buf: Buffer): string => buf.toString('base64').replace(/=+$/, '');

/** Null when `pw` will do as an admin password; otherwise why not, never quoting it. */
export function adminPasswordProblem(pw: string): string | null {
  if ([...pw].length < MIN_ADMIN_PASSWORD_CHARS) return `an admin password has at least ${MIN_ADMIN_PASSWORD_CHARS} characters`;
  if (Buffer.byteLength(pw, 'utf8') > MAX_ADMIN_PASSWORD_OCTETS) return `an admin password has at most ${MAX_ADMIN_PASSWORD_OCTETS} octets`;
  return null;
}

export async function hashAdminPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_OCTETS);
  const hash = await scrypt(password, salt, HASH_OCTETS, { N, r: R, p: P, maxmem: MAX_MEM });
  return `scrypt$N=${N},r=${R},p=${P}$${b64(salt)}$${b64(hash)}`;
}

const STORED = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Whether `password` is the one `stored` was made from; a stored value that is no hash never matches. */
export async function verifyAdminPassword(password: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (128 * n * r > MAX_MEM || p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const got = await scrypt(password, Buffer.from(m[4]!, 'base64'), expected.length, { N: n, r, p, maxmem: MAX_MEM });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** A hash nobody's password matches: a login for an unknown name costs the same time as a wrong password. */
let decoy: Promise<string> | null = null;
export const decoyHash = (): Promise<string> => (decoy ??= hashAdminPassword(randomBytes(24).toString('base64')));
