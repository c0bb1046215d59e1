/** The dashboard: online now, decisions per minute and rejects by reason, NAS activity, members lapsing soon. */
import { html, type Html } from '../html.js';
import type { MessageKey, Translator } from '../i18n/index.js';
import { page, type PageCtx } from './layout.js';
import { usageChart, type ChartData } from './usage-chart.js';

export interface DashboardData {
  at: string;
  online: number;
  accepts: number;
  rejects: Record<string, number>;
  per_minute: Array<{ minute: string; accepts: number; rejects: Record<string, number> }>;
  nas: Array<{ name: string; address: string; last_request_at: string | null; answered: number; dropped_total: number; dropped: Record<string, number>; last_drop: { reason: string; cause: string } | null }>;
  lapsing: { within_days: number; count: number; capped: boolean };
  flush: { last_flush_at: string | null; seconds_since_last_flush: number | null; oldest_unflushed_at: string | null; lag_seconds: number | null; backlog_sessions: number | null };
}

/** The two traffic charts, drawn from GET /api/v1/dashboard/traffic (null when the API refused). */
export interface DashboardCharts {
  day: ChartData | null;
  month: ChartData | null;
}

export const reasonLabel = (tr: Translator, reason: string): string => tr.maybe(`reason.${reason}`) ?? reason;

/** The figures as the page shows them: the JSON the script polls, and the first render alike. */
export function dashboardFigures(tr: Translator, d: DashboardData) {
  const rejectsTotal = Object.values(d.rejects).reduce((a, b) => a + b, 0);
  return {
    at: d.at,
    figures: {
      online: tr.number(d.online),
      accepts: tr.number(d.accepts),
      rejects: tr.number(rejectsTotal),
      lapsing: d.lapsing.capped ? `${tr.number(d.lapsing.count)}+` : tr.number(d.lapsing.count),
      // Nothing waiting is no lag; unknown (the store did not answer) is a dash.
      flush_lag: d.flush.lag_seconds !== null ? tr.duration(d.flush.lag_seconds) : d.flush.backlog_sessions === null && d.flush.last_flush_at === null ? '—' : tr.duration(0),
      last_flush: d.flush.last_flush_at ? tr.t('dash.flush.last', { ago: tr.duration(d.flush.seconds_since_last_flush ?? 0) }) : tr.t('dash.flush.never'),
    },
    rejects: Object.entries(d.rejects)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => ({ label: reasonLabel(tr, reason), count: tr.number(n) })),
    minutes: d.per_minute
      .slice(-15)
      .reverse()
      .map((m) => ({
        minute: new Intl.DateTimeFormat(tr.locale, { timeStyle: 'short', timeZone: 'UTC' }).format(new Date(m.minute)) + ' UTC',
        accepts: tr.number(m.accepts),
        rejects: tr.number(Object.values(m.rejects).reduce((a, b) => a + b, 0)),
        reasons: Object.entries(m.rejects)
          .map(([r, n]) => `${reasonLabel(tr, r)} ${tr.number(n)}`)
          .join(', '),
      })),
    nas: d.nas.map((n) => ({
      name: n.name,
      last: n.last_request_at ? tr.dateTime(n.last_request_at) + ' UTC' : tr.t('dash.nas.never'),
      answered: tr.number(n.answered),
      dropped: tr.number(n.dropped_total),
      cause: n.last_drop ? (tr.maybe(`drop.${n.last_drop.reason}`) ?? n.last_drop.cause) : '',
    })),
  };
}

export function dashboardPage(ctx: PageCtx, d: DashboardData, charts: DashboardCharts): Html {
  const { tr } = ctx;
  const f = dashboardFigures(tr, d);
  const card = (key: MessageKey, figure: keyof typeof f.figures, link?: string): Html =>
    html`<div class="card"><h2>${tr.t(key)}</h2><p class="figure" data-figure="${figure}">${f.figures[figure]}</p>${link ? html`<a href="${link}">${tr.t('dash.see')}</a>` : ''}</div>`;
  return page(
    ctx,
    { title: tr.t('dash.title'), current: '/console/dashboard', side: 'admin' },
    html`<h1>${tr.t('dash.title')}</h1>
<div data-poll="/console/dashboard.json" data-every="10"><p class="muted">${tr.t('dash.updated')} ${html`<time data-figure-time datetime="${d.at}" data-local>${tr.dateTime(d.at)}</time>`}</p>
<div class="grid">${card('dash.online', 'online', '/console/sessions')}${card('dash.accepts', 'accepts')}${card('dash.rejects', 'rejects')}${card('dash.lapsing', 'lapsing', '/console/members?lapsing=1')}
<div class="card"><h2>${tr.t('dash.flush')}</h2><p class="figure" data-figure="flush_lag">${f.figures.flush_lag}</p><p class="muted" data-figure="last_flush">${f.figures.last_flush}</p></div></div>
<h2>${tr.t('dash.traffic')}</h2><div class="charts">${charts.day ? usageChart(tr, 'traffic-24h', charts.day, { src: '/console/dashboard/traffic.json?range=24h', every: 60 }) : ''}${
      charts.month ? usageChart(tr, 'traffic-30d', charts.month, { src: '/console/dashboard/traffic.json?range=30d', every: 300 }) : ''
    }</div><p class="muted">${tr.t('dash.traffic.hint')}</p>
<h2>${tr.t('dash.rejects.by-reason')}</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('dash.reason')}</th><th scope="col" class="num">${tr.t('dash.count')}</th></tr></thead>
<tbody data-rows="rejects">${f.rejects.map((r) => html`<tr><td>${r.label}</td><td class="num">${r.count}</td></tr>`)}</tbody></table></div>
<h2>${tr.t('dash.per-minute')}</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('dash.minute')}</th><th scope="col" class="num">${tr.t('dash.accepts')}</th><th scope="col" class="num">${tr.t('dash.rejects')}</th><th scope="col">${tr.t('dash.reason')}</th></tr></thead>
<tbody data-rows="minutes">${f.minutes.map((m) => html`<tr><td>${m.minute}</td><td class="num">${m.accepts}</td><td class="num">${m.rejects}</td><td>${m.reasons}</td></tr>`)}</tbody></table></div>
<h2>${tr.t('dash.nas')}</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('nas.name')}</th><th scope="col">${tr.t('dash.nas.last')}</th><th scope="col" class="num">${tr.t('dash.nas.answered')}</th><th scope="col" class="num">${tr.t('dash.nas.dropped')}</th><th scope="col">${tr.t('dash.nas.cause')}</th></tr></thead>
<tbody data-rows="nas">${f.nas.map((n) => html`<tr><td>${n.name}</td><td>${n.last}</td><td class="num">${n.answered}</td><td class="num">${n.dropped}</td><td>${n.cause}</td></tr>`)}</tbody></table></div>
<p class="muted">${tr.t('dash.window', { minutes: 60 })}</p></div>`,
  );
}
