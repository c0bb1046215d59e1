/**
 * Every field of the console and the member space attacked with markup and
 * quotes, in Chromium: whatever was typed is shown as text where it comes
 * back (lists, member page, audit log, refused forms echoing their values,
 * the member's own page), and nothing of it runs: no dialog opens, no image
 * or script element is created.
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathOf } from '../../src/console/html.js';
import { clickAndWait, fill, launchBrowser, textOf, watchedPage, type WatchedPage, consoleLogin } from './browser.js';
import { addMember, setMember } from '../../src/services/members.js';
import { scopeOf } from '../support/scope.js';
import { ADMIN_PASSWORD, startConsoleDaemon, type ConsoleHarness } from './harness.js';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const QUOTES = `O'Brien "the \`tick\`" & co`;
const HOSTILE = [SCRIPT, IMG, QUOTES];

let h: ConsoleHarness;
let browser: Browser;
let w: WatchedPage;

beforeAll(async () => {
  h = await startConsoleDaemon();
  await h.admin('claire', 'admin');
  browser = await launchBrowser();
  w = await watchedPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const login = (page: WatchedPage['page'], username: string, password = ADMIN_PASSWORD): Promise<void> => consoleLogin(page, h.base, username, password);

/** Nothing typed became markup: no injected element, no dialog, no script error. */
async function nothingRan(page: WatchedPage['page']): Promise<void> {
  expect(await page.$$eval('img', (l) => l.length)).toBe(0);
  expect(await page.$$eval('script', (l: any[]) => l.filter((s) => s.getAttribute('src') !== '/console/assets/console.js').length)).toBe(0);
  expect(w.dialogs).toEqual([]);
  expect(w.errors).toEqual([]);
}

