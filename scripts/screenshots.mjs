#!/usr/bin/env node
// Regenerates docs/screenshots/: the console's and the member space's main
// pages, in English and French, at desktop and phone widths. It starts a
// daemon of its own (embedded database, loopback, free ports) with a few
// members and some traffic sent over UDP from its first NAS (127.0.0.1), then photographs the pages
// in Debian's chromium (CHROMIUM_PATH, else /usr/bin/chromium).
//
//   npm run build && node scripts/screenshots.mjs
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => import(join(root, 'dist', p));
const { loadConfig } = await dist('config/load.js');
const { startDaemon } = await dist('main.js');
const { addAdmin } = await dist('api/accounts.js');
const { encodeRequest } = await dist('protocol/encode.js');
const { upsertSessions, upsertSnapshots } = await dist('db/usage.js');
const { pino } = await import('pino');
const { default: puppeteer } = await import('puppeteer-core');

const OUT = join(root, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN_PASSWORD = 'screenshot-admin-pass';

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dataDir = mkdtempSync(join(tmpdir(), 'radassoc-screenshots-'));
const apiPort = await freePort();
const config = { ...loadConfig({ dataDir }, {}), authPort: 0, acctPort: 0, bind: '127.0.0.1', httpPort: 0 };
config.api = { ...config.api, host: '127.0.0.1', port: apiPort };
const daemon = await startDaemon(config, pino({ level: 'warn' }), { jobs: false });
const base = daemon.api.url;
const { auth, acct } = daemon.ports();
// The first start made a NAS for 127.0.0.1, with its secret in the data directory.
const SECRET = readFileSync(join(dataDir, 'localhost.secret'), 'utf8').trim();

async function api(method, path, token, body) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

// A NAS on 127.0.0.1 sending over UDP, as a BRAS would.
const socket = createSocket('udp4');
await new Promise((r) => socket.bind(0, '127.0.0.1', r));
let id = 0;
const attr = (type, value) => {
  if (typeof value === 'number') {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value);
    return { type, value: b };
  }
  return { type, value: Buffer.isBuffer(value) ? value : Buffer.from(value) };
};
const send = (code, attributes, port) =>
  new Promise((resolve) => {
    const bytes = encodeRequest({ code, identifier: (id = (id + 1) & 0xff), attributes }, SECRET);
    const timer = setTimeout(() => resolve(null), 1500);
    socket.once('message', (m) => {
      clearTimeout(timer);
      resolve(m[0]);
    });
    socket.send(bytes, port, '127.0.0.1');
  });
const pap = (user, password) => send(1, [attr(1, user), attr(2, password)], auth);
const accounting = (user, status, session, ip, extra = []) =>
  send(4, [attr(40, status), attr(44, session), attr(1, user), attr(8, Buffer.from(ip)), attr(4, Buffer.from([127, 0, 0, 1])), ...extra], acct);

