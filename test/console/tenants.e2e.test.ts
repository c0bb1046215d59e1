/**
 * Tenants in the console: one tenant's admin reaching another tenant's
 * member by URL gets "not found", in the page and for every action, and the
 * member list shows the admin's own tenant alone.
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
  await h.t.db.query("INSERT INTO tenants (name, display_name) VALUES ('asso-b', 'Association B')");
  await h.admin('bea', 'admin', 'asso-b');
  browser = await launchBrowser();
  w = await watchedPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const login = (page: WatchedPage['page'], username: string): Promise<void> => consoleLogin(page, h.base, username, ADMIN_PASSWORD);

describe("another tenant's member by URL", () => {
  it('is not found for the other tenant’s admin, who cannot act on it either', async () => {
    await login(w.page, 'claire');
    await w.page.goto(`${h.base}/console/members/new`);
    await fill(w.page, '#username', 'alice');
    await fill(w.page, '#password', 'alice-pass-1');
    await clickAndWait(w.page, 'form[action="/console/members/new"] button[type="submit"]');
    expect(await h.pap('alice', 'alice-pass-1')).toBe(PacketCode.AccessAccept);

    const b = await watchedPage(browser);
    await login(b.page, 'bea');
    const r = await b.page.goto(`${h.base}/console/members/alice`);
    expect(r!.status()).toBe(404);
    expect(await textOf(b.page, 'h1')).toBe('Not found');
    expect(await textOf(b.page, 'main')).not.toContain('alice');
    await b.page.goto(`${h.base}/console/members`);
    expect(await textOf(b.page, '[data-rows="members"]')).toBe('');
    const csrf = await b.page.$eval('input[name="_csrf"]', (el: any) => String(el.value));
    const status = await b.page.evaluate(async (token: string) => {
      const res = await fetch('/console/members/alice/suspend', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${token}&reason=not+yours` });
      return res.status;
    }, csrf);
    expect(status).toBe(404);
    await until(() => (h.t.daemon.directory.member('alice')?.status === 'active' ? true : undefined), 'alice still active');
    expect(await h.pap('alice', 'alice-pass-1')).toBe(PacketCode.AccessAccept);
    expect(b.dialogs).toEqual([]);
    await b.page.browserContext().close();
  });
});
