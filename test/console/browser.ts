/**
 * A real browser for the console suites: Debian's chromium (CHROMIUM_PATH,
 * else /usr/bin/chromium) driven by puppeteer-core, headless. Every page
 * records the dialogs it opened (an injected alert() would be one), its
 * script errors and Content-Security-Policy reports, so that a test can
 * assert that hostile input never ran.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface WatchedPage {
  page: Page;
  dialogs: string[];
  errors: string[];
  /** Console messages, CSP violations among them. */
  console: string[];
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // --no-sandbox: the suites may run as root in a container, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--lang=en-GB'],
  });
}

export async function watchedPage(browser: Browser, opts: { lang?: string; width?: number; height?: number } = {}): Promise<WatchedPage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: opts.width ?? 1200, height: opts.height ?? 900 });
  await page.setExtraHTTPHeaders({ 'accept-language': opts.lang ?? 'en-GB,en;q=0.8' });
  const w: WatchedPage = { page, dialogs: [], errors: [], console: [] };
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => w.errors.push(String(e)));
  page.on('console', (m) => w.console.push(m.text()));
  return w;
}

/** Clicks and waits for the navigation it causes. */
export async function clickAndWait(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

export async function fill(page: Page, selector: string, text: string): Promise<void> {
  await page.$eval(selector, (el: any) => (el.value = ''));
  await page.type(selector, text);
}

export const textOf = (page: Page, selector: string): Promise<string> => page.$eval(selector, (el: any) => String(el.innerText));

/** Logs in on the console's login page at `base` and waits for the page it leads to. */
export async function consoleLogin(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/console/login`);
  await fill(page, '#username', username);
  await fill(page, '#password', password);
  await clickAndWait(page, 'form[action="/console/login"] button[type="submit"]');
}
