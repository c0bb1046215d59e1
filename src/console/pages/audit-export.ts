/** The audit log a page at a time, and the billing export for a period (a CSV download). */
import { html, type Html } from '../html.js';
import type { ApiRefusal } from '../api-client.js';
import { page, refusalBox, time, type PageCtx } from './layout.js';

export interface AuditRow {
  id: number;
  time: string;
  actor: string;
  action: string;
  target: string;
}

export function auditPage(ctx: PageCtx, opts: { entries: AuditRow[]; next: string | null; username: string; refusal?: ApiRefusal | null }): Html {
  const { tr } = ctx;
  const nextHref = opts.next ? `/console/audit?${new URLSearchParams({ ...(opts.username ? { username: opts.username } : {}), cursor: opts.next }).toString()}` : null;
  return page(
    ctx,
    { title: tr.t('audit.title'), current: '/console/audit', side: 'admin' },
    html`<h1>${tr.t('audit.title')}</h1>${refusalBox(ctx, opts.refusal)}
<form class="inline" method="get" action="/console/audit"><div><label for="a-user">${tr.t('audit.member')}</label><input id="a-user" name="username" value="${opts.username}"></div><div><button type="submit">${tr.t('members.filter')}</button></div></form>
<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('member.when')}</th><th scope="col">${tr.t('audit.actor')}</th><th scope="col">${tr.t('audit.action')}</th><th scope="col">${tr.t('audit.target')}</th></tr></thead><tbody>${opts.entries.map(
      (e) => html`<tr><td>${time(ctx, e.time)}</td><td>${e.actor}</td><td>${tr.maybe(`action.${e.action}`) ?? e.action}</td><td>${e.target}</td></tr>`,
    )}</tbody></table></div>
<div class="pager">${nextHref ? html`<a href="${nextHref}">${tr.t('members.next-page')}</a>` : ''}</div>`,
  );
}

export function exportPage(ctx: PageCtx, opts: { from: string; to: string; refusal?: ApiRefusal | null }): Html {
  const { tr } = ctx;
  return page(
    ctx,
    { title: tr.t('export.title'), current: '/console/export', side: 'admin' },
    html`<h1>${tr.t('export.title')}</h1>${refusalBox(ctx, opts.refusal)}<p>${tr.t('export.intro')}</p>
<form class="stack" method="get" action="/console/export.csv">
<div><label for="from">${tr.t('export.from')}</label><input id="from" name="from" type="date" required value="${opts.from}"></div>
<div><label for="to">${tr.t('export.to')}</label><input id="to" name="to" type="date" required value="${opts.to}"></div>
<div><label for="detail"><input id="detail" name="detail" type="checkbox" value="true"> ${tr.t('export.detail')}</label></div>
<div><button type="submit">${tr.t('export.download')}</button></div></form>`,
  );
}
