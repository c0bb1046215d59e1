/**
 * Members found by name, framed address or access line as the admin types,
 * at 100,000 members: the API's list query (a page of 100, by the start of
 * a name, by an address, by a line: services/members.ts pageMembers, what
 * GET /api/v1/members runs) stays under 50 ms median; the whole HTTP round
 * trip is timed too and printed, its bound generous because the test machine
 * is shared. The console's list page loads in Chromium (its time is printed)
 * and narrows as one types, in English and French; hostile text in the
 * search box and in a member's line is shown as text, never run.
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToken } from '../../src/api/accounts.js';
import { findTenantRef } from '../../src/db/tenants.js';
import { addMember, pageMembers, type MemberPageInput } from '../../src/services/members.js';
import type { Scope } from '../../src/services/deps.js';
import { consoleLogin, launchBrowser, textOf, watchedPage, type WatchedPage } from './browser.js';
import { ADMIN_PASSWORD, startConsoleDaemon, until, type ConsoleHarness } from './harness.js';

const MEMBERS = 100_000;
const HOSTILE_LINE = '"><img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(1)</script>';

let h: ConsoleHarness;
let browser: Browser;
let token: string;
let scope: Scope;

beforeAll(async () => {
  h = await startConsoleDaemon();
  await h.admin('claire', 'admin');
  const tenant = (await findTenantRef(h.t.db, 'default'))!;
  token = (await addToken({ db: h.t.db }, { name: 'test' }, { role: 'support', tenant, name: 'speed' })).token;
  scope = { actor: { name: 'test' }, tenant };
  // One member made by the service gives the credential every generated one copies: the query is measured, not hashing.
  await addMember({ db: h.t.db }, scope, { username: 'template', password: 'template-pass-1', ipv4: '198.51.100.1', lineId: HOSTILE_LINE });
  // m000000 … m099999: 10.0.0.0 upwards, 2001:db8:<i/256>:<i%256>00::/56, line "bras1 eth0/<i/1000>:<i%1000>".
  await h.t.db.query(
    `INSERT INTO members (tenant_id, username, cleartext, nt_hash, strong_hash, auth_methods, ipv4, ipv6_prefix, line_id, paid_until)
     SELECT t.tenant_id, 'm' || lpad(i::text, 6, '0'), t.cleartext, t.nt_hash, t.strong_hash, t.auth_methods,
            '10.0.0.0'::inet + i,
            format('2001:db8:%s:%s00::/56', to_hex(i / 256), to_hex(i % 256))::cidr,
            format('bras1 eth0/%s:%s', i / 1000, i % 1000),
            DATE '2027-01-01' + (i % 365)
       FROM generate_series(0, $1 - 1) AS i, (SELECT * FROM members WHERE username = 'template') AS t`,
    [MEMBERS],
  );
  // Vacuumed now rather than by autovacuum in the middle of the timing.
  await h.t.db.query('VACUUM ANALYZE members');
  // The daemon reloads its member cache on the insert's notification: let it finish before anything is timed.
  await until(() => (h.t.daemon.directory.member('m099999') ? true : undefined), 'the member cache to reload', 60_000);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

/** The median of nine timed calls after two to warm up (connections, plans). */
async function median(call: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const t0 = performance.now();
    await call();
    if (i >= 2) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[4]!;
}

