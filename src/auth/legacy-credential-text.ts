/**
 * A FreeRADIUS hash kept as a member's credential (members.legacy_hash):
 * one line of text that names the scheme and holds what checking needs,
 * independent of how the source wrote it (hex, base64, {header}).
 *
 *   digest$<algorithm>$<hex digest>
 *   salted$<algorithm>$<hex digest>$<hex salt>
 *   crypt$<scheme>$<the crypt(3) string>
 *   pbkdf2$<algorithm>$<iterations>$<hex salt>$<hex digest>
 *
 * Cleartext and NT hashes are not kept this way: they become radassoc's own
 * credential (legacy-hash.ts toStoredCredential).
 */
import type { CryptScheme, DigestAlgorithm, LegacyCredential } from './legacy-hash.js';

const ALGORITHMS: ReadonlySet<string> = new Set<DigestAlgorithm>([
  'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512',
]);
const SCHEMES: ReadonlySet<string> = new Set<CryptScheme>(['md5-crypt', 'sha256-crypt', 'sha512-crypt', 'des-crypt']);
const HEX = /^(?:[0-9a-f]{2})+$/;

/** The stored text of a hash-only credential; null for a cleartext or an NT hash. */
export function legacyCredentialText(c: LegacyCredential): string | null {
  switch (c.kind) {
    case 'digest':
      return `digest$${c.algorithm}$${c.digest.toString('hex')}`;
    case 'salted-digest':
      return `salted$${c.algorithm}$${c.digest.toString('hex')}$${c.salt.toString('hex')}`;
    case 'crypt':
      return `crypt$${c.scheme}$${c.hash}`;
    case 'pbkdf2':
      return `pbkdf2$${c.algorithm}$${c.iterations}$${c.salt.toString('hex')}$${c.digest.toString('hex')}`;
    default:
      return null;
  }
}

/** The credential back from its text; null for text this module did not write (a corrupt row never matches). */
export function parseLegacyCredentialText(text: string): LegacyCredential | null {
  const first = text.indexOf('$');
  const kind = text.slice(0, first);
  if (kind === 'crypt') {
    const second = text.indexOf('$', first + 1);
    const scheme = text.slice(first + 1, second);
    const hash = text.slice(second + 1);
    if (second < 0 || !SCHEMES.has(scheme) || hash === '') return null;
    return { kind: 'crypt', scheme: scheme as CryptScheme, hash };
  }
  const parts = text.split('$');
  const alg = parts[1] ?? '';
  if (!ALGORITHMS.has(alg)) return null;
  const algorithm = alg as DigestAlgorithm;
  const hex = (s: string | undefined): Buffer | null => (s !== undefined && HEX.test(s) ? Buffer.from(s, 'hex') : null);
  switch (kind) {
    case 'digest': {
      const digest = hex(parts[2]);
      return parts.length === 3 && digest ? { kind: 'digest', algorithm, digest } : null;
    }
    case 'salted': {
      const digest = hex(parts[2]);
      const salt = hex(parts[3]);
      return parts.length === 4 && digest && salt ? { kind: 'salted-digest', algorithm, digest, salt } : null;
    }
    case 'pbkdf2': {
      const iterations = /^[1-9][0-9]{0,9}$/.test(parts[2] ?? '') ? Number(parts[2]) : 0;
      const salt = hex(parts[3]);
      const digest = hex(parts[4]);
      return parts.length === 5 && iterations > 0 && salt && digest ? { kind: 'pbkdf2', algorithm, iterations, salt, digest } : null;
    }
    default:
      return null;
  }
}

/** Whether checking this credential costs enough CPU (crypt, PBKDF2) that a successful check is worth remembering. */
export function isCostlyLegacy(c: LegacyCredential): boolean {
  return c.kind === 'crypt' || c.kind === 'pbkdf2';
}
