/**
 * Who a bearer token is, remembered for a few seconds, so that a client
 * polling the API costs the database one token lookup every TTL rather than
 * one per request (the API must not slow RADIUS, whose daemon it shares).
 *
 * Forgotten at once when an account changes: the triggers of
 * sql/072_api_accounts_notify.sql notify `radassoc_api_accounts` on every
 * revocation, expiry, role, password or account change, from whichever
 * process made it (the CLI, another daemon, psql), and the server clears the
 * cache on it; a logout through this server forgets its session before it
 * answers. Should a notification be lost (the LISTEN connection down), the
 * TTL bounds how long a revoked token may still be taken. Keys are token
 * digests: the tokens themselves are never held.
 */
import type { Principal } from './accounts.js';

export const API_ACCOUNTS_CHANNEL = 'radassoc_api_accounts';
export const PRINCIPAL_TTL_MS = 10_000;

export interface CachedPrincipal {
  principal: Principal;
  /** The token's or login session's row, for its last-use stamp. */
  rowId: number;
  lastUsedAt: Date | null;
  /** Epoch ms after which the entry is not used: the TTL, or the token's own expiry if sooner. */
  until: number;
}

export class PrincipalCache {
  readonly #entries = new Map<string, CachedPrincipal>();

  constructor(private readonly ttlMs = PRINCIPAL_TTL_MS) {}

  get(digestHex: string, now: number): CachedPrincipal | null {
    const e = this.#entries.get(digestHex);
    if (!e) return null;
    if (now >= e.until) {
      this.#entries.delete(digestHex);
      return null;
    }
    return e;
  }

  set(digestHex: string, entry: Omit<CachedPrincipal, 'until'>, now: number, expiresAt: Date | null): void {
    // Expired entries go on their next use; a sweep keeps tokens seen once from piling up.
    if (this.#entries.size >= 10_000) this.#sweep(now);
    const until = Math.min(now + this.ttlMs, expiresAt?.getTime() ?? Infinity);
    this.#entries.set(digestHex, { ...entry, until });
  }

  /** A login session ended here: its token must fail on the very next request. */
  forgetSession(sessionId: number): void {
    for (const [k, e] of this.#entries) if (e.principal.sessionId === sessionId) this.#entries.delete(k);
  }

  clear(): void {
    this.#entries.clear();
  }

  #sweep(now: number): void {
    for (const [k, e] of this.#entries) if (now >= e.until) this.#entries.delete(k);
  }
}
