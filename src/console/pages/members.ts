/** Members: the searchable, filtered list a page at a time, and the form to add one. */
import { html, pathOf, type Html } from '../html.js';
import type { MessageKey, Translator } from '../i18n/index.js';
import type { ApiRefusal } from '../api-client.js';
import { csrfField, noticeBox, page, refusalBox, type PageCtx } from './layout.js';

export interface MemberRow {
  username: string;
  status: string;
  plan: string | null;
  paid_until: string | null;
  suspended_reason?: string | null;
  ipv4?: string | null;
  ipv6_prefix?: string | null;
  line?: string | null;
}

/** What the search box searches: the username, a framed address, an access line. */
export type SearchField = 'name' | 'address' | 'line';
export const SEARCH_FIELDS: readonly SearchField[] = ['name', 'address', 'line'];

export interface MemberFilters {
  q: string;
  by: SearchField;
  /** For a name: its start, or any part of it. */
  mode: 'prefix' | 'contains';
  status: '' | 'active' | 'suspended';
  plan: string;
  lapsing: boolean;
}

export const statusLabel = (tr: Translator, status: string): string => tr.maybe(`status.${status}`) ?? status;

/** A row as the search script draws it: the same words as the page. */
export function memberRowJson(tr: Translator, m: MemberRow) {
  return {
    username: m.username,
    href: pathOf('/console/members', m.username),
    status: statusLabel(tr, m.status),
    statusClass: m.status === 'suspended' ? 'suspended' : 'active',
    plan: m.plan ?? '—',
    paid_until: m.paid_until ? tr.day(m.paid_until) : '—',
    address: [m.ipv4, m.ipv6_prefix].filter((a): a is string => typeof a === 'string').join(' · ') || '—',
    line: m.line ?? '—',
  };
}

export function membersSummary(tr: Translator, count: number, more: boolean): string {
  return more ? tr.t('members.count.more', { count: tr.number(count) }) : tr.count('members.count', count);
}

