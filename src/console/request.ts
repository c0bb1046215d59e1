/**
 * What every console and member-space handler needs from its request: the
 * reader's language, the CSRF token, the submitted form (checked against the
 * CSRF cookie), and answers (a page, a redirect after a change, an error page).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isRadassocError } from '../errors.js';
import type { ApiRefusal } from './api-client.js';
import { COOKIES, readCookies } from './cookies.js';
import { csrfToken, csrfValid, CSRF_FIELD } from './csrf.js';
import { html, type Html } from './html.js';
import { fromAcceptLanguage, isLang, Translator, type Lang } from './i18n/index.js';
import { page, type PageCtx } from './pages/layout.js';

export function langOf(req: FastifyRequest): Lang {
  const chosen = readCookies(req)[COOKIES.lang];
  if (isLang(chosen)) return chosen;
  return fromAcceptLanguage(typeof req.headers['accept-language'] === 'string' ? req.headers['accept-language'] : undefined) ?? 'en';
}

/** Where a switch may send the reader back to: a path of ours, never another site. */
export function safeBack(v: unknown, fallback: string): string {
  return typeof v === 'string' && /^\/(console|me)(\/[^\s\\]*)?(\?[^\s\\]*)?$/.test(v) && !v.startsWith('//') ? v : fallback;
}

export function baseCtx(req: FastifyRequest, reply: FastifyReply): PageCtx {
  return { tr: new Translator(langOf(req)), csrf: csrfToken(req, reply), back: safeBack(req.url, '/console') };
}

export type Form = Record<string, string>;

/** The urlencoded form, or null when its CSRF token does not match the cookie. */
export function formOf(req: FastifyRequest): Form | null {
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (!csrfValid(req, body[CSRF_FIELD])) return null;
  const out: Form = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== CSRF_FIELD) out[k] = v;
  return out;
}

export function sendPage(reply: FastifyReply, body: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body.text);
}

/** After a change: 303 to the page to show, with a notice key (never text) for it to say. */
export function seeOther(reply: FastifyReply, to: string, notice?: string): FastifyReply {
  const url = notice ? `${to}${to.includes('?') ? '&' : '?'}done=${encodeURIComponent(notice)}` : to;
  return reply.code(303).header('location', url).send();
}

export function messagePage(ctx: PageCtx, status: number, titleKey: 'page.not-found' | 'page.csrf' | 'page.error', side: 'admin' | 'member' | 'login', extra = ''): Html {
  const title = ctx.tr.t(titleKey);
  return page(ctx, { title, side }, html`<h1>${title}</h1><p>${ctx.tr.t(`${titleKey}.text`)}</p>${extra ? html`<p class="muted">${extra}</p>` : ''}<p><a href="${side === 'member' ? '/me' : '/console'}">${ctx.tr.t('page.home')}</a></p>`);
}

/** A service's typed refusal in the API's shape, so that pages show both alike. */
export function refusalOf(e: unknown): ApiRefusal | null {
  if (!isRadassocError(e)) return null;
  return { code: e.code, message: e.text, fields: [], details: { ...e.details } };
}

export const queryOf = (req: FastifyRequest): Record<string, string> => {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (typeof v === 'string') out[k] = v;
  return out;
};
