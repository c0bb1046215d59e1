/**
 * Failed logins and bad tokens: limited per source address and per login
 * (rate-limit.ts, in this process's memory) and logged with the address and
 * the login, never the password or the token.
 */
import type { MinimalLogger } from '../accounting/logger.js';
import { fail } from '../errors.js';
import { FailureLimiter } from './rate-limit.js';

export interface AuthGuardOptions {
  /** Failures per source address within the window (logins and tokens together). */
  perAddress?: number;
  /** Failed logins per login name within the window. */
  perLogin?: number;
  windowMs?: number;
  now?: () => number;
}

export class AuthGuard {
  private readonly byAddress: FailureLimiter;
  private readonly byLogin: FailureLimiter;

  constructor(
    private readonly log: MinimalLogger,
    opts: AuthGuardOptions = {},
  ) {
    const windowMs = opts.windowMs ?? 5 * 60_000;
    const now = opts.now ?? Date.now;
    this.byAddress = new FailureLimiter({ limit: opts.perAddress ?? 20, windowMs, now });
    this.byLogin = new FailureLimiter({ limit: opts.perLogin ?? 10, windowMs, now });
  }

  /** Refuses (429) an address or a login that failed too often lately. */
  assertAllowed(address: string, login?: string): void {
    const wait = Math.max(this.byAddress.blockedFor(address), login === undefined ? 0 : this.byLogin.blockedFor(login.toLowerCase()));
    if (wait > 0) throw fail('API_RATE_LIMITED', { retryAfterSeconds: wait });
  }

  loginFailed(address: string, login: string): void {
    this.byAddress.fail(address);
    this.byLogin.fail(login.toLowerCase());
    this.log.warn({ ip: address, user: login }, 'API login failed');
  }

  /** `form`: what the presented token looked like (api, session, other), its value never. */
  tokenFailed(address: string, form: string): void {
    this.byAddress.fail(address);
    this.log.warn({ ip: address, token: form }, 'API request with an unknown, expired or revoked token');
  }
}
