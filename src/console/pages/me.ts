/** The member space: a member's own status, usage and sessions (their right of access), and the password change. */
import type { MemberOverview } from '../../services/member-space.js';
import { html, type Html } from '../html.js';
import type { Translator } from '../i18n/index.js';
import type { ApiRefusal } from '../api-client.js';
import { statusLabel } from './members.js';
import { csrfField, noticeBox, page, refusalBox, time, type PageCtx } from './layout.js';

/** Usage by month as bars (inline SVG with presentation attributes: no style to allow). */
function monthBars(tr: Translator, months: MemberOverview['months']): Html {
  if (months.length === 0) return html``;
  const list = [...months].reverse();
  const max = Math.max(1, ...list.map((m) => m.inputOctets + m.outputOctets));
  const w = 48;
  const h = 120;
  const label = tr.t('me.usage.chart');
  return html`<svg class="bars" role="img" aria-label="${label}" viewBox="0 0 ${list.length * w} ${h + 30}" width="100%" height="${h + 30}" preserveAspectRatio="xMinYMin meet">${list.map((m, i) => {
    const v = m.inputOctets + m.outputOctets;
    const bh = Math.round((v / max) * h);
    return html`<g><title>${tr.month(m.month)}: ${tr.octets(v)}</title><rect x="${i * w + 8}" y="${h - bh}" width="${w - 16}" height="${bh}"></rect><text x="${i * w + w / 2}" y="${h + 16}" text-anchor="middle">${m.month.slice(5)}/${m.month.slice(2, 4)}</text></g>`;
  })}</svg>`;
}

export function meOverviewPage(ctx: PageCtx, o: MemberOverview, notice?: string): Html {
  const { tr } = ctx;
  const m = o.member;
  const suspended = m.status === 'suspended';
  const why = suspended
    ? html`<div class="error" role="status"><p>${tr.t('me.suspended')}</p>${m.suspended_reason ? html`<p>${tr.t('me.suspended.why')} <q data-suspended-reason>${m.suspended_reason}</q></p>` : ''}${
        o.settings.link ? html`<p><a href="${o.settings.link}" rel="noopener noreferrer">${tr.t('me.suspended.link')}</a></p>` : html`<p>${tr.t('me.suspended.contact', { tenant: o.tenant.displayName })}</p>`
      }</div>`
    : '';
  const t = o.thisMonth;
  return page(
    ctx,
    { title: tr.t('me.title'), side: 'member' },
    html`<h1>${tr.t('me.hello', { username: m.username })}</h1>${noticeBox(ctx, notice)}
<p>${tr.t('me.status')} <span class="status-${suspended ? 'suspended' : 'active'}" data-member-status>${statusLabel(tr, m.status)}</span>${m.paid_until ? html` · ${tr.t('me.paid-until', { date: tr.day(m.paid_until) })}` : ''}</p>${why}
<h2>${tr.t('me.usage.month')}</h2>
<div class="grid"><div class="card"><h3>${tr.t('me.usage.volume')}</h3><p class="figure" data-usage-month>${tr.octets(t.inputOctets + t.outputOctets)}</p><p class="muted">${tr.t('me.usage.split', { down: tr.octets(t.outputOctets), up: tr.octets(t.inputOctets) })}</p></div>
<div class="card"><h3>${tr.t('me.usage.time')}</h3><p class="figure">${tr.duration(t.seconds)}</p><p class="muted">${tr.count('me.usage.sessions', t.sessions)}</p></div></div>
<h2>${tr.t('me.usage.by-month')}</h2>${monthBars(tr, o.months)}
<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('me.month')}</th><th scope="col" class="num">${tr.t('me.sessions')}</th><th scope="col" class="num">${tr.t('session.duration')}</th><th scope="col" class="num">${tr.t('me.down')}</th><th scope="col" class="num">${tr.t('me.up')}</th></tr></thead><tbody>${o.months.map(
      (x) => html`<tr><td>${tr.month(x.month)}</td><td class="num">${tr.number(x.sessions)}</td><td class="num">${tr.duration(x.seconds)}</td><td class="num">${tr.octets(x.outputOctets)}</td><td class="num">${tr.octets(x.inputOctets)}</td></tr>`,
    )}</tbody></table></div>
<h2>${tr.t('me.history')}</h2><p class="muted">${tr.t('me.history.hint')}</p>
<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('session.start')}</th><th scope="col">${tr.t('session.stop')}</th><th scope="col" class="num">${tr.t('session.duration')}</th><th scope="col" class="num">${tr.t('session.volume')}</th><th scope="col">${tr.t('session.address')}</th></tr></thead><tbody>${o.sessions.map(
      (s) =>
        html`<tr><td>${time(ctx, s.start.toISOString())}</td><td>${s.stop ? time(ctx, s.stop.toISOString()) : tr.t('me.history.open')}</td><td class="num">${tr.duration(s.seconds)}</td><td class="num">${tr.octets(s.inputOctets + s.outputOctets)}</td><td>${s.framedIp ?? '—'}</td></tr>`,
    )}</tbody></table></div>`,
  );
}

export function mePasswordPage(ctx: PageCtx, opts: { min: number; refusal?: ApiRefusal | null }): Html {
  const { tr } = ctx;
  return page(
    ctx,
    { title: tr.t('me.password.title'), side: 'member' },
    html`<h1>${tr.t('me.password.title')}</h1>${refusalBox(ctx, opts.refusal)}<p>${tr.t('me.password.intro', { min: opts.min })}</p>
<form class="stack" method="post" action="/me/password">${csrfField(ctx)}
<div><label for="current">${tr.t('me.password.current')}</label><input id="current" name="current" type="password" required autocomplete="current-password"></div>
<div><label for="password">${tr.t('me.password.new')}</label><input id="password" name="password" type="password" required minlength="${opts.min}" autocomplete="new-password"></div>
<div><label for="confirm">${tr.t('me.password.confirm')}</label><input id="confirm" name="confirm" type="password" required minlength="${opts.min}" autocomplete="new-password"></div>
<div><button type="submit">${tr.t('me.password.submit')}</button></div></form>`,
  );
}
