/** The admin's and the member's login forms. */
import { html, type Html } from '../html.js';
import type { ApiRefusal } from '../api-client.js';
import { csrfField, noticeBox, page, refusalBox, type PageCtx } from './layout.js';

export function adminLoginPage(ctx: PageCtx, opts: { username?: string; refusal?: ApiRefusal | null; notice?: string }): Html {
  const { tr } = ctx;
  return page(
    ctx,
    { title: tr.t('login.title'), side: 'login' },
    html`<div class="login"><h1>${tr.t('login.title')}</h1>${noticeBox(ctx, opts.notice)}${refusalBox(ctx, opts.refusal)}
<form class="stack" method="post" action="/console/login">${csrfField(ctx)}
<div><label for="username">${tr.t('login.username')}</label><input id="username" name="username" autocomplete="username" required value="${opts.username ?? ''}"></div>
<div><label for="password">${tr.t('login.password')}</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
<div><button type="submit">${tr.t('login.submit')}</button></div></form>
<p class="muted"><a href="/me">${tr.t('login.member-space')}</a></p></div>`,
  );
}

export function memberLoginPage(ctx: PageCtx, opts: { login?: string; refusal?: ApiRefusal | null; notice?: string }): Html {
  const { tr } = ctx;
  return page(
    ctx,
    { title: tr.t('me.login.title'), side: 'member' },
    html`<div class="login"><h1>${tr.t('me.login.title')}</h1>${noticeBox(ctx, opts.notice)}${refusalBox(ctx, opts.refusal)}
<p>${tr.t('me.login.intro')}</p>
<form class="stack" method="post" action="/me/login">${csrfField(ctx)}
<div><label for="login">${tr.t('me.login.login')}<span class="hint">${tr.t('me.login.login.hint')}</span></label><input id="login" name="login" autocomplete="username" required value="${opts.login ?? ''}"></div>
<div><label for="password">${tr.t('login.password')}</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
<div><button type="submit">${tr.t('login.submit')}</button></div></form></div>`,
  );
}
