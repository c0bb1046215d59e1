/** Who is online now: the live sessions of the tenant. */
import { html, pathOf, type Html } from '../html.js';
import { page, time, type PageCtx } from './layout.js';

export interface LiveSessionRow {
  username: string;
  nas: string;
  acct_session_id: string;
  framed_ip: string | null;
  start_time: string;
  seconds: number;
  input_octets: number;
  output_octets: number;
}

/** One page of the API's sessions: `open` counts them all, `next` is the API's cursor of the following page. */
export function sessionsPage(ctx: PageCtx, list: { sessions: LiveSessionRow[]; open: number; next: string | null }): Html {
  const { tr } = ctx;
  const { sessions } = list;
  const nextHref = list.next ? `/console/sessions?${new URLSearchParams({ cursor: list.next }).toString()}` : null;
  return page(
    ctx,
    { title: tr.t('sessions.title'), current: '/console/sessions', side: 'admin' },
    html`<h1>${tr.t('sessions.title')}</h1><p>${tr.count('sessions.count', list.open)}</p>
<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('member.username')}</th><th scope="col">${tr.t('nas.name')}</th><th scope="col">${tr.t('session.address')}</th><th scope="col">${tr.t('session.start')}</th><th scope="col" class="num">${tr.t('session.duration')}</th><th scope="col" class="num">${tr.t('session.volume')}</th></tr></thead>
<tbody data-rows="sessions">${sessions.map(
      (s) =>
        html`<tr><td><a href="${pathOf('/console/members', s.username)}">${s.username}</a></td><td>${s.nas}</td><td>${s.framed_ip ?? '—'}</td><td>${time(ctx, s.start_time)}</td><td class="num">${tr.duration(s.seconds)}</td><td class="num">${tr.octets(s.input_octets + s.output_octets)}</td></tr>`,
    )}</tbody></table></div>
<div class="pager">${nextHref ? html`<a href="${nextHref}">${tr.t('members.next-page')}</a>` : ''}</div>`,
  );
}
