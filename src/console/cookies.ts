/**
 * Cookies (RFC 6265): read from the Cookie header, written with the flags
 * the console needs. Session cookies are HttpOnly and SameSite=Strict, and
 * Secure when the request came over TLS (directly, or through a reverse
 * proxy on loopback that says so in X-Forwarded-Proto).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const COOKIES = {
  /** An admin's API session token (rds_…), for /console. */
  admin: 'radassoc_console',
  /** A member's session token (rdm_…), for /me. */
  member: 'radassoc_me',
  /** The double-submit CSRF token, echoed by every form. */
  csrf: 'radassoc_csrf',
  lang: 'radassoc_lang',
  /** The tenant an admin with several chose. */
  tenant: 'radassoc_tenant',
} as const;

export function readCookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const header = req.headers.cookie;
  if (typeof header !== 'string') return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === '' || name in out) continue;
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      // A value that is not percent-encoding we wrote is not ours: ignore it.
    }
  }
  return out;
}

export interface CookieOptions {
  path?: string;
  /** Seconds; 0 deletes the cookie. Absent: ends with the browser. */
  maxAge?: number;
  httpOnly?: boolean;
}

export function setCookie(req: FastifyRequest, reply: FastifyReply, name: string, value: string, opts: CookieOptions = {}): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${opts.path ?? '/'}`, 'SameSite=Strict'];
  if (opts.httpOnly !== false) parts.push('HttpOnly');
  if (req.protocol === 'https') parts.push('Secure');
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${opts.maxAge}`);
  const had = reply.getHeader('set-cookie');
  const list = had === undefined ? [] : Array.isArray(had) ? had.map(String) : [String(had)];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

export function clearCookie(req: FastifyRequest, reply: FastifyReply, name: string, path = '/'): void {
  setCookie(req, reply, name, '', { path, maxAge: 0 });
}
