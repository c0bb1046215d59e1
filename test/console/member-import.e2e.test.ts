/**
 * The console's CSV import in Chromium, in English and French: a file is
 * uploaded and checked first, every faulty line shown with its number and
 * reason and nothing written; a clean file is previewed, still nothing
 * written, and the confirmation imports exactly that file (a tampered or
 * stale confirmation imports nothing). Markup and quotes in the file's
 * names, values and file name are shown as text and never run.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacketCode } from '../../src/protocol/codes.js';
import { clickAndWait, consoleLogin, launchBrowser, textOf, watchedPage, type WatchedPage } from './browser.js';
import { ADMIN_PASSWORD, startConsoleDaemon, until, type ConsoleHarness } from './harness.js';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const QUOTES = `O'Brien "the \`tick\`" & co`;
const dir = mkdtempSync(join(tmpdir(), 'radassoc-import-'));

let h: ConsoleHarness;
let browser: Browser;

const csvField = (v: string): string => `"${v.replace(/"/g, '""')}"`;

/** A file on disk for the file input, named as given. */
function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

beforeAll(async () => {
  h = await startConsoleDaemon();
  await h.admin('claire', 'admin');
  await h.t.db.query("INSERT INTO plans (tenant_id, name) VALUES (1, 'fibre-100')");
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const members = async (): Promise<string[]> => (await h.t.db.query<{ username: string }>('SELECT username FROM members ORDER BY username')).rows.map((r) => r.username);

async function nothingRan(w: WatchedPage): Promise<void> {
  expect(await w.page.$$eval('img', (l) => l.length)).toBe(0);
  expect(await w.page.$$eval('script', (l: any[]) => l.filter((s) => s.getAttribute('src') !== '/console/assets/console.js').length)).toBe(0);
  expect(w.dialogs).toEqual([]);
  expect(w.errors).toEqual([]);
}

async function upload(w: WatchedPage, path: string): Promise<void> {
  await w.page.goto(`${h.base}/console/members/import`);
  const input = await w.page.$('#file');
  await (input as any).uploadFile(path);
  await clickAndWait(w.page, 'form[action="/console/members/import"] button[type="submit"]');
}

const WORDS = {
  en: { header: 'en-GB,en;q=0.8', faulty: '2 faulty lines; nothing was imported', ready: 'Ready to import 3 members from', confirm: 'Import the 3 members', done: 'The members were imported.', expired: 'this preview has expired or is not yours' },
  fr: { header: 'fr-FR,fr;q=0.9', faulty: '2 lignes fautives ; rien n’a été importé', ready: 'Prêt à importer 3 adhérents depuis', confirm: 'Importer les 3 adhérents', done: 'Les adhérents ont été importés.', expired: 'cet aperçu a expiré ou n’est pas le vôtre' },
} as const;

describe('the CSV import page', () => {
  it.each(['en', 'fr'] as const)('in %s: shows every faulty line with its number and reason, writes nothing', async (lang) => {
    const t = WORDS[lang];
    const w = await watchedPage(browser, { lang: t.header });
    await consoleLogin(w.page, h.base, 'claire', ADMIN_PASSWORD);
    await w.page.goto(`${h.base}/console/members`);
    await clickAndWait(w.page, 'a[href="/console/members/import"]');
    const before = await members();
    await upload(
      w,
      file(`faulty-${lang}.csv`, ['username,password,plan,ipv4', `ok-${lang},ok-pass-1234,fibre-100,`, `bad-${lang},,fibre-100,${csvField(IMG)}`, `${csvField(SCRIPT)},pass-12345,${csvField(QUOTES)},`]),
    );
    const faults = await textOf(w.page, '[data-import-faults]');
    expect(faults).toContain(t.faulty);
    const rows = await w.page.$$eval('[data-import-faults] tbody tr', (l: any[]) => l.map((r) => [String(r.cells[0].innerText), String(r.cells[1].innerText)]));
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(['3', '4']));
    expect(rows.find((r) => r[0] === '3' && r[1]!.includes(IMG))).toBeDefined();
    expect(rows.find((r) => r[0] === '4' && r[1]!.includes(QUOTES))).toBeDefined();
    expect(await w.page.$('[data-import-preview]')).toBeNull();
    expect(await members()).toEqual(before);
    await nothingRan(w);
    await w.page.browserContext().close();
  });

  it.each(['en', 'fr'] as const)('in %s: previews a clean file, then imports exactly it on confirmation', async (lang) => {
    const t = WORDS[lang];
    const w = await watchedPage(browser, { lang: t.header });
    await consoleLogin(w.page, h.base, 'claire', ADMIN_PASSWORD);
    const names = [`${SCRIPT}${lang}`, `${IMG}${lang}`, `${QUOTES}${lang}`];
    await upload(
      w,
      file(`${IMG}-${lang}.csv`, ['username,password,plan,line', ...names.map((n, i) => `${csvField(n)},pass-${lang}-12345,fibre-100,${csvField(`${IMG} ${lang}:${i}`)}`)]),
    );
    expect(await textOf(w.page, '[data-import-preview] h2')).toContain(t.ready);
    const listed = await textOf(w.page, '[data-import-preview] tbody');
    for (const n of names) expect(listed).toContain(n);
    expect(listed).toContain(`${IMG} ${lang}:0`);
    expect(await w.page.content()).not.toContain(`pass-${lang}-12345`);
    for (const n of names) expect(await members()).not.toContain(n);
    await nothingRan(w);

    // The confirmation posted as the page's form would, from the page itself (its cookies, its CSRF token).
    const form = (await w.page.$eval('form[action="/console/members/import/confirm"]', (f: any) =>
      Object.fromEntries([...f.querySelectorAll('input')].map((i: any) => [String(i.name), String(i.value)])),
    )) as Record<string, string>;
    const post = (fields: Record<string, string>): Promise<string> =>
      w.page.evaluate(
        (body: string) => fetch('/console/members/import/confirm', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }).then((r) => r.text()),
        new URLSearchParams(fields).toString(),
      );
    // One that does not name the preview's file imports nothing.
    expect(await post({ ...form, sha256: '0'.repeat(64) })).toContain(t.expired);
    for (const n of names) expect(await members()).not.toContain(n);

    expect(await textOf(w.page, 'form[action="/console/members/import/confirm"] button')).toBe(t.confirm);
    await clickAndWait(w.page, 'form[action="/console/members/import/confirm"] button[type="submit"]');
    expect(new URL(w.page.url()).pathname).toBe('/console/members');
    expect(await textOf(w.page, '.notice')).toBe(t.done);
    const now = await members();
    for (const n of names) expect(now).toContain(n);
    const audit = await h.t.db.query<{ target: string }>("SELECT target FROM audit_log WHERE action = 'member.import' ORDER BY id DESC LIMIT 1");
    expect(audit.rows[0]?.target).toBe(`import:${IMG}-${lang}.csv`.replace(/"/g, '%22'));
    await until(() => h.t.daemon.directory.member(names[0]!), 'the imported member in the directory');
    expect(await h.pap(names[0]!, `pass-${lang}-12345`)).toBe(PacketCode.AccessAccept);

    // The same confirmation again imports nothing more: the preview is spent.
    expect(await post(form)).toContain(t.expired);
    expect((await members()).length).toBe(now.length);
    await nothingRan(w);
    await w.page.browserContext().close();
  });
});
