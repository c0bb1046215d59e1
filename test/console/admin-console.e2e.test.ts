/**
 * The admin console in Chromium against a running daemon: a volunteer logs
 * in, adds a member, watches them come online as accounting arrives over
 * UDP (the dashboard's figure changes without a reload), suspends them and
 * the Disconnect-Request reaches the simulated NAS, the treasurer exports
 * the month as CSV, the language switch turns the pages French, and logout
 * ends the session server-side.
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacketCode } from '../../src/protocol/codes.js';
import { clickAndWait, fill, launchBrowser, textOf, watchedPage, type WatchedPage, consoleLogin } from './browser.js';
import { ADMIN_PASSWORD, startConsoleDaemon, until, type ConsoleHarness } from './harness.js';

let h: ConsoleHarness;
let browser: Browser;
let w: WatchedPage;

beforeAll(async () => {
  h = await startConsoleDaemon();
  await h.admin('claire', 'admin');
  await h.admin('tresor', 'treasurer');
  browser = await launchBrowser();
  w = await watchedPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const login = (page: WatchedPage['page'], username: string): Promise<void> => consoleLogin(page, h.base, username, ADMIN_PASSWORD);

describe('the admin console', () => {
  it('logs in with the API account and shows the dashboard', async () => {
    await login(w.page, 'claire');
    expect(new URL(w.page.url()).pathname).toBe('/console/dashboard');
    expect(await textOf(w.page, 'h1')).toBe('Dashboard');
    expect(await textOf(w.page, '[data-figure="online"]')).toBe('0');
    const cookies = await w.page.cookies();
    const session = cookies.find((c) => c.name === 'radassoc_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    // The token is in the cookie only: never in the page or its address.
    expect(await w.page.content()).not.toContain(session!.value);
    expect(w.page.url()).not.toContain(session!.value);
  });

  it('adds a member from the form', async () => {
    await w.page.goto(`${h.base}/console/members/new`);
    await fill(w.page, '#username', 'alice');
    await fill(w.page, '#password', 'alice-pass-1');
    await fill(w.page, '#paid_until', '');
    await w.page.$eval('#paid_until', (el: any) => (el.value = '2031-01-31'));
    await clickAndWait(w.page, 'form[action="/console/members/new"] button[type="submit"]');
    expect(new URL(w.page.url()).pathname).toBe('/console/members/alice');
    expect(await textOf(w.page, '.notice')).toBe('The member was added.');
    expect(await textOf(w.page, '[data-member-status]')).toBe('active');
    expect(await h.pap('alice', 'alice-pass-1')).toBe(PacketCode.AccessAccept);
  });

  it('finds the member by typing, without submitting the search', async () => {
    await w.page.goto(`${h.base}/console/members`);
    await w.page.type('#f-q', 'ali');
    await w.page.waitForFunction(`document.querySelector('[data-rows="members"] a')?.textContent === 'alice'`);
    expect(new URL(w.page.url()).search).toBe('');
    await w.page.type('#f-q', 'x');
    await w.page.waitForFunction(`document.querySelectorAll('[data-rows="members"] tr').length === 0`);
  });

  it('shows the member online on the dashboard as accounting arrives, without a reload', async () => {
    await w.page.goto(`${h.base}/console/dashboard`);
    const navigations: string[] = [];
    w.page.on('framenavigated', (f) => navigations.push(f.url()));
    expect(await h.accounting('alice', 1, 'c0ffee01')).toBe(PacketCode.AccountingResponse);
    await w.page.waitForFunction(`document.querySelector('[data-figure="online"]')?.textContent === '1'`, { timeout: 15_000 });
    expect(navigations).toEqual([]);
    // The accepted PAP login of the step before is counted too.
    expect(Number(await textOf(w.page, '[data-figure="accepts"]'))).toBeGreaterThanOrEqual(1);
    // And on the page of who is online, counted, one page of the API's sessions.
    await w.page.goto(`${h.base}/console/sessions`);
    expect(await textOf(w.page, 'tbody[data-rows="sessions"]')).toContain('alice');
    expect(await textOf(w.page, 'main p')).toBe('1 session open');
    expect(await w.page.$('.pager a')).toBeNull();
    await w.page.goto(`${h.base}/console/members/alice`);
    expect(await w.page.$('table[data-online="yes"]')).not.toBeNull();
    expect(await textOf(w.page, 'table[data-online="yes"] tbody')).toContain('c0ffee01');
  });

  it('suspends with a reason: the Disconnect-Request reaches the NAS and the next login is refused', async () => {
    await fill(w.page, '#reason', 'dues unpaid since March');
    await clickAndWait(w.page, `form[action="/console/members/alice/suspend"] button[type="submit"]`);
    expect(await textOf(w.page, '.notice')).toMatch(/suspended/);
    expect(await textOf(w.page, '[data-member-status]')).toBe('suspended');
    expect(await textOf(w.page, '[data-suspended-reason]')).toBe('dues unpaid since March');
    const [req] = await until(() => (h.das.requests(PacketCode.DisconnectRequest).length > 0 ? h.das.requests(PacketCode.DisconnectRequest) : undefined), 'the Disconnect-Request');
    expect(req).toMatchObject({ authenticatorValid: true, userName: 'alice', acctSessionId: 'c0ffee01', framedIp: '192.0.2.10' });
    await until(() => (h.t.daemon.directory.member('alice')?.status === 'suspended' ? true : undefined), 'the suspension in the cache');
    expect(await h.pap('alice', 'alice-pass-1')).toBe(PacketCode.AccessReject);
    // The authentication log is written in batches: the refusal shows up on the dashboard within seconds.
    await until(async () => {
      await w.page.goto(`${h.base}/console/dashboard`);
      return (await textOf(w.page, '[data-rows="rejects"]')).includes('suspended') ? true : undefined;
    }, 'the refusal on the dashboard', 10_000);
  });

  it('lets the treasurer export the month as a CSV download', async () => {
    expect(await h.accounting('alice', 2, 'c0ffee01', { seconds: 3600, input: 2_000_000, output: 3_000_000_000 })).toBe(PacketCode.AccountingResponse);
    await h.t.daemon.services.flush();
    const t = await watchedPage(browser);
    await login(t.page, 'tresor');
    await t.page.goto(`${h.base}/console/export`);
    // The treasurer sees no member actions: the role decides, the API enforces.
    const from = await t.page.$eval('#from', (el: any) => String(el.value));
    const to = await t.page.$eval('#to', (el: any) => String(el.value));
    const month = new Date().toISOString().slice(0, 7);
    expect(from).toBe(`${month}-01`);
    expect(to.slice(0, 7)).toBe(month);
    const got = await t.page.evaluate(async (href: string) => {
      const r = await fetch(href, { credentials: 'same-origin' });
      return { status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'), text: await r.text() };
    }, `/console/export.csv?from=${from}&to=${to}`);
    expect(got.status).toBe(200);
    expect(got.type).toMatch(/^text\/csv/);
    expect(got.disposition).toBe(`attachment; filename="radassoc-usage-${from}-${to}.csv"`);
    const [header, ...rows] = got.text.trim().split(/\r?\n/);
    expect(header).toBe('username,sessions,seconds,input_octets,output_octets');
    expect(rows).toContain('alice,1,3600,2000000,3000000000');
    await t.page.goto(`${h.base}/console/members/alice`);
    expect(await t.page.$('form[action="/console/members/alice/suspend"], form[action="/console/members/alice/resume"]')).toBeNull();
    expect(await t.page.$('form[action="/console/members/alice/paid-until"]')).not.toBeNull();
    await t.page.browserContext().close();
  });

  it('switches the language to French and back, from any page', async () => {
    await w.page.goto(`${h.base}/console/members/alice`);
    await clickAndWait(w.page, 'button[data-lang-switch="fr"]');
    expect(new URL(w.page.url()).pathname).toBe('/console/members/alice');
    expect(await w.page.$eval('html', (el: any) => String(el.lang))).toBe('fr');
    expect(await textOf(w.page, '[data-member-status]')).toBe('suspendu');
    expect(await textOf(w.page, 'header nav')).toContain('Tableau de bord');
    expect(await textOf(w.page, 'main')).toContain('Rétablir');
    await w.page.goto(`${h.base}/console/dashboard`);
    expect(await textOf(w.page, 'h1')).toBe('Tableau de bord');
    expect(await textOf(w.page, 'main')).toContain('En ligne maintenant');
    await clickAndWait(w.page, 'button[data-lang-switch="en"]');
    expect(await textOf(w.page, 'h1')).toBe('Dashboard');
  });

  it('answers in French to a browser asking for French, with dates and octets its way', async () => {
    const fr = await watchedPage(browser, { lang: 'fr-FR,fr;q=0.9,en;q=0.5' });
    await login(fr.page, 'claire');
    expect(await textOf(fr.page, 'h1')).toBe('Tableau de bord');
    await fr.page.goto(`${h.base}/console/members/alice`);
    const finished = await textOf(fr.page, 'main');
    expect(finished).toContain('3 Go');
    expect(finished).toContain("Payé jusqu'au");
    expect(finished).toMatch(/31 janv\. 2031/);
    await fr.page.browserContext().close();
  });

  it('resumes the member', async () => {
    await w.page.goto(`${h.base}/console/members/alice`);
    await clickAndWait(w.page, 'form[action="/console/members/alice/resume"] button[type="submit"]');
    expect(await textOf(w.page, '[data-member-status]')).toBe('active');
    await until(() => (h.t.daemon.directory.member('alice')?.status === 'active' ? true : undefined), 'the resumption in the cache');
    expect(await h.pap('alice', 'alice-pass-1')).toBe(PacketCode.AccessAccept);
  });

  it('sends every page with a Content-Security-Policy without unsafe-inline, and refuses framing', async () => {
    const r = await w.page.goto(`${h.base}/console/dashboard`);
    const csp = r!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r!.headers()['x-frame-options']).toBe('DENY');
    expect(await w.page.$$eval('script:not([src])', (s) => s.length)).toBe(0);
    expect(await w.page.$$eval('[style]', (s) => s.length)).toBe(0);
    expect(w.errors).toEqual([]);
    expect(w.console.filter((m) => /Content Security Policy/i.test(m))).toEqual([]);
  });

  it('refuses a change without the form token', async () => {
    const status = await w.page.evaluate(async () => {
      const r = await fetch('/console/members/alice/suspend', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'reason=forged' });
      return r.status;
    });
    expect(status).toBe(403);
    await w.page.goto(`${h.base}/console/members/alice`);
    expect(await textOf(w.page, '[data-member-status]')).toBe('active');
  });

  it('logs out: the session ends in the database, not only in the browser', async () => {
    const token = (await w.page.cookies()).find((c) => c.name === 'radassoc_console')!.value;
    await clickAndWait(w.page, 'form[action="/console/logout"] button[type="submit"]');
    expect(new URL(w.page.url()).pathname).toBe('/console/login');
    const who = await fetch(`${h.base}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(who.status).toBe(401);
    await w.page.goto(`${h.base}/console/members`);
    expect(new URL(w.page.url()).pathname).toBe('/console/login');
  });

  it('opened no dialog and raised no script error on any page', () => {
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
  });
});