async function httpMedian(query: string): Promise<{ ms: number; members: Array<{ username: string; ipv4: string | null; ipv6_prefix: string | null; line: string | null }> }> {
  const times: number[] = [];
  let members: any[] = [];
  // Two rounds to warm up (connections, plans), then nine timed.
  for (let i = 0; i < 11; i++) {
    const t0 = performance.now();
    const r = await fetch(`${h.base}/api/v1/members?${query}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await r.json()) as { members: any[] };
    if (i >= 2) times.push(performance.now() - t0);
    expect(r.status).toBe(200);
    members = body.members;
  }
  times.sort((a, b) => a - b);
  return { ms: times[4]!, members };
}

describe('the member list at 100,000 members', () => {
  it.each<[string, MemberPageInput, (m: any[]) => void]>([
    ['the first page', { limit: 100 }, (m) => expect(m[0].username).toBe('m000000')],
    ['a name prefix', { limit: 100, prefix: 'm0421' }, (m) => expect(m.every((x) => x.username.startsWith('m0421'))).toBe(true)],
    ['an IPv4 address as typed', { limit: 100, address: '10.0.1.' }, (m) => expect(m.every((x) => x.ipv4.startsWith('10.0.1.'))).toBe(true)],
    ['a whole IPv4 address', { limit: 100, address: '10.1.134.159' }, (m) => expect(m.map((x) => x.username)).toEqual(['m099999'])],
    ['an IPv4 block', { limit: 100, address: '10.0.200.0/24' }, (m) => expect(m.every((x) => x.ipv4.startsWith('10.0.200.'))).toBe(true)],
    ['an address inside an IPv6 prefix', { limit: 100, address: '2001:db8:12:3400::1' }, (m) => expect(m.map((x) => x.ipv6_prefix)).toEqual(['2001:db8:12:3400::/56'])],
    ['the start of an IPv6 prefix', { limit: 100, address: '2001:db8:12:' }, (m) => expect(m.every((x) => x.ipv6_prefix.startsWith('2001:db8:12:'))).toBe(true)],
    ['a line prefix', { limit: 100, line: 'bras1 eth0/73:' }, (m) => expect(m.every((x) => x.line.startsWith('bras1 eth0/73:'))).toBe(true)],
  ])('%s: 100 of 100,000 under 50 ms median', async (what, input, check) => {
    const ms = await median(() => pageMembers({ db: h.t.db }, scope, input));
    const query = new URLSearchParams({ limit: '100', ...(input.prefix ? { q: input.prefix } : {}), ...(input.address ? { address: input.address } : {}), ...(input.line ? { line: input.line } : {}) });
    const http = await httpMedian(query.toString());
    process.stdout.write(`member list, ${what}: query ${ms.toFixed(1)} ms median; GET /api/v1/members?${query.toString()} ${http.ms.toFixed(1)} ms median, ${http.members.length} members\n`);
    expect(http.members.length).toBeGreaterThan(0);
    check(http.members);
    expect(ms).toBeLessThan(50);
    expect(http.ms).toBeLessThan(250);
  });
});

describe('the console list page, searched as one types', () => {
  const pages: Record<'en' | 'fr', WatchedPage | null> = { en: null, fr: null };

  async function nothingRan(w: WatchedPage): Promise<void> {
    expect(await w.page.$$eval('img', (l) => l.length)).toBe(0);
    expect(await w.page.$$eval('script', (l: any[]) => l.filter((s) => s.getAttribute('src') !== '/console/assets/console.js').length)).toBe(0);
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
  }

  const rows = (w: WatchedPage): Promise<string[]> => w.page.$$eval('[data-rows="members"] tr', (l: any[]) => l.map((r) => String(r.innerText)));

  it.each([
    ['en', 'en-GB,en;q=0.8', 'Search in', 'addresses'],
    ['fr', 'fr-FR,fr;q=0.9', 'Chercher dans', 'les adresses'],
  ] as const)('in %s: loads, then finds by address, line and name without a reload', async (lang, header, byLabel, addressWord) => {
    const w = await watchedPage(browser, { lang: header });
    pages[lang] = w;
    await consoleLogin(w.page, h.base, 'claire', ADMIN_PASSWORD);
    const t0 = performance.now();
    await w.page.goto(`${h.base}/console/members`, { waitUntil: 'load' });
    const loaded = performance.now() - t0;
    process.stdout.write(`console members page (${lang}), first page of 100,000 members: loaded in ${loaded.toFixed(0)} ms\n`);
    expect(await textOf(w.page, 'label[for="f-by"]')).toBe(byLabel);
    expect((await rows(w)).length).toBe(50);

    const navigations: string[] = [];
    w.page.on('framenavigated', (f) => navigations.push(f.url()));
    await w.page.select('#f-by', 'address');
    expect(await w.page.$eval('#f-by option:checked', (el: any) => String(el.textContent))).toBe(addressWord);
    await w.page.type('#f-q', '10.1.134.159');
    await w.page.waitForFunction(`document.querySelectorAll('[data-rows="members"] tr').length === 1`);
    expect((await rows(w))[0]).toContain('m099999');
    expect((await rows(w))[0]).toContain('10.1.134.159');

    await w.page.$eval('#f-q', (el: any) => (el.value = ''));
    await w.page.type('#f-q', '2001:db8:12:3400::1');
    await w.page.waitForFunction(`[...document.querySelectorAll('[data-rows="members"] tr')].map((r) => r.innerText).join() .includes('2001:db8:12:3400::/56')`);
    expect((await rows(w)).length).toBe(1);

    await w.page.select('#f-by', 'line');
    await w.page.$eval('#f-q', (el: any) => (el.value = ''));
    await w.page.type('#f-q', 'bras1 eth0/99:99');
    await w.page.waitForFunction(`document.querySelectorAll('[data-rows="members"] tr').length === 11`);
    expect((await rows(w)).every((r) => r.includes('bras1 eth0/99:99'))).toBe(true);

    await w.page.select('#f-by', 'name');
    await w.page.$eval('#f-q', (el: any) => (el.value = ''));
    await w.page.type('#f-q', 'm05000');
    await w.page.waitForFunction(`document.querySelectorAll('[data-rows="members"] tr').length === 10`);
    expect(navigations).toEqual([]);
    await nothingRan(w);
  });

  it.each(['en', 'fr'] as const)('in %s: hostile text searched and found is shown as text', async (lang) => {
    const w = pages[lang]!;
    await w.page.goto(`${h.base}/console/members?by=line&q=${encodeURIComponent('"><img')}`);
    expect(await w.page.$eval('#f-q', (el: any) => String(el.value))).toBe('"><img');
    expect((await rows(w)).length).toBe(1);
    expect((await rows(w))[0]).toContain(HOSTILE_LINE);
    await nothingRan(w);
    for (const by of ['name', 'address', 'line']) {
      await w.page.goto(`${h.base}/console/members?by=${by}&q=${encodeURIComponent(SCRIPT)}`);
      expect(await w.page.$eval('#f-q', (el: any) => String(el.value))).toBe(SCRIPT);
      expect((await rows(w)).length).toBe(0);
      await nothingRan(w);
    }
    // Typed into the box: the script asks the JSON endpoint, which finds the hostile line and shows it as text.
    await w.page.goto(`${h.base}/console/members`);
    await w.page.select('#f-by', 'line');
    await w.page.type('#f-q', '"><');
    await w.page.waitForFunction(`document.querySelectorAll('[data-rows="members"] tr').length === 1`);
    expect((await rows(w))[0]).toContain(HOSTILE_LINE);
    await nothingRan(w);
  });
});
