/**
 * The console's usage graphs in Chromium, in English and French: the
 * dashboard's traffic over 24 hours and 30 days and a member's usage by
 * month and by day, each an SVG named by its <title> with a table of the
 * same figures for screen readers; the dashboard's flush lag and its charts
 * refresh without a reload as accounting arrives over UDP and the flush
 * runs. A member named with markup has the same page, shown as text.
 * The page's timers are shortened (its setInterval capped at half a second)
 * so that a refresh is seen in seconds rather than minutes.
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathOf } from '../../src/console/html.js';
import { upsertSessions, upsertSnapshots } from '../../src/db/usage.js';
import type { LiveSession } from '../../src/domain/session.js';
import { PacketCode } from '../../src/protocol/codes.js';
import { addMember } from '../../src/services/members.js';
import { consoleLogin, launchBrowser, textOf, watchedPage, type WatchedPage } from './browser.js';
import { ADMIN_PASSWORD, startConsoleDaemon, type ConsoleHarness } from './harness.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const IMG = '"><img src=x onerror=alert(1)>';
const H = Math.floor(Date.now() / HOUR) * HOUR;

let h: ConsoleHarness;
let browser: Browser;

function session(uniqueId: string, username: string, startTime: number, stopTime: number, outputOctets: number): LiveSession {
  return {
    uniqueId,
    nas: 'bras1',
    acctSessionId: uniqueId,
    tenantId: 1,
    username,
    nasPort: null,
    nasPortId: null,
    nasIpAddress: '127.0.0.1',
    framedIp: '192.0.2.10',
    callingStationId: null,
    classHex: null,
    startTime,
    lastUpdate: stopTime,
    interimInterval: 300,
    sessionTime: Math.round((stopTime - startTime) / 1000),
    inputOctets: 0,
    outputOctets,
    inputPackets: 0,
    outputPackets: 0,
    stopTime,
    terminateCause: 'User-Request',
  };
}

beforeAll(async () => {
  h = await startConsoleDaemon();
  await h.admin('claire', 'admin');
  const scope = { actor: { name: 'test' }, tenant: { id: 1, name: 'default' } };
  for (const username of ['alice', IMG]) await addMember({ db: h.t.db }, scope, { username, password: 'member-pass-1' });
  // 3 GB down from 90 to 15 minutes before the hour, half of it by 45 minutes before: 1 GB, then 2 GB.
  await upsertSessions(h.t.db, [session('g-a', 'alice', H - 90 * MIN, H - 15 * MIN, 3e9), session('g-b', IMG, H - 30 * MIN, H - 20 * MIN, 5e8)], Date.now());
  await upsertSnapshots(h.t.db, [{ uniqueId: 'g-a', at: H - 45 * MIN, seconds: 2700, inputOctets: 0, outputOctets: 1.5e9 }]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

async function page(lang: string): Promise<WatchedPage> {
  const w = await watchedPage(browser, { lang });
  await w.page.evaluateOnNewDocument(`(() => {
    const every = window.setInterval.bind(window);
    window.setInterval = (f, ms) => every(f, Math.min(ms || 0, 500));
  })()`);
  await consoleLogin(w.page, h.base, 'claire', ADMIN_PASSWORD);
  return w;
}

async function nothingRan(w: WatchedPage): Promise<void> {
  expect(await w.page.$$eval('img', (l) => l.length)).toBe(0);
  expect(await w.page.$$eval('script', (l: any[]) => l.filter((s) => s.getAttribute('src') !== '/console/assets/console.js').length)).toBe(0);
  expect(w.dialogs).toEqual([]);
  expect(w.errors).toEqual([]);
}

/** The chart's accessible name (its <title>, by aria-labelledby), bars, and the table's rows. */
async function chart(w: WatchedPage, id: string): Promise<{ name: string; bars: number; rows: string[]; total: string }> {
  return w.page.$eval(`[data-chart="${id}"]`, (fig: any) => {
    const svg = fig.querySelector('svg');
    return {
      name: String(fig.ownerDocument.getElementById(svg.getAttribute('aria-labelledby'))?.textContent ?? ''),
      bars: svg.querySelectorAll('rect').length,
      rows: [...fig.querySelectorAll('[data-chart-rows] tr')].map((r: any) => String(r.textContent)),
      total: String(fig.querySelector('[data-chart-total]').textContent),
    };
  });
}