let browser;
try {
  const tenant = { id: 1, name: 'default' };
  await addAdmin({ db: daemon.services.db, now: Date.now }, { name: 'screenshots' }, { username: 'claire', role: 'admin', tenant, password: ADMIN_PASSWORD });
  const { token } = await api('POST', '/api/v1/login', null, { username: 'claire', password: ADMIN_PASSWORD });
  await api('POST', '/api/v1/plans', token, { name: 'fibre-100', attributes: [{ name: 'Session-Timeout', value: '86400' }, { name: 'Acct-Interim-Interval', value: '300' }] });
  const soon = new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10);
  const members = [
    ['alice', 'fibre-100', '2027-06-30', '192.0.2.20', 'bras1 eth0/1/3:101'],
    ['bernard', 'fibre-100', soon, '192.0.2.21', 'bras1 eth0/1/3:102'],
    ['chloe', null, '2027-01-31', null, null],
    ['dimitri', 'fibre-100', null, '192.0.2.23', 'bras1 eth0/1/4:101'],
    ['elise', null, soon, null, 'bras1 eth0/1/4:102'],
  ];
  for (const [username, plan, paid, ipv4, line] of members) {
    await api('POST', '/api/v1/members', token, {
      username,
      password: `${username}-pass-1`,
      ...(plan ? { plan } : {}),
      ...(paid ? { paid_until: paid } : {}),
      ...(ipv4 ? { ipv4, ipv6_prefix: `2001:db8:12${ipv4.slice(-2)}::/56` } : {}),
      ...(line ? { line } : {}),
    });
  }
  // A month of past usage for the graphs, as the flush writes it: evenings heavier than nights.
  const HOUR = 3_600_000;
  const past = [];
  const snaps = [];
  const now = Date.now();
  for (let h = 24 * 30; h >= 1; h--) {
    const start = Math.floor(now / HOUR) * HOUR - h * HOUR;
    const hourOfDay = new Date(start).getUTCHours();
    const weight = 0.2 + (hourOfDay >= 17 && hourOfDay <= 22 ? 1 : hourOfDay >= 8 ? 0.5 : 0.1) * (0.7 + 0.6 * Math.abs(Math.sin(h)));
    for (const [username, share] of [['alice', 1], ['bernard', 0.6], ['dimitri', 0.3]]) {
      const uniqueId = `shot-${username}-${h}`;
      const output = Math.round(weight * share * 900_000_000);
      past.push({ uniqueId, nas: 'localhost', acctSessionId: uniqueId, tenantId: 1, username, nasPort: null, nasPortId: null, nasIpAddress: '127.0.0.1', framedIp: null, callingStationId: null, classHex: null,
        startTime: start + 5 * 60_000, lastUpdate: start + 65 * 60_000, interimInterval: 300, sessionTime: 3600, inputOctets: Math.round(output / 12), outputOctets: output, inputPackets: 0, outputPackets: 0,
        stopTime: start + 65 * 60_000, terminateCause: 'Idle-Timeout' });
      snaps.push({ uniqueId, at: start + 55 * 60_000, seconds: 3000, inputOctets: Math.round(output / 14), outputOctets: Math.round(output * 0.85) });
    }
  }
  await upsertSessions(daemon.services.db, past, now);
  await upsertSnapshots(daemon.services.db, snaps);
  await new Promise((r) => setTimeout(r, 1500));
  await pap('alice', 'alice-pass-1');
  await pap('bernard', 'bernard-pass-1');
  await pap('chloe', 'wrong-password');
  await pap('nobody', 'whatever-pass');
  await accounting('alice', 1, 'a1000001', [192, 0, 2, 10]);
  await accounting('bernard', 1, 'b1000001', [192, 0, 2, 11]);
  // Sent two hours late (RFC 2866 §5.2 Acct-Delay-Time), so that the session's start is two hours before its Stop.
  await accounting('chloe', 1, 'c1000001', [192, 0, 2, 12], [attr(41, 7260)]);
  await accounting('chloe', 2, 'c1000001', [192, 0, 2, 12], [attr(46, 7260), attr(42, 420_000_000), attr(43, 6_300_000_000 % 2 ** 32), attr(53, Math.floor(6_300_000_000 / 2 ** 32))] /* RFC 2869 §5.2 Gigawords */);
  await daemon.services.flush();
  await api('POST', '/api/v1/members/elise/suspend', token, { reason: 'dues for 2026 not received' });
  await new Promise((r) => setTimeout(r, 2500));

  mkdirSync(OUT, { recursive: true });
  // Two files for the import page: one with faults, one clean.
  const faulty = join(dataDir, 'members-2026-11.csv');
  writeFileSync(faulty, 'username,password,plan,ipv4,paid_until\nfanny,fanny-pass-1,fibre-100,192.0.2.30,2027-03-31\ngaston,,fibre-100,192.0.2.31,2027-03-31\nhelene,helene-pass-1,fibre-1000,192.0.2.20,31/03/2027\n');
  const clean = join(dataDir, 'members-2026-12.csv');
  writeFileSync(clean, 'username,password,plan,ipv4,paid_until,line\nfanny,fanny-pass-1,fibre-100,192.0.2.30,2027-03-31,bras1 eth0/1/5:101\ngaston,gaston-pass-1,fibre-100,192.0.2.31,2027-03-31,bras1 eth0/1/5:102\nhelene,helene-pass-1,,,2027-03-31,\n');
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const shoot = async (lang, width, pages, loginAs) => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width, height: width < 600 ? 900 : 820, deviceScaleFactor: 1 });
    await page.setExtraHTTPHeaders({ 'accept-language': lang === 'fr' ? 'fr-FR,fr;q=0.9' : 'en-GB,en;q=0.9' });
    for (const [name, path, before] of pages) {
      if (before === 'login-admin') {
        await page.goto(`${base}/console/login`);
        await page.type('#username', 'claire');
        await page.type('#password', ADMIN_PASSWORD);
        await Promise.all([page.waitForNavigation(), page.click('form[action="/console/login"] button')]);
      } else if (before === 'login-member') {
        await page.goto(`${base}/me`);
        await page.type('#login', loginAs);
        await page.type('#password', `${loginAs}-pass-1`);
        await Promise.all([page.waitForNavigation(), page.click('form[action="/me/login"] button')]);
      }
      if (before === 'upload') {
        await page.goto(`${base}/console/members/import`);
        await (await page.$('#file')).uploadFile(path);
        await Promise.all([page.waitForNavigation(), page.click('form[action="/console/members/import"] button')]);
      } else await page.goto(`${base}${path}`);
      const file = join(OUT, `${name}-${lang}.png`);
      await page.screenshot({ path: file, fullPage: width >= 600 });
      console.log(`wrote ${file.slice(root.length)}`);
    }
    await context.close();
  };
  for (const lang of ['en', 'fr']) {
    await shoot(lang, 1200, [
      ['console-login', '/console/login'],
      ['console-dashboard', '/console/dashboard', 'login-admin'],
      ['console-members', '/console/members'],
      ['console-members-search', '/console/members?by=address&q=192.0.2.2'],
      ['console-member', '/console/members/alice'],
      ['console-import-faults', faulty, 'upload'],
      ['console-import-preview', clean, 'upload'],
      ['console-member-suspended', '/console/members/elise'],
    ]);
    await shoot(lang, 1200, [['member-space', '/me', 'login-member']], 'chloe');
    await shoot(lang, 1200, [['member-space-suspended', '/me', 'login-member']], 'elise');
    await shoot(lang, 390, [['phone-dashboard', '/console/dashboard', 'login-admin']]);
  }
} finally {
  await browser?.close();
  socket.close();
  await daemon.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
