/**
 * Bearer tokens: 32 random octets in base64url behind a prefix that says
 * what they are (`rda_`: an API token, `rds_`: an admin's login session).
 * Only their SHA-256 is stored; a short visible prefix identifies an API
 * token in listings and in the audit log.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'rda_';
export const SESSION_TOKEN_PREFIX = 'rds_';
const TOKEN_OCTETS = 32;
/** Characters of the random part shown in listings: 36 bits, nothing to guess the rest from. */
const VISIBLE = 6;

export type TokenKind = 'api' | 'session';

export function newToken(kind: TokenKind): { token: string; digest: Buffer; prefix: string } {
  const token = `${kind === 'api' ? API_TOKEN_PREFIX : SESSION_TOKEN_PREFIX}${randomBytes(TOKEN_OCTETS).toString('base64url')}`;
  return { token, digest: tokenDigest(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + VISIBLE) };
}

export const tokenDigest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** What a presented bearer token claims to be, from its form alone. */
export function tokenKind(token: string): TokenKind | null {
  const body = /^rd[as]_[A-Za-z0-9_-]{43}$/.test(token) ? token.slice(4) : null;
  if (body === null) return null;
  return token.startsWith(API_TOKEN_PREFIX) ? 'api' : 'session';
}
