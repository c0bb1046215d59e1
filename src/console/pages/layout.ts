/** The frame of every page: language, title, skip link, navigation, the language switch, the script and stylesheet as files. */
import { html, type Html, type HtmlValue } from '../html.js';
import type { MessageKey, Translator } from '../i18n/index.js';
import { CSRF_FIELD } from '../csrf.js';
import type { ApiRefusal } from '../api-client.js';

export interface AdminView {
  login: string;
  role: string;
  tenant: string;
  /** Every tenant the admin may act in (several: a switch is shown). */
  tenants: string[];
}

export interface PageCtx {
  tr: Translator;
  csrf: string;
  /** The request's path and query, where the language switch comes back to. */
  back: string;
  admin?: AdminView;
  /** A member logged in to the member space. */
  member?: { username: string };
}

const ADMIN_NAV: Array<[string, MessageKey]> = [
  ['/console/dashboard', 'nav.dashboard'],
  ['/console/members', 'nav.members'],
  ['/console/sessions', 'nav.sessions'],
  ['/console/plans', 'nav.plans'],
  ['/console/nas', 'nav.nas'],
  ['/console/audit', 'nav.audit'],
  ['/console/export', 'nav.export'],
];

export const csrfField = (ctx: PageCtx): Html => html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrf}">`;

function langSwitch(ctx: PageCtx): Html {
  const other = ctx.tr.lang === 'fr' ? 'en' : 'fr';
  return html`<form method="post" action="/console/lang">${csrfField(ctx)}<input type="hidden" name="back" value="${ctx.back}"><input type="hidden" name="lang" value="${other}"><button type="submit" lang="${other}" data-lang-switch="${other}">${ctx.tr.t(other === 'fr' ? 'lang.switch.fr' : 'lang.switch.en')}</button></form>`;
}

function adminHeader(ctx: PageCtx, current: string): Html {
  const a = ctx.admin!;
  const tenants =
    a.tenants.length > 1
      ? html`<form method="post" action="/console/tenant">${csrfField(ctx)}<label class="visually-hidden" for="tenant-switch">${ctx.tr.t('nav.tenant')}</label><select id="tenant-switch" name="tenant">${a.tenants.map(
          (t) => html`<option value="${t}"${t === a.tenant ? html` selected` : ''}>${t}</option>`,
        )}</select> <button type="submit">${ctx.tr.t('nav.tenant.go')}</button></form>`
      : html`<span>${a.tenant}</span>`;
  return html`<header class="top"><a class="brand" href="/console/dashboard">radassoc</a>
<nav aria-label="${ctx.tr.t('nav.label')}"><ul>${ADMIN_NAV.map(([href, key]) => html`<li><a href="${href}"${current.startsWith(href) ? html` aria-current="page"` : ''}>${ctx.tr.t(key)}</a></li>`)}</ul></nav>
${tenants}<span>${ctx.tr.t('nav.signed-in', { login: a.login, role: ctx.tr.t(`role.${a.role}` as MessageKey) })}</span>
<form method="post" action="/console/logout">${csrfField(ctx)}<button type="submit">${ctx.tr.t('nav.logout')}</button></form>${langSwitch(ctx)}</header>`;
}

function memberHeader(ctx: PageCtx): Html {
  return html`<header class="top"><a class="brand" href="/me">${ctx.tr.t('me.brand')}</a>
${ctx.member ? html`<nav aria-label="${ctx.tr.t('nav.label')}"><ul><li><a href="/me">${ctx.tr.t('me.nav.overview')}</a></li><li><a href="/me/password">${ctx.tr.t('me.nav.password')}</a></li></ul></nav>
<form method="post" action="/me/logout">${csrfField(ctx)}<button type="submit">${ctx.tr.t('nav.logout')}</button></form>` : ''}${langSwitch(ctx)}</header>`;
}

export function page(ctx: PageCtx, opts: { title: string; current?: string; side: 'admin' | 'member' | 'login' }, body: HtmlValue): Html {
  const header = opts.side === 'admin' && ctx.admin ? adminHeader(ctx, opts.current ?? '') : opts.side === 'member' ? memberHeader(ctx) : html`<header class="top"><span class="brand">radassoc</span>${langSwitch(ctx)}</header>`;
  return html`<!doctype html>
<html lang="${ctx.tr.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · radassoc</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script></head>
<body><a class="skip" href="#main">${ctx.tr.t('nav.skip')}</a>
${header}
<main id="main" tabindex="-1">${body}</main>
</body></html>`;
}

/** A refusal in the page's language: the catalogue's words for the API's code, else the API's own (English) message. */
export function refusalBox(ctx: PageCtx, r: ApiRefusal | null | undefined): Html {
  if (!r) return html``;
  const vars = flatten(r.details);
  const problem = typeof r.details.problem === 'string' ? ctx.tr.maybe(`error.${r.code}.${r.details.problem}`, vars) : null;
  const words = problem ?? ctx.tr.maybe(`error.${r.code}`, vars) ?? r.message;
  const fields = r.fields.length > 0 ? html`<ul>${r.fields.map((f) => html`<li>${fieldName(ctx, f.path)}: ${f.message}</li>`)}</ul>` : '';
  return html`<div class="error" role="alert"><p><strong>${ctx.tr.t('error.title')}</strong> ${words}</p>${fields}</div>`;
}

function fieldName(ctx: PageCtx, path: string): string {
  return ctx.tr.maybe(`field.${path}`) ?? path;
}

function flatten(d: Record<string, unknown>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(d)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  return out;
}

export function noticeBox(ctx: PageCtx, key: string | undefined): Html {
  const words = key ? ctx.tr.maybe(`notice.${key}`) : null;
  return words ? html`<p class="notice" role="status">${words}</p>` : html``;
}

/** A date-time the script shows in the reader's own time zone. */
export function time(ctx: PageCtx, iso: string | null | undefined): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  return html`<time datetime="${iso}" data-local>${ctx.tr.dateTime(iso)}</time>`;
}
