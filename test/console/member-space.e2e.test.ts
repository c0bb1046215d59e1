/**
 * The member space in Chromium: a member logs in with the access login and
 * password their router uses, sees their status and usage, changes their
 * password under the tenant's rules, and the router then authenticates over
 * RADIUS with the new one (and no longer with the old). A suspended member
 * sees why and the tenant's link; repeated failures lock the login out; a
 * session sees its own member alone.
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveCredential } from '../../src/auth/credentials.js';
import { insertMember } from '../../src/db/members.js';
import { PacketCode } from '../../src/protocol/codes.js';
import { suspend } from '../../src/services/lifecycle.js';
import { setTenant } from '../../src/services/tenants.js';
import { clickAndWait, fill, launchBrowser, textOf, watchedPage, type WatchedPage } from './browser.js';
import { startConsoleDaemon, until, type ConsoleHarness } from './harness.js';

let h: ConsoleHarness;
let browser: Browser;

beforeAll(async () => {
  h = await startConsoleDaemon();
  await h.t.db.query(`UPDATE tenants SET settings = settings || '{"memberSpaceLink": "https://asso.example/dues", "passwordMinLength": 10}'::jsonb WHERE name = 'default'`);
  for (const [username, password] of [
    ['bob', 'bob-old-pass-1'],
    ['carol', 'carol-pass-12'],
    ['dave', 'dave-pass-123'],
  ]) {
    await insertMember(h.t.db, 1, { username: username!, credential: deriveCredential(password!, ['pap', 'chap', 'mschapv1', 'mschapv2']), authMethods: ['pap', 'chap', 'mschapv1', 'mschapv2'] });
  }
  await until(() => h.t.daemon.directory.member('bob'), 'bob in the directory');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

async function memberLogin(w: WatchedPage, login: string, password: string): Promise<void> {
  await w.page.goto(`${h.base}/me`);
  await fill(w.page, '#login', login);
  await fill(w.page, '#password', password);
  await clickAndWait(w.page, 'form[action="/me/login"] button[type="submit"]');
}

describe('the member space', () => {
  it('shows a member their status, usage this month and sessions', async () => {
    expect(await h.pap('bob', 'bob-old-pass-1')).toBe(PacketCode.AccessAccept);
    expect(await h.accounting('bob', 1, 'b0b00001')).toBe(PacketCode.AccountingResponse);
    expect(await h.accounting('bob', 2, 'b0b00001', { seconds: 5400, input: 150_000_000, output: 2_500_000_000 })).toBe(PacketCode.AccountingResponse);
    await h.t.daemon.services.flush();
    const w = await watchedPage(browser);
    await memberLogin(w, 'bob', 'bob-old-pass-1');
    expect(new URL(w.page.url()).pathname).toBe('/me');
    expect(await textOf(w.page, 'h1')).toBe('Hello bob');
    expect(await textOf(w.page, '[data-member-status]')).toBe('active');
    expect(await textOf(w.page, '[data-usage-month]')).toBe('2.65 GB');
    const main = await textOf(w.page, 'main');
    expect(main).toContain('1:30:00');
    expect(main).toContain('192.0.2.10');
    const cookie = (await w.page.cookies()).find((c) => c.name === 'radassoc_me');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/me' });
    expect(await w.page.content()).not.toContain(cookie!.value);
    expect(w.dialogs).toEqual([]);
    await w.page.browserContext().close();
  });

  it('changes the password under the tenant rules, and the router then logs in with it', async () => {
    const w = await watchedPage(browser);
    await memberLogin(w, 'bob', 'bob-old-pass-1');
    await w.page.goto(`${h.base}/me/password`);
    expect(await textOf(w.page, 'main')).toContain('at least 10 characters');
    // Too short for this tenant (10), and a wrong current password: both refused, nothing changed.
    await fill(w.page, '#current', 'bob-old-pass-1');
    await fill(w.page, '#password', 'short-9ch');
    await fill(w.page, '#confirm', 'short-9ch');
    await w.page.$eval('#password', (el: any) => el.removeAttribute('minlength'));
    await w.page.$eval('#confirm', (el: any) => el.removeAttribute('minlength'));
    await clickAndWait(w.page, 'form[action="/me/password"] button[type="submit"]');
    expect(await textOf(w.page, '.error')).toContain('at least 10 characters');
    await fill(w.page, '#current', 'not-the-password');
    await fill(w.page, '#password', 'bob-new-passphrase');
    await fill(w.page, '#confirm', 'bob-new-passphrase');
    await clickAndWait(w.page, 'form[action="/me/password"] button[type="submit"]');
    expect(await textOf(w.page, '.error')).toContain('current password is not the right one');
    expect(await h.pap('bob', 'bob-old-pass-1')).toBe(PacketCode.AccessAccept);

    await fill(w.page, '#current', 'bob-old-pass-1');
    await fill(w.page, '#password', 'bob-new-passphrase');
    await fill(w.page, '#confirm', 'bob-new-passphrase');
    await clickAndWait(w.page, 'form[action="/me/password"] button[type="submit"]');
    expect(new URL(w.page.url()).pathname).toBe('/me');
    expect(await textOf(w.page, '.notice')).toContain('Your password is changed');
    await until(async () => ((await h.pap('bob', 'bob-new-passphrase')) === PacketCode.AccessAccept ? true : undefined), 'the new password over RADIUS');
    expect(await h.pap('bob', 'bob-old-pass-1')).toBe(PacketCode.AccessReject);
    const audit = await h.t.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE target = 'member:bob' AND action = 'member.passwd'");
    expect(audit.rows.map((r) => r.actor)).toEqual(['member:bob']);
    await w.page.browserContext().close();
  });

  it('tells a suspended member why, with the link the tenant set', async () => {
    await suspend({ ...h.t.daemon.services }, { actor: { name: 'test' }, tenant: { id: 1, name: 'default' } }, { username: 'carol', reason: 'dues for 2026 not received' });
    const w = await watchedPage(browser, { lang: 'fr-FR,fr;q=0.9' });
    await memberLogin(w, 'carol', 'carol-pass-12');
    expect(await textOf(w.page, '[data-member-status]')).toBe('suspendu');
    expect(await textOf(w.page, '[data-suspended-reason]')).toBe('dues for 2026 not received');
    expect(await w.page.$eval('main .error a', (a: any) => String(a.href))).toBe('https://asso.example/dues');
    expect(await textOf(w.page, 'main')).toContain('Votre accès est suspendu');
    await w.page.browserContext().close();
  });

  it('logs out server-side: the old cookie no longer opens the space', async () => {
    const w = await watchedPage(browser);
    await memberLogin(w, 'dave', 'dave-pass-123');
    const cookie = (await w.page.cookies()).find((c) => c.name === 'radassoc_me')!;
    await clickAndWait(w.page, 'form[action="/me/logout"] button[type="submit"]');
    const r = await fetch(`${h.base}/me`, { headers: { cookie: `radassoc_me=${cookie.value}` } });
    expect(await r.text()).toContain('action="/me/login"');
    await w.page.browserContext().close();
  });

  it('refuses a wrong password, then locks the login out even with the right one', async () => {
    const w = await watchedPage(browser);
    await memberLogin(w, 'dave', 'wrong-password');
    expect(await textOf(w.page, '.error')).toContain('wrong login or password');
    for (let i = 0; i < 9; i++) await memberLogin(w, 'dave', `wrong-${i}`);
    await memberLogin(w, 'dave', 'dave-pass-123');
    expect(new URL(w.page.url()).pathname).toBe('/me/login');
    expect(await textOf(w.page, '.error')).toMatch(/too many failed attempts: try again in \d+ seconds/);
    expect(await w.page.$('[data-member-status]')).toBeNull();
    await w.page.browserContext().close();
  });

  it('follows `tenant set --member-space-link --password-min-length`: the link shown as text to a suspended member, the length enforced', async () => {
    const hostile = 'https://asso.example/pay?ref="><img/src=x/onerror=alert(1)>';
    const t = await setTenant({ db: h.t.db }, { name: 'test' }, { name: 'default', settings: { memberSpaceLink: hostile, passwordMinLength: 14 } });
    expect(t.settings).toMatchObject({ member_space_link: 'https://asso.example/pay?ref=%22%3E%3Cimg/src=x/onerror=alert(1)%3E', password_min_length: 14 });
    for (const [username, password] of [
      ['erin', 'erin-pass-1234'],
      ['fay', 'fay-pass-12345'],
    ]) {
      await insertMember(h.t.db, 1, { username: username!, credential: deriveCredential(password!, ['pap', 'chap']), authMethods: ['pap', 'chap'] });
    }
    await until(() => h.t.daemon.directory.member('fay'), 'fay in the directory');
    await suspend({ ...h.t.daemon.services }, { actor: { name: 'test' }, tenant: { id: 1, name: 'default' } }, { username: 'fay', reason: '<script>alert(1)</script>' });
    for (const [lang, header, words] of [
      ['en', 'en-GB,en;q=0.8', 'What to do (e.g. pay your dues)'],
      ['fr', 'fr-FR,fr;q=0.9', 'Que faire (p. ex. régler votre cotisation)'],
    ] as const) {
      const w = await watchedPage(browser, { lang: header });
      await memberLogin(w, 'fay', 'fay-pass-12345');
      expect(await w.page.$eval('main .error a', (a: any) => String(a.href))).toBe('https://asso.example/pay?ref=%22%3E%3Cimg/src=x/onerror=alert(1)%3E');
      expect(await textOf(w.page, 'main .error a'), lang).toBe(words);
      expect(await textOf(w.page, '[data-suspended-reason]')).toBe('<script>alert(1)</script>');
      expect(await w.page.$$eval('img', (l) => l.length)).toBe(0);
      expect(w.dialogs).toEqual([]);
      expect(w.errors).toEqual([]);
      await w.page.browserContext().close();
    }
    const w = await watchedPage(browser, { lang: 'fr-FR,fr;q=0.9' });
    await memberLogin(w, 'erin', 'erin-pass-1234');
    await w.page.goto(`${h.base}/me/password`);
    expect(await textOf(w.page, 'main')).toContain('14');
    expect(await w.page.$eval('#password', (el: any) => String(el.getAttribute('minlength')))).toBe('14');
    await fill(w.page, '#current', 'erin-pass-1234');
    await fill(w.page, '#password', 'only-13-chars');
    await fill(w.page, '#confirm', 'only-13-chars');
    await w.page.$eval('#password', (el: any) => el.removeAttribute('minlength'));
    await w.page.$eval('#confirm', (el: any) => el.removeAttribute('minlength'));
    await clickAndWait(w.page, 'form[action="/me/password"] button[type="submit"]');
    expect(await textOf(w.page, '.error')).toContain('14');
    expect(await h.pap('erin', 'erin-pass-1234')).toBe(PacketCode.AccessAccept);
    await fill(w.page, '#current', 'erin-pass-1234');
    await fill(w.page, '#password', 'fourteen-chars');
    await fill(w.page, '#confirm', 'fourteen-chars');
    await clickAndWait(w.page, 'form[action="/me/password"] button[type="submit"]');
    expect(new URL(w.page.url()).pathname).toBe('/me');
    await until(async () => ((await h.pap('erin', 'fourteen-chars')) === PacketCode.AccessAccept ? true : undefined), 'the new password over RADIUS');
    await w.page.browserContext().close();
  });
});