function select(name: string, label: string, current: string, options: Array<[string, string]>): Html {
  return html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${options.map(([v, l]) => html`<option value="${v}"${v === current ? html` selected` : ''}>${l}</option>`)}</select></div>`;
}

export function membersPage(
  ctx: PageCtx,
  opts: { members: MemberRow[]; next: string | null; filters: MemberFilters; plans: string[]; canWrite: boolean; notice?: string; refusal?: ApiRefusal | null },
): Html {
  const { tr } = ctx;
  const f = opts.filters;
  const rows = opts.members.map((m) => memberRowJson(tr, m));
  const query = new URLSearchParams();
  if (f.q) query.set('q', f.q);
  if (f.by !== 'name') query.set('by', f.by);
  if (f.mode === 'contains') query.set('mode', 'contains');
  if (f.status) query.set('status', f.status);
  if (f.plan) query.set('plan', f.plan);
  if (f.lapsing) query.set('lapsing', '1');
  const nextHref = opts.next ? `/console/members?${new URLSearchParams([...query, ['cursor', opts.next]]).toString()}` : null;
  return page(
    ctx,
    { title: tr.t('members.title'), current: '/console/members', side: 'admin' },
    html`<h1>${tr.t('members.title')}</h1>${noticeBox(ctx, opts.notice)}${refusalBox(ctx, opts.refusal)}
${opts.canWrite ? html`<p><a class="button" href="/console/members/new">${tr.t('members.add')}</a> <a class="button" href="/console/members/import">${tr.t('members.import')}</a></p>` : ''}
<form class="inline" method="get" action="/console/members" role="search">
<div><label for="f-q">${tr.t('members.search')}<span class="hint">${tr.t('members.search.hint')}</span></label><input id="f-q" name="q" type="search" value="${f.q}" autocomplete="off" spellcheck="false" data-search="/console/members.json"></div>
${select('by', tr.t('members.search.by'), f.by, SEARCH_FIELDS.map((b): [string, string] => [b, tr.t(`members.search.by.${b}`)]))}
${select('mode', tr.t('members.mode'), f.mode, [['prefix', tr.t('members.mode.prefix')], ['contains', tr.t('members.mode.contains')]])}
${select('status', tr.t('members.status'), f.status, [['', tr.t('members.status.any')], ['active', tr.t('status.active')], ['suspended', tr.t('status.suspended')]])}
${select('plan', tr.t('members.plan'), f.plan, [['', tr.t('members.plan.any')], ...opts.plans.map((p): [string, string] => [p, p])])}
<div><label for="f-lapsing"><input id="f-lapsing" name="lapsing" type="checkbox" value="1"${f.lapsing ? html` checked` : ''}> ${tr.t('members.lapsing')}</label></div>
<div><button type="submit">${tr.t('members.filter')}</button></div></form>
<p class="muted" data-search-status aria-live="polite">${membersSummary(tr, rows.length, opts.next !== null)}</p>
<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('member.username')}</th><th scope="col">${tr.t('members.status')}</th><th scope="col">${tr.t('members.plan')}</th><th scope="col">${tr.t('member.paid-until')}</th><th scope="col">${tr.t('session.address')}</th><th scope="col">${tr.t('member.line')}</th></tr></thead>
<tbody data-rows="members">${rows.map((m) => html`<tr><td><a href="${m.href}">${m.username}</a></td><td class="status-${m.statusClass}">${m.status}</td><td>${m.plan}</td><td>${m.paid_until}</td><td>${m.address}</td><td>${m.line}</td></tr>`)}</tbody></table></div>
<div class="pager">${query.size > 0 || opts.next ? html`<a href="/console/members${query.size > 0 ? `?${query.toString()}` : ''}">${tr.t('members.first-page')}</a>` : ''}${nextHref ? html`<a data-next href="${nextHref}">${tr.t('members.next-page')}</a>` : ''}</div>`,
  );
}

export interface MemberForm {
  username?: string;
  plan?: string;
  ipv4?: string;
  ipv6_prefix?: string;
  max_sessions?: string;
  paid_until?: string;
}

const input = (id: string, label: MessageKey, tr: Translator, value: string | undefined, extra: Html = html``, hint?: MessageKey): Html =>
  html`<div><label for="${id}">${tr.t(label)}${hint ? html`<span class="hint">${tr.t(hint)}</span>` : ''}</label><input id="${id}" name="${id}" value="${value ?? ''}"${extra}></div>`;

export function planSelect(tr: Translator, plans: string[], current: string | undefined | null): Html {
  return html`<div><label for="plan">${tr.t('members.plan')}</label><select id="plan" name="plan"><option value="">${tr.t('member.no-plan')}</option>${plans.map(
    (p) => html`<option value="${p}"${p === current ? html` selected` : ''}>${p}</option>`,
  )}</select></div>`;
}

export function memberFields(tr: Translator, plans: string[], v: MemberForm): Html {
  return html`${planSelect(tr, plans, v.plan)}
${input('ipv4', 'member.ipv4', tr, v.ipv4, html` inputmode="decimal"`, 'member.ipv4.hint')}
${input('ipv6_prefix', 'member.ipv6', tr, v.ipv6_prefix, html``, 'member.ipv6.hint')}
${input('max_sessions', 'member.max-sessions', tr, v.max_sessions, html` inputmode="numeric"`, 'member.max-sessions.hint')}
${input('paid_until', 'member.paid-until', tr, v.paid_until, html` type="date"`)}`;
}

export function newMemberPage(ctx: PageCtx, opts: { plans: string[]; values: MemberForm; refusal?: ApiRefusal | null }): Html {
  const { tr } = ctx;
  return page(
    ctx,
    { title: tr.t('members.add'), current: '/console/members', side: 'admin' },
    html`<h1>${tr.t('members.add')}</h1>${refusalBox(ctx, opts.refusal)}
<form class="stack" method="post" action="/console/members/new">${csrfField(ctx)}
${input('username', 'member.username', tr, opts.values.username, html` required autocomplete="off"`)}
<div><label for="password">${tr.t('member.password')}<span class="hint">${tr.t('member.password.hint')}</span></label><input id="password" name="password" type="password" required autocomplete="new-password"></div>
${memberFields(tr, opts.plans, opts.values)}
<div><button type="submit">${tr.t('members.add.submit')}</button></div></form>`,
  );
}