const WORDS = {
  en: { header: 'en-GB,en;q=0.8', day: 'Traffic over the last 24 hours, by hour', month: 'Traffic over the last 30 days, by day', gb: 'GB', year: 'Usage over the last 12 months, by month', thisMonth: 'Usage this month, by day', total: 'total 3.5 GB' },
  fr: { header: 'fr-FR,fr;q=0.9', day: 'Trafic des dernières 24 heures, par heure', month: 'Trafic des 30 derniers jours, par jour', gb: 'Go', year: 'Consommation des 12 derniers mois, par mois', thisMonth: 'Consommation de ce mois, par jour', total: 'total 3,5 Go' },
} as const;

describe('usage graphs', () => {
  it.each(['en', 'fr'] as const)('in %s: the dashboard draws 24 hours and 30 days, named, with a table of the same figures', async (lang) => {
    const t = WORDS[lang];
    const w = await page(t.header);
    await w.page.goto(`${h.base}/console/dashboard`);
    const day = await chart(w, 'traffic-24h');
    expect(day).toMatchObject({ name: t.day, bars: 24, total: t.total });
    expect(day.rows).toHaveLength(24);
    // Split at the hour by the interim snapshot: 1 GB in the hour before last, 2 GB + 0.5 GB in the last one.
    expect(day.rows[21]).toContain(`1 ${t.gb}`);
    expect(day.rows[22]).toContain(`2,5 ${t.gb}`.replace(',', lang === 'en' ? '.' : ','));
    const month = await chart(w, 'traffic-30d');
    expect(month).toMatchObject({ name: t.month, bars: 30, total: t.total });
    expect(await w.page.$eval('[data-chart="traffic-24h"] svg', (s: any) => s.getAttribute('role'))).toBe('img');
    await nothingRan(w);
    await w.page.browserContext().close();
  });

  it('refreshes the flush lag and the traffic without a reload', async () => {
    const w = await page(WORDS.en.header);
    await w.page.goto(`${h.base}/console/dashboard`);
    const navigations: string[] = [];
    w.page.on('framenavigated', (f) => navigations.push(f.url()));
    expect(await textOf(w.page, '[data-figure="flush_lag"]')).toBe('0:00:00');
    expect(await textOf(w.page, '[data-figure="last_flush"]')).toBe('no flush by this server yet');
    expect(await h.accounting('alice', 1, 'f1a90001')).toBe(PacketCode.AccountingResponse);
    // Waiting in the session store, older by the second.
    await w.page.waitForFunction(`document.querySelector('[data-figure="flush_lag"]').textContent !== '0:00:00'`, { timeout: 15_000 });
    expect(await h.accounting('alice', 2, 'f1a90001', { seconds: 60, output: 500_000_000 })).toBe(PacketCode.AccountingResponse);
    await h.t.daemon.services.flush();
    await w.page.waitForFunction(`document.querySelector('[data-figure="flush_lag"]').textContent === '0:00:00' && document.querySelector('[data-figure="last_flush"]').textContent.startsWith('last flush')`, { timeout: 15_000 });
    // The flushed 0.5 GB in the current hour reaches the chart.
    await w.page.waitForFunction(`document.querySelector('[data-chart="traffic-24h"] [data-chart-total]').textContent === 'total 4 GB'`, { timeout: 15_000 });
    expect((await chart(w, 'traffic-24h')).bars).toBe(24);
    expect(navigations).toEqual([]);
    await nothingRan(w);
    await w.page.browserContext().close();
  });

  it.each(['en', 'fr'] as const)("in %s: a member's page draws 12 months and this month's days, even for a name made of markup", async (lang) => {
    const t = WORDS[lang];
    const w = await page(t.header);
    await w.page.goto(`${h.base}${pathOf('/console/members', 'alice')}`);
    const year = await chart(w, 'usage-12m');
    expect(year).toMatchObject({ name: t.year, bars: 12 });
    expect(year.rows).toHaveLength(12);
    const days = await chart(w, 'usage-month');
    expect(days).toMatchObject({ name: t.thisMonth, bars: new Date().getUTCDate() });
    await w.page.goto(`${h.base}${pathOf('/console/members', IMG)}`);
    expect(await textOf(w.page, 'h1')).toBe(IMG);
    expect(await chart(w, 'usage-12m')).toMatchObject({ name: t.year, bars: 12 });
    await nothingRan(w);
    await w.page.browserContext().close();
  });
});
