#!/usr/bin/env node
/**
 * Syncs radassoc's members from a member-management tool's CSV export,
 * through the HTTP API only (docs/integration.md). Node 20's fetch, and
 * radassoc's own csv-parse.
 *
 *   RADASSOC_API_URL=http://127.0.0.1:9813 RADASSOC_TOKEN=rda_... node examples/sync-members.mjs members.csv [--dry-run]
 *
 * Columns (header line, any order, case-insensitive):
 *   login              the RADIUS username (required)
 *   email              ignored: radassoc keeps no e-mail address
 *   plan               the radassoc plan (empty: none)
 *   paid_until         YYYY-MM-DD or DD/MM/YYYY (empty: not tracked)
 *   status             active, or ended / cancelled / expired / suspended;
 *   subscription_end   or a date: ended once it is past (either column will do)
 *   password           optional: the first password of a new member; without
 *                      it one is generated and printed once
 *
 * What it does, row by row: creates a member new to radassoc (an ended one is
 * not created); changes plan and paid-until where they differ; suspends a
 * member whose subscription ended, and resumes one it suspended that renewed.
 * A member suspended by hand, for another reason, is left suspended and
 * named. Members absent from the export are left alone. A second run over
 * the same export changes nothing and prints "0 changes". Exit code: 0, or 1
 * when a row could not be synced (each one said on stderr).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** The suspension reason this script writes, and the only one it lifts. */
const REASON = 'subscription ended (member sync)';
const ENDED = new Set(['ended', 'cancelled', 'canceled', 'expired', 'suspended', 'inactive', 'terminated']);

function usage(message) {
  process.stderr.write(`sync-members: ${message}\nusage: RADASSOC_TOKEN=rda_... [RADASSOC_API_URL=http://127.0.0.1:9813] node sync-members.mjs members.csv [--dry-run]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const file = args.find((a) => !a.startsWith('--'));
if (!file) usage('name the CSV export to read');
const token = process.env.RADASSOC_TOKEN;
if (!token) usage('set RADASSOC_TOKEN to an API token of role admin (radassoc token add --role admin --name member-sync)');
const base = (process.env.RADASSOC_API_URL ?? 'http://127.0.0.1:9813').replace(/\/+$/, '');
const today = new Date().toISOString().slice(0, 10);

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

async function api(method, path, body, headers = {}) {
  const r = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const answer = (r.headers.get('content-type') ?? '').includes('json') ? await r.json() : await r.text();
  if (!r.ok) throw new ApiError(r.status, answer);
  return answer;
}

/** Every member, a page of 1000 at a time. */
async function allMembers() {
  const members = new Map();
  let cursor = null;
  do {
    const page = await api('GET', `/members?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const m of page.members) members.set(m.username, m);
    cursor = page.next_cursor;
  } while (cursor);
  return members;
}

function day(text, line, column) {
  const t = (text ?? '').trim();
  if (t === '') return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (fr) return `${fr[3]}-${fr[2].padStart(2, '0')}-${fr[1].padStart(2, '0')}`;
  throw new Error(`line ${line}: ${column} ${JSON.stringify(t)} is not a date (YYYY-MM-DD or DD/MM/YYYY)`);
}

/** What the export says a member should be. */
function wanted(row, line) {
  const login = (row.login ?? '').trim();
  if (login === '') throw new Error(`line ${line}: no login`);
  const status = (row.status ?? '').trim().toLowerCase();
  const end = day(row.subscription_end, line, 'subscription_end');
  const ended = ENDED.has(status) || (end !== null && end < today);
  return {
    login,
    plan: (row.plan ?? '').trim() || null,
    paidUntil: day(row.paid_until, line, 'paid_until'),
    ended,
    password: (row.password ?? '').trim() || null,
  };
}

const changes = [];
const failures = [];
const note = (text) => {
  changes.push(text);
  process.stdout.write(`${dryRun ? 'would: ' : ''}${text}\n`);
};

async function sync(w, current) {
  if (!current) {
    if (w.ended) return; // an ended subscription of someone radassoc never had: nothing to do
    const password = w.password ?? randomBytes(12).toString('base64url');
    if (!dryRun) {
      // A retry after a lost answer must not create twice: one key per create, the same on the retry.
      const key = randomUUID();
      const body = { username: w.login, password, plan: w.plan, paid_until: w.paidUntil };
      await api('POST', '/members', body, { 'idempotency-key': key }).catch((e) => (e instanceof ApiError ? Promise.reject(e) : api('POST', '/members', body, { 'idempotency-key': key })));
    }
    note(`created ${w.login}${w.password ? '' : `: password ${password} (shown once, give it to the member)`}`);
    return;
  }
  let member = current;
  const patch = {};
  if (member.plan !== w.plan) patch.plan = w.plan;
  if (member.paid_until !== w.paidUntil) patch.paid_until = w.paidUntil;
  if (Object.keys(patch).length > 0) {
    if (!dryRun) {
      const r = await api('PATCH', `/members/${encodeURIComponent(w.login)}`, patch);
      member = r.member; // a new paid-until may have lifted a dues suspension
    }
    note(`updated ${w.login}: ${Object.entries(patch).map(([k, v]) => `${k} ${current[k] ?? 'none'} -> ${v ?? 'none'}`).join(', ')}`);
  }
  if (w.ended && member.status === 'active') {
    if (!dryRun) await api('POST', `/members/${encodeURIComponent(w.login)}/suspend`, { reason: REASON });
    note(`suspended ${w.login}: subscription ended`);
  } else if (!w.ended && member.status === 'suspended') {
    if (member.suspended_reason === REASON) {
      if (!dryRun) await api('POST', `/members/${encodeURIComponent(w.login)}/resume`, {});
      note(`resumed ${w.login}: subscription renewed`);
    } else {
      process.stdout.write(`left ${w.login} suspended: suspended by hand (${member.suspended_reason ?? 'no reason'}); resume it yourself if the renewal should lift that\n`);
    }
  }
}

let rows;
try {
  rows = parse(readFileSync(file), { columns: (h) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true });
} catch (e) {
  usage(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
}
if (rows.length > 0 && !('login' in rows[0])) usage(`${file} has no login column`);

let members;
try {
  members = await allMembers();
} catch (e) {
  process.stderr.write(`sync-members: cannot list the members at ${base}: ${e.message}\n`);
  process.exit(1);
}
const seen = new Set();
for (const [i, row] of rows.entries()) {
  const line = i + 2;
  try {
    const w = wanted(row, line);
    if (seen.has(w.login)) throw new Error(`line ${line}: ${w.login} is in the export twice`);
    seen.add(w.login);
    await sync(w, members.get(w.login));
  } catch (e) {
    failures.push(e.message);
    process.stderr.write(`sync-members: ${e instanceof ApiError ? `line ${line}: ${row.login}: ` : ''}${e.message}\n`);
  }
}
const untouched = [...members.keys()].filter((u) => !seen.has(u)).length;
process.stdout.write(`${changes.length} change${changes.length === 1 ? '' : 's'}${dryRun ? ' (dry run: nothing changed)' : ''}${failures.length ? `, ${failures.length} row${failures.length === 1 ? '' : 's'} not synced` : ''}${untouched ? `; ${untouched} member${untouched === 1 ? '' : 's'} not in the export left alone` : ''}\n`);
process.exit(failures.length ? 1 : 0);
