/**
 * CSRF protection by double submit: a random token in a SameSite=Strict,
 * HttpOnly cookie, repeated in a hidden field of every form the server
 * renders; a change is accepted only when the two match (compared in
 * constant time). The cookie is set on the first page a browser gets, so the
 * login forms carry it too.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { COOKIES, readCookies, setCookie } from './cookies.js';

export const CSRF_FIELD = '_csrf';
const FORM = /^[A-Za-z0-9_-]{43}$/;

const made = new WeakMap<FastifyRequest, string>();

/** The request's CSRF token, made (and set as a cookie) when it has none. */
export function csrfToken(req: FastifyRequest, reply: FastifyReply): string {
  const had = readCookies(req)[COOKIES.csrf];
  if (had !== undefined && FORM.test(had)) return had;
  let token = made.get(req);
  if (token === undefined) {
    token = randomBytes(32).toString('base64url');
    made.set(req, token);
    setCookie(req, reply, COOKIES.csrf, token);
  }
  return token;
}

/** True when the form's token matches the cookie's. */
export function csrfValid(req: FastifyRequest, submitted: unknown): boolean {
  const cookie = readCookies(req)[COOKIES.csrf];
  if (cookie === undefined || !FORM.test(cookie) || typeof submitted !== 'string' || !FORM.test(submitted)) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(submitted));
}
