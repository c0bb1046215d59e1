/**
 * A member's page is the diagnosis: status and why, dues, the member's own
 * reply attributes (as the API shows them: secrets redacted, so they are
 * shown, not edited, here), the last
 * attempts with their reasons, live and recent sessions, last disconnects,
 * and the actions the admin's role allows (edit, new password, suspend or
 * resume with a reason, disconnect, paid-until).
 */
import type { Diagnosis } from '../../lifecycle/diagnose.js';
import type { MemberView } from '../../lifecycle/member-view.js';
import { html, pathOf, type Html } from '../html.js';
import type { ApiRefusal } from '../api-client.js';
import { reasonLabel } from './dashboard.js';
import { memberFields, statusLabel } from './members.js';
import { csrfField, noticeBox, page, refusalBox, time, type PageCtx } from './layout.js';
import { usageChart, type ChartData } from './usage-chart.js';

export interface MemberPageData {
  member: MemberView;
  diagnosis: Diagnosis | null;
  plans: string[];
  /** By month over 12 months, by day this month (null: the API refused). */
  usage: { year: ChartData | null; month: ChartData | null };
  may: { write: boolean; paidUntil: boolean; disconnect: boolean };
  notice?: string;
  refusal?: ApiRefusal | null;
}

export function memberPage(ctx: PageCtx, d: MemberPageData): Html {
  const { tr } = ctx;
  const m = d.member;
  const g = d.diagnosis;
  const base = pathOf('/console/members', m.username);
  const action = (name: string): string => `${base}/${name}`;
  const suspended = m.status === 'suspended';
  const status = html`<p><span class="status-${suspended ? 'suspended' : 'active'}" data-member-status>${statusLabel(tr, m.status)}</span>${
    suspended
      ? html` — ${tr.t('member.suspended-why')} <q data-suspended-reason>${m.suspended_reason ?? ''}</q>${m.suspended_at ? html` (${time(ctx, m.suspended_at)})` : ''}${m.suspension_kind === 'dues' ? html` · ${tr.t('member.suspended-by-dues')}` : ''}`
      : ''
  }</p>`;
  const facts = html`<dl class="facts">
<dt>${tr.t('members.plan')}</dt><dd>${m.plan ?? tr.t('member.no-plan')}</dd>
<dt>${tr.t('member.ipv4')}</dt><dd>${m.ipv4 ?? '—'}</dd>
<dt>${tr.t('member.ipv6')}</dt><dd>${m.ipv6_prefix ?? '—'}</dd>
<dt>${tr.t('member.line')}</dt><dd>${m.line ?? '—'}</dd>
<dt>${tr.t('member.max-sessions')}</dt><dd>${m.max_sessions === null ? tr.t('member.unlimited') : tr.number(m.max_sessions)}</dd>
<dt>${tr.t('member.paid-until')}</dt><dd>${m.paid_until ? tr.day(m.paid_until) : '—'}${g && g.dues.state !== 'untracked' ? html` · ${tr.t(`dues.${g.dues.state}`)}` : ''}</dd>
<dt>${tr.t('member.auth')}</dt><dd>${m.auth.join(', ')}</dd>${
    m.reply_attributes && m.reply_attributes.length > 0
      ? html`<dt>${tr.t('plans.attributes')}</dt><dd data-reply-attributes>${m.reply_attributes.map((a) => html`<code>${a.name}=${a.value}</code> `)}<span class="hint">${tr.t('member.reply-attributes.hint')}</span></dd>`
      : ''
  }
<dt>${tr.t('member.created')}</dt><dd>${time(ctx, m.created_at)}</dd></dl>`;

  const logins = g
    ? html`<h2>${tr.t('member.logins')}</h2>${
        g.logins.length === 0
          ? html`<p class="muted">${tr.t('member.logins.none')}</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('member.when')}</th><th scope="col">${tr.t('nas.name')}</th><th scope="col">${tr.t('member.method')}</th><th scope="col">${tr.t('member.result')}</th></tr></thead><tbody>${g.logins.map(
              (l) => html`<tr><td>${time(ctx, l.time)}</td><td>${l.nas}</td><td>${l.method}</td><td>${l.result === 'accept' ? tr.t('member.accepted') : html`${tr.t('member.rejected')}: ${reasonLabel(tr, l.reason ?? '')}`}</td></tr>`,
            )}</tbody></table></div>`
      }`
    : '';
  const live = g
    ? html`<h2>${tr.t('member.live')}</h2>${
        g.liveSessions === null
          ? html`<p class="error">${tr.t('member.live.unreadable')}</p>`
          : g.liveSessions.length === 0
            ? html`<p class="muted" data-online="no">${tr.t('member.live.none')}</p>`
            : html`<div class="table-wrap"><table data-online="yes"><thead><tr><th scope="col">${tr.t('nas.name')}</th><th scope="col">${tr.t('session.id')}</th><th scope="col">${tr.t('session.address')}</th><th scope="col">${tr.t('session.start')}</th><th scope="col" class="num">${tr.t('session.duration')}</th></tr></thead><tbody>${g.liveSessions.map(
                (s) => html`<tr><td>${s.nas}</td><td>${s.acctSessionId}</td><td>${s.framedIp ?? '—'}</td><td>${time(ctx, s.startedAt)}</td><td class="num">${tr.duration(s.seconds)}</td></tr>`,
              )}</tbody></table></div>`
      }`
    : '';
  const finished = g
    ? html`<h2>${tr.t('member.finished')}</h2>${
        g.finishedSessions.length === 0
          ? html`<p class="muted">${tr.t('member.finished.none')}</p>`
          : html`<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('session.start')}</th><th scope="col">${tr.t('session.stop')}</th><th scope="col" class="num">${tr.t('session.duration')}</th><th scope="col" class="num">${tr.t('session.volume')}</th><th scope="col">${tr.t('session.cause')}</th></tr></thead><tbody>${g.finishedSessions.map(
              (s) => html`<tr><td>${time(ctx, s.start)}</td><td>${time(ctx, s.stop)}</td><td class="num">${tr.duration(s.seconds)}</td><td class="num">${tr.octets(s.inputOctets + s.outputOctets)}</td><td>${s.terminateCause ?? ''}</td></tr>`,
            )}</tbody></table></div>`
      }`
    : '';
  const disconnects =
    g && g.disconnects.length > 0
      ? html`<h2>${tr.t('member.disconnects')}</h2><div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('member.when')}</th><th scope="col">${tr.t('nas.name')}</th><th scope="col">${tr.t('member.outcome')}</th><th scope="col">${tr.t('member.by')}</th><th scope="col">${tr.t('member.reason')}</th></tr></thead><tbody>${g.disconnects.map(
          (x) => html`<tr><td>${time(ctx, x.time)}</td><td>${x.nas}</td><td>${tr.maybe(`outcome.${x.outcome}`) ?? x.outcome}</td><td>${x.actor}</td><td>${x.reason ?? ''}</td></tr>`,
        )}</tbody></table></div>`
      : '';
  const summary = g
    ? html`<details${tr.lang === 'en' ? html` open` : ''}><summary>${tr.t('member.summary')}</summary><ul class="summary" lang="en">${g.summary.map((s) => html`<li>${s}</li>`)}</ul></details>`
    : '';

  const usage =
    d.usage.year || d.usage.month
      ? html`<h2>${tr.t('member.usage')}</h2><div class="charts">${d.usage.year ? usageChart(tr, 'usage-12m', d.usage.year) : ''}${d.usage.month ? usageChart(tr, 'usage-month', d.usage.month) : ''}</div>`
      : '';
  const forms: Html[] = [];
  if (d.may.write) {
    forms.push(
      suspended
        ? html`<form method="post" action="${action('resume')}">${csrfField(ctx)}<h3>${tr.t('member.resume')}</h3><button type="submit">${tr.t('member.resume')}</button></form>`
        : html`<form method="post" action="${action('suspend')}">${csrfField(ctx)}<h3>${tr.t('member.suspend')}</h3><label for="reason">${tr.t('member.reason')}</label><input id="reason" name="reason" required maxlength="500"><p><button type="submit" class="danger">${tr.t('member.suspend')}</button></p></form>`,
    );
    forms.push(
      html`<form method="post" action="${action('passwd')}">${csrfField(ctx)}<h3>${tr.t('member.new-password')}</h3><label for="new-password">${tr.t('member.password')}</label><input id="new-password" name="password" type="password" required autocomplete="new-password"><p><button type="submit">${tr.t('member.new-password')}</button></p></form>`,
    );
  }
  if (d.may.disconnect) {
    forms.push(
      html`<form method="post" action="${action('disconnect')}">${csrfField(ctx)}<h3>${tr.t('member.disconnect')}</h3><p class="muted">${tr.t('member.disconnect.hint')}</p><button type="submit" class="secondary">${tr.t('member.disconnect')}</button></form>`,
    );
  }
  if (d.may.paidUntil && !d.may.write) {
    forms.push(
      html`<form method="post" action="${action('paid-until')}">${csrfField(ctx)}<h3>${tr.t('member.paid-until')}</h3><label for="paid-until">${tr.t('member.paid-until')}</label><input id="paid-until" name="paid_until" type="date" value="${m.paid_until ?? ''}" required><p><button type="submit">${tr.t('member.save')}</button></p></form>`,
    );
  }
  const edit = d.may.write
    ? html`<h2>${tr.t('member.edit')}</h2><form class="stack" method="post" action="${action('edit')}">${csrfField(ctx)}${memberFields(tr, d.plans, {
        plan: m.plan ?? '',
        ipv4: m.ipv4 ?? '',
        ipv6_prefix: m.ipv6_prefix ?? '',
        max_sessions: m.max_sessions === null ? '' : String(m.max_sessions),
        paid_until: m.paid_until ?? '',
      })}<div><button type="submit">${tr.t('member.save')}</button></div></form>`
    : '';

  return page(
    ctx,
    { title: m.username, current: '/console/members', side: 'admin' },
    html`<p><a href="/console/members">${tr.t('member.back')}</a></p><h1 data-member="${m.username}">${m.username}</h1>${noticeBox(ctx, d.notice)}${refusalBox(ctx, d.refusal)}
${status}${facts}${summary}
${forms.length > 0 ? html`<h2>${tr.t('member.actions')}</h2><div class="actions">${forms}</div>` : ''}
${live}${usage}${logins}${finished}${disconnects}${edit}`,
  );
}
