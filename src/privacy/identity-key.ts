/**
 * The key that seals the connection register's identities at rest
 * (retention.keyFile): 32 bytes written as 64 hex digits, e.g. made with
 * `openssl rand -hex 32 > key`. Each identity is AES-256-GCM with a fresh
 * 12-byte nonce, the row's unique_id as additional data (a sealed identity
 * moved to another row does not open), and the key's id beside it: the
 * first 8 hex digits of sha256(key), which tells rows of an old key from a
 * new one without revealing either. Errors name the file, never its content.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fail } from '../errors.js';

export interface IdentityKey {
  /** First 8 hex digits of sha256(key). */
  readonly id: string;
  readonly key: Buffer;
}

/** What the register knows of the subscriber. */
export interface Identity {
  username: string;
  memberId: number | null;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function identityKeyOf(key: Buffer): IdentityKey {
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

/** Reads a key file; a missing, unreadable or malformed file is a clear error (REGISTER_KEY), never a stack trace. */
export function readIdentityKey(file: string): IdentityKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw fail('REGISTER_KEY', { problem: 'unreadable', file, errno: (e as NodeJS.ErrnoException).code ?? 'error' });
  }
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw fail('REGISTER_KEY', { problem: 'malformed', file });
  return identityKeyOf(Buffer.from(hex, 'hex'));
}

/** The configured key, or null when identities are kept in clear. */
export function configuredIdentityKey(config: { retention: { keyFile: string | null } }): IdentityKey | null {
  return config.retention.keyFile === null ? null : readIdentityKey(config.retention.keyFile);
}

export function sealIdentity(k: IdentityKey, uniqueId: string, identity: Identity): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', k.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(uniqueId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify({ u: identity.username, m: identity.memberId }), 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** Opens a sealed identity; a wrong key or a damaged row is REGISTER_KEY 'wrong-key'. */
export function openIdentity(k: IdentityKey, uniqueId: string, sealed: Buffer): Identity {
  try {
    if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error('too short');
    const decipher = createDecipheriv('aes-256-gcm', k.key, sealed.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(uniqueId, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const text = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    const o = JSON.parse(text) as { u?: unknown; m?: unknown };
    if (typeof o.u !== 'string') throw new Error('no username');
    return { username: o.u, memberId: typeof o.m === 'number' ? o.m : null };
  } catch {
    throw fail('REGISTER_KEY', { problem: 'wrong-key', keyId: k.id });
  }
}
