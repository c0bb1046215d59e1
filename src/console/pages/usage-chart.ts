/**
 * Usage over time as a bar chart: inline SVG drawn here (presentation
 * attributes only, nothing for the Content-Security-Policy to allow), with
 * a <title> and an aria-label naming what it shows, each bar's own <title>,
 * and the same figures as a table for screen readers. The geometry goes to
 * the page's script as JSON too, so that a refreshed chart is the same
 * drawing (assets/script.ts redraws it with textContent, never markup).
 */
import { html, type Html } from '../html.js';
import type { Translator } from '../i18n/index.js';

/** A series as the API writes it (GET /api/v1/dashboard/traffic, /members/:u/usage). */
export interface SeriesBody {
  range: '24h' | '30d' | '12m' | 'month';
  unit: 'hour' | 'day' | 'month';
  from: string;
  to: string;
  buckets: Array<{ start: string; input_octets: number; output_octets: number; seconds: number }>;
}

export interface ChartBar {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Under the bar, or '' where labels would crowd. */
  axis: string;
  title: string;
}

export interface ChartData {
  label: string;
  width: number;
  height: number;
  bars: ChartBar[];
  /** The fallback table: when, down, up. */
  rows: Array<[string, string, string]>;
  total: string;
}

const BAR_W = 30;
const PLOT_H = 120;
const AXIS_H = 24;

function when(tr: Translator, unit: SeriesBody['unit'], iso: string): { long: string; short: string } {
  const d = new Date(iso);
  if (unit === 'hour') {
    const t = new Intl.DateTimeFormat(tr.locale, { timeStyle: 'short', timeZone: 'UTC' }).format(d);
    return { long: `${tr.day(iso.slice(0, 10))} ${t} UTC`, short: t };
  }
  if (unit === 'day') return { long: tr.day(iso.slice(0, 10)), short: String(d.getUTCDate()) };
  return { long: tr.month(iso.slice(0, 7)), short: `${iso.slice(5, 7)}/${iso.slice(2, 4)}` };
}

/** The chart's drawing and its table, in the reader's language. */
export function chartData(tr: Translator, label: string, s: SeriesBody): ChartData {
  const max = Math.max(1, ...s.buckets.map((b) => b.input_octets + b.output_octets));
  // Labels under every bar up to 12 bars, then every third (hours) or fifth (days).
  const every = s.buckets.length <= 12 ? 1 : s.unit === 'hour' ? 3 : 5;
  const bars = s.buckets.map((b, i): ChartBar => {
    const v = b.input_octets + b.output_octets;
    const h = v === 0 ? 0 : Math.max(1, Math.round((v / max) * PLOT_H));
    const w = when(tr, s.unit, b.start);
    return {
      x: i * BAR_W + 4,
      y: PLOT_H - h,
      width: BAR_W - 8,
      height: h,
      axis: (s.buckets.length - 1 - i) % every === 0 ? w.short : '',
      title: `${w.long}: ${tr.t('chart.bar', { down: tr.octets(b.output_octets), up: tr.octets(b.input_octets) })}`,
    };
  });
  const total = s.buckets.reduce((n, b) => n + b.input_octets + b.output_octets, 0);
  return {
    label,
    width: Math.max(1, s.buckets.length) * BAR_W,
    height: PLOT_H + AXIS_H,
    bars,
    rows: s.buckets.map((b) => [when(tr, s.unit, b.start).long, tr.octets(b.output_octets), tr.octets(b.input_octets)]),
    total: tr.t('chart.total', { total: tr.octets(total) }),
  };
}

/**
 * The chart, its total and its table. `poll`: the JSON address the script
 * refreshes it from, and how often (seconds).
 */
export function usageChart(tr: Translator, id: string, c: ChartData, poll?: { src: string; every: number }): Html {
  return html`<figure class="chart" data-chart="${id}"${poll ? html` data-chart-src="${poll.src}" data-every="${poll.every}"` : ''}>
<svg class="bars" role="img" aria-labelledby="${id}-title" viewBox="0 0 ${c.width} ${c.height}" width="100%" height="${c.height}" preserveAspectRatio="xMinYMin meet"><title id="${id}-title">${c.label}</title>${c.bars.map(
    (b) =>
      html`<g><title>${b.title}</title><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}"></rect><text x="${b.x + b.width / 2}" y="${PLOT_H + 16}" text-anchor="middle">${b.axis}</text></g>`,
  )}</svg>
<figcaption><span>${c.label}</span> · <span data-chart-total>${c.total}</span></figcaption>
<div class="visually-hidden"><table><caption>${c.label}</caption><thead><tr><th scope="col">${tr.t('chart.when')}</th><th scope="col">${tr.t('me.down')}</th><th scope="col">${tr.t('me.up')}</th></tr></thead><tbody data-chart-rows>${c.rows.map(
    (r) => html`<tr><th scope="row">${r[0]}</th><td>${r[1]}</td><td>${r[2]}</td></tr>`,
  )}</tbody></table></div></figure>`;
}