describe('hostile input, shown as text and never run', () => {
  it('in the login form, echoed after a refusal', async () => {
    for (const bad of HOSTILE) {
      await login(w.page, bad, bad);
      expect(await w.page.$eval('#username', (el: any) => String(el.value))).toBe(bad);
      expect(await textOf(w.page, '.error')).toContain('wrong login or password');
      await nothingRan(w.page);
    }
  });

  it('in member names, reasons and every member field', async () => {
    await login(w.page, 'claire');
    for (const bad of HOSTILE) {
      await w.page.goto(`${h.base}/console/members/new`);
      await fill(w.page, '#username', bad);
      await fill(w.page, '#password', 'hostile-pass-1');
      await clickAndWait(w.page, 'form[action="/console/members/new"] button[type="submit"]');
      expect(new URL(w.page.url()).pathname).toBe(pathOf('/console/members', bad));
      expect(await textOf(w.page, 'h1')).toBe(bad);
      await nothingRan(w.page);
      await fill(w.page, '#reason', bad);
      await clickAndWait(w.page, 'form[action$="/suspend"] button[type="submit"]');
      expect(await textOf(w.page, '[data-suspended-reason]')).toBe(bad);
      expect(await textOf(w.page, 'details .summary')).toContain(bad);
      await nothingRan(w.page);
    }
    // A refused add echoes every field as it was typed.
    await w.page.goto(`${h.base}/console/members/new`);
    await fill(w.page, '#username', 'echo-test');
    await fill(w.page, '#password', 'hostile-pass-1');
    for (const id of ['#ipv4', '#ipv6_prefix', '#max_sessions']) await fill(w.page, id, IMG);
    await clickAndWait(w.page, 'form[action="/console/members/new"] button[type="submit"]');
    expect(await textOf(w.page, '.error')).toMatch(/some fields need fixing/);
    for (const id of ['#ipv4', '#ipv6_prefix', '#max_sessions']) expect(await w.page.$eval(id, (el: any) => String(el.value))).toBe(IMG);
    await nothingRan(w.page);
  });

  it('in the member list, the search as you type and the audit log', async () => {
    await w.page.goto(`${h.base}/console/members`);
    const listed = await textOf(w.page, '[data-rows="members"]');
    for (const bad of HOSTILE) expect(listed).toContain(bad);
    await w.page.type('#f-q', '"><img');
    await w.page.waitForFunction(`document.querySelectorAll('[data-rows="members"] tr').length === 1`);
    expect(await textOf(w.page, '[data-rows="members"]')).toContain(IMG);
    await nothingRan(w.page);
    await w.page.goto(`${h.base}/console/members?q=${encodeURIComponent(SCRIPT)}&plan=${encodeURIComponent(IMG)}`);
    expect(await w.page.$eval('#f-q', (el: any) => String(el.value))).toBe(SCRIPT);
    await nothingRan(w.page);
    await w.page.goto(`${h.base}/console/audit?username=${encodeURIComponent(IMG)}`);
    expect(await w.page.$eval('#a-user', (el: any) => String(el.value))).toBe(IMG);
    expect(await textOf(w.page, 'tbody')).toContain(`member:${IMG}`);
    await w.page.goto(`${h.base}/console/audit`);
    expect(await textOf(w.page, 'tbody')).toContain(`member:${SCRIPT}`);
    await nothingRan(w.page);
  });

  it('in the plan, NAS and export forms, refused and echoed', async () => {
    await w.page.goto(`${h.base}/console/plans`);
    await fill(w.page, '#name', IMG);
    await fill(w.page, '#attributes', `Reply-Message=${SCRIPT}\n${IMG}`);
    await clickAndWait(w.page, 'form[action="/console/plans"] button[type="submit"]');
    expect(await w.page.$('.error')).not.toBeNull();
    expect(await w.page.$eval('#name', (el: any) => String(el.value))).toBe(IMG);
    expect(await w.page.$eval('#attributes', (el: any) => String(el.value))).toBe(`Reply-Message=${SCRIPT}\n${IMG}`);
    await nothingRan(w.page);

    // A plan whose reply message is markup: stored, listed as text.
    await fill(w.page, '#name', 'walled');
    await fill(w.page, '#attributes', `Reply-Message=${SCRIPT}`);
    await clickAndWait(w.page, 'form[action="/console/plans"] button[type="submit"]');
    expect(await textOf(w.page, 'tbody')).toContain(`Reply-Message=${SCRIPT}`);
    await nothingRan(w.page);

    await w.page.goto(`${h.base}/console/nas`);
    await fill(w.page, '#name', SCRIPT);
    await fill(w.page, '#address', IMG);
    await fill(w.page, '#secret', 'typed-secret-never-shown-again-0123456789');
    await fill(w.page, '#coa_port', QUOTES);
    await clickAndWait(w.page, 'form[action="/console/nas"] button[type="submit"]');
    expect(await w.page.$('.error')).not.toBeNull();
    expect(await w.page.$eval('#name', (el: any) => String(el.value))).toBe(SCRIPT);
    expect(await w.page.$eval('#address', (el: any) => String(el.value))).toBe(IMG);
    expect(await w.page.$eval('#secret', (el: any) => String(el.value))).toBe('');
    expect(await w.page.content()).not.toContain('typed-secret-never-shown-again');
    await nothingRan(w.page);

    await w.page.goto(`${h.base}/console/export.csv?from=${encodeURIComponent(IMG)}&to=${encodeURIComponent(SCRIPT)}`);
    // A date field drops a value that is no date; the attribute as sent keeps it, as text.
    expect(await w.page.$eval('#from', (el: any) => String(el.getAttribute('value')))).toBe(IMG);
    expect(await w.page.$('.error')).not.toBeNull();
    await nothingRan(w.page);
  });

  it("in a member's own reply attributes, shown as text in both languages, a Tunnel-Password redacted", async () => {
    await addMember(h.t.daemon.services, scopeOf('console-test'), { username: 'rita', password: 'hostile-pass-1' });
    const replyAttributes = [
      { name: 'Reply-Message', value: `${SCRIPT} ${IMG}` },
      { name: 'Tunnel-Password:1', value: 'typed-tunnel-secret-0123' },
    ];
    await setMember(h.t.daemon.services, scopeOf('console-test'), { username: 'rita', replyAttributes });
    for (const lang of ['en-GB,en;q=0.8', 'fr-FR,fr;q=0.9,en;q=0.5']) {
      const p = await watchedPage(browser, { lang });
      await login(p.page, 'claire');
      await p.page.goto(`${h.base}${pathOf('/console/members', 'rita')}`);
      const shown = await textOf(p.page, '[data-reply-attributes]');
      expect(shown).toContain(`Reply-Message=${SCRIPT} ${IMG}`);
      expect(shown).toContain('Tunnel-Password:1=[redacted]');
      expect(shown).toContain(lang.startsWith('fr') ? 'modifiables par radassoc member set --attr' : 'changed with radassoc member set --attr');
      expect(await p.page.content()).not.toContain('typed-tunnel-secret');
      expect(await p.page.$$eval('img', (l) => l.length)).toBe(0);
      expect(p.dialogs).toEqual([]);
      expect(p.errors).toEqual([]);
      await p.page.browserContext().close();
    }
  });

  it('in the member space: the login echoed, the suspension reason shown to the member', async () => {
    const m = await watchedPage(browser);
    await m.page.goto(`${h.base}/me`);
    await fill(m.page, '#login', IMG);
    await fill(m.page, '#password', SCRIPT);
    await clickAndWait(m.page, 'form[action="/me/login"] button[type="submit"]');
    expect(await m.page.$eval('#login', (el: any) => String(el.value))).toBe(IMG);
    await m.page.goto(`${h.base}/me`);
    await fill(m.page, '#login', SCRIPT);
    await fill(m.page, '#password', 'hostile-pass-1');
    await clickAndWait(m.page, 'form[action="/me/login"] button[type="submit"]');
    expect(await textOf(m.page, 'h1')).toBe(`Hello ${SCRIPT}`);
    expect(await textOf(m.page, '[data-suspended-reason]')).toBe(SCRIPT);
    expect(await m.page.$$eval('img', (l) => l.length)).toBe(0);
    expect(m.dialogs).toEqual([]);
    expect(m.errors).toEqual([]);
    await m.page.browserContext().close();
  });

  it('the language switch sends back to pages of ours only', async () => {
    await w.page.goto(`${h.base}/console/dashboard`);
    const csrf = await w.page.$eval('input[name="_csrf"]', (el: any) => String(el.value));
    const direct = await fetch(`${h.base}/console/lang`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `radassoc_csrf=${csrf}` },
      body: `_csrf=${csrf}&lang=fr&back=${encodeURIComponent('https://evil.example/')}`,
    });
    expect(direct.status).toBe(303);
    expect(direct.headers.get('location')).toBe('/console');
  });
});
