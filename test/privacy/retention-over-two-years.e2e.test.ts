/**
 * Two years of a tenant's sessions sent by a NAS over UDP to a daemon whose
 * clock the test moves (Start, Interim and Stop each at its own instant, and
 * Access-Requests likewise), flushed through the real accounting path; then
 * retention runs at "now". What the policy drops is gone from every table,
 * what it keeps is there, billing exports of the kept window are unchanged
 * byte for byte, folded months export the same figures from their totals,
 * the open session is untouched, a dry run changes nothing and counts what
 * the run then removes, batches of 2 make many batches, counts are recorded,
 * and the other tenant's data is not touched by a run of the first.
 *
 * The disconnect log is written through its repository with explicit times:
 * a Disconnect-Request would need a NAS answering RFC 5176 at those instants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushUsage } from '../../src/accounting/flusher.js';
import type { Db } from '../../src/db/db.js';
import { insertDisconnectLog } from '../../src/db/disconnect-log.js';
import { usageByMonth } from '../../src/db/member-space.js';
import { insertNas } from '../../src/db/nas.js';
import { findTenantRef } from '../../src/db/tenants.js';
import type { TenantRef } from '../../src/domain/tenant.js';
import { isRadassocError } from '../../src/errors.js';
import { addMonths, monthStart } from '../../src/privacy/usage-fold.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import type { Scope } from '../../src/services/deps.js';
import { addMember } from '../../src/services/members.js';
import { retentionRun, showRetention } from '../../src/services/retention.js';
import { addTenant } from '../../src/services/tenants.js';
import { billingExport } from '../../src/services/usage.js';
import { freshDb, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { attr, SimulatedNas } from '../support/nas.js';

const SECRET_A = 'retention-secret-a-0123456789abcdef';
const SECRET_B = 'retention-secret-b-0123456789abcdef';
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Two days ahead of the real clock: the audit rows the setup writes are then two days old. */
const NOW = Date.now() + 2 * DAY;
const THIS_MONTH = monthStart(NOW);
/** Months k = 1 (last month) .. 24 (two years ago). */
const monthsAgo = (k: number): number => addMonths(THIS_MONTH, -k);
const ymd = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const lastDay = (month: number): string => ymd(addMonths(month, 1) - DAY);

let clock = NOW;
let t: TestDaemon;
let db: Db;
let nasA: SimulatedNas;
let nasB: SimulatedNas;
let A: TenantRef;
let B: TenantRef;
const operator = { name: 'operator' };
const scope = (tenant: TenantRef): Scope => ({ actor: { name: 'treasurer' }, tenant });
/** The deployment's periods, except a batch of 2 rows so that every kind takes several batches. */
let deps: Parameters<typeof retentionRun>[0];

type Spec = { code: number; attributes: Array<ReturnType<typeof attr>> };
function acct(status: number, session: string, user: string, extra: Array<ReturnType<typeof attr>> = []): Spec {
  return {
    code: PacketCode.AccountingRequest,
    attributes: [
      attr(Attr.AcctStatusType, status),
      attr(Attr.AcctSessionId, session),
      attr(Attr.UserName, user),
      attr(Attr.FramedIpAddress, Buffer.from([192, 0, 2, 10])),
      attr(Attr.CallingStationId, '00-11-22-33-44-55'),
      attr(Attr.NasPortId, 'eth0.100:7'),
      ...extra,
    ],
  };
}
const counters = (seconds: number, inO: number, outO: number) => [attr(Attr.AcctSessionTime, seconds), attr(Attr.AcctInputOctets, inO), attr(Attr.AcctOutputOctets, outO)];

/** Sends `spec` from `nas` with the daemon's clock at `at`. */
async function sendAt(nas: SimulatedNas, at: number, spec: Spec): Promise<void> {
  clock = at;
  const { response } = await nas.request(spec, spec.code === PacketCode.AccessRequest ? t.auth : t.acct);
  expect(response?.code).toBe(spec.code === PacketCode.AccessRequest ? PacketCode.AccessAccept : PacketCode.AccountingResponse);
}

/** A session of `hours` hours from `start`, an interim half way, a Stop. */
async function session(nas: SimulatedNas, id: string, user: string, start: number, hours: number, seed: number): Promise<void> {
  const secs = hours * 3600;
  await sendAt(nas, start, acct(1, id, user));
  await sendAt(nas, start + (secs / 2) * 1000, acct(3, id, user, counters(secs / 2, seed * 1000, seed * 100)));
  await sendAt(nas, start + secs * 1000, acct(2, id, user, [...counters(secs, seed * 2000 + 7, seed * 200 + 3), attr(Attr.AcctTerminateCause, 1)]));
}

const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await db.query<{ n: unknown }>(sql, params)).rows[0]?.n ?? 0);

/** Every row of every table a tenant's retention may touch, as text: equal before and after means untouched. */
async function fingerprint(tenantId: number): Promise<string> {
  const parts: string[] = [];
  for (const sql of [
    'SELECT * FROM usage_sessions WHERE tenant_id = $1 ORDER BY unique_id',
    'SELECT p.* FROM usage_snapshots p JOIN usage_sessions u USING (unique_id) WHERE u.tenant_id = $1 ORDER BY p.unique_id, p.at',
    'SELECT * FROM auth_log WHERE tenant_id = $1 ORDER BY id',
    'SELECT * FROM audit_log WHERE tenant_id = $1 ORDER BY id',
    'SELECT * FROM disconnect_log WHERE tenant_id = $1 ORDER BY id',
    'SELECT * FROM usage_monthly_totals WHERE tenant_id = $1 ORDER BY month, username',
    'SELECT * FROM usage_daily_stats WHERE tenant_id = $1 ORDER BY day, plan',
    'SELECT * FROM usage_fold_horizon WHERE tenant_id = $1',
  ]) {
    parts.push(JSON.stringify((await db.query(sql, [tenantId])).rows));
  }
  return parts.join('\n');
}

const exportText = async (tenant: TenantRef, from: string, to: string, detail = false): Promise<string> =>
  (await billingExport({ db }, scope(tenant), { from, to, detail })).text;

beforeAll(async () => {
  const fresh = await freshDb();
  db = fresh.db;
  await addTenant({ db }, operator, { name: 'asso-a', settings: { auditRetentionDays: 1 } });
  await addTenant({ db }, operator, { name: 'asso-b', settings: { usageDetailRetentionMonths: 24 } });
  A = (await findTenantRef(db, 'asso-a'))!;
  B = (await findTenantRef(db, 'asso-b'))!;
  await insertNas(db, { name: 'bras-a', address: '127.0.0.1/32', secret: SECRET_A, tenancy: { owner: A.id } });
  await insertNas(db, { name: 'bras-b', address: '127.0.0.2/32', secret: SECRET_B, tenancy: { owner: B.id } });
  await addMember({ db }, { actor: operator, tenant: A }, { username: 'alice', password: 'alice-pass-1234' });
  await addMember({ db }, { actor: operator, tenant: B }, { username: 'bob', password: 'bob-pass-1234' });
  t = await startTestDaemon(fresh.url, {}, { now: () => clock });
  deps = { db, config: { ...t.config, retention: { ...t.config.retention, batchSize: 2 } }, now: () => NOW, log: { info: () => {}, warn: () => {}, error: () => {} } };
  nasA = await SimulatedNas.open(SECRET_A, '127.0.0.1');
  nasB = await SimulatedNas.open(SECRET_B, '127.0.0.2');

  for (let k = 24; k >= 1; k--) {
    const m = monthsAgo(k);
    await session(nasA, `a-${k}`, 'alice', m + 9 * DAY + 12 * HOUR, 2, k);
    // Across the month's end: 23:00 on its last day to 01:00 on the next month's first.
    await session(nasA, `ax-${k}`, 'alice', addMonths(m, 1) - HOUR, 2, 100 + k);
    await session(nasB, `b-${k}`, 'bob', m + 11 * DAY + 8 * HOUR, 3, 200 + k);
  }
  // Open for 20 months, an interim each month: never stopped.
  const openStart = monthsAgo(20) + 4 * DAY;
  await sendAt(nasA, openStart, acct(1, 'a-open', 'alice'));
  for (let k = 19; k >= 1; k--) await sendAt(nasA, monthsAgo(k) + 4 * DAY, acct(3, 'a-open', 'alice', counters((monthsAgo(k) + 4 * DAY - openStart) / 1000, (20 - k) * 5000, (20 - k) * 500)));
  const pap = (user: string, password: string): Spec => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] });
  for (const daysAgo of [60, 40, 10, 1]) {
    await sendAt(nasA, NOW - daysAgo * DAY, pap('alice', 'alice-pass-1234'));
    await sendAt(nasB, NOW - daysAgo * DAY, pap('bob', 'bob-pass-1234'));
  }
  clock = NOW;
  await flushUsage(t.daemon.store, t.db, { now: () => NOW });
  for (const [tenantId, user] of [[A.id, 'alice'], [B.id, 'bob']] as const) {
    for (const daysAgo of [100, 10]) {
      await insertDisconnectLog(db, {
        time: new Date(NOW - daysAgo * DAY), tenantId, username: user, nas: 'bras', uniqueId: null, acctSessionId: 'x', kind: 'disconnect',
        outcome: 'ack', errorCause: null, attempts: 1, ms: 5, actor: 'admin', reason: 'test', detail: null,
      });
    }
  }
  // The authentication log is written in the background, every 500 ms.
  for (let i = 0; i < 50 && (await count('SELECT count(*) AS n FROM auth_log')) < 8; i++) await new Promise((r) => setTimeout(r, 100));
}, 120_000);

afterAll(async () => {
  nasA?.close();
  nasB?.close();
  await t?.stop();
  await db?.close();
});

describe('retention over two years of one tenant', () => {
  const before = new Map<string, string>();
  const CUTOFF = monthsAgo(13);
  let dryRun: Awaited<ReturnType<typeof retentionRun>>;
  let run: Awaited<ReturnType<typeof retentionRun>>;
  let otherTenant: string;

  it('holds two years of sessions, flushed from the daemon, before anything runs', async () => {
    expect(await count('SELECT count(*) AS n FROM usage_sessions WHERE tenant_id = $1', [A.id])).toBe(49);
    expect(await count('SELECT count(*) AS n FROM usage_sessions WHERE tenant_id = $1 AND stop_time IS NULL', [A.id])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM auth_log WHERE tenant_id = $1', [A.id])).toBe(4);
    for (let k = 1; k <= 24; k++) before.set(`month-${k}`, await exportText(A, ymd(monthsAgo(k)), lastDay(monthsAgo(k))));
    for (let k = 1; k <= 13; k++) before.set(`detail-${k}`, await exportText(A, ymd(monthsAgo(k)), lastDay(monthsAgo(k)), true));
    before.set('folded-span', await exportText(A, ymd(monthsAgo(24)), lastDay(monthsAgo(14))));
    before.set('mixed-span', await exportText(A, ymd(monthsAgo(16)), lastDay(monthsAgo(10))));
    before.set('kept-days', await exportText(A, ymd(monthsAgo(3) + 5 * DAY), ymd(monthsAgo(2) + 20 * DAY), true));
    expect(before.get('month-20')).toMatch(/^username,sessions,seconds,input_octets,output_octets\r\nalice,4,/);
    otherTenant = await fingerprint(B.id);
  });

  it('counts in a dry run what is past its period, and changes nothing', async () => {
    const fp = await fingerprint(A.id);
    dryRun = await retentionRun(deps, scope(A), { dryRun: true });
    expect(dryRun.dry_run).toBe(true);
    const rows = (kind: string) => dryRun.results.find((r) => r.kind === kind)?.rows;
    // Sessions a-14..a-24 and ax-15..ax-24 ended before the cutoff (ax-14 ends in month -13).
    expect(rows('usage-detail')).toBe(21);
    const snapshots = await count(
      'SELECT count(*) AS n FROM usage_snapshots p JOIN usage_sessions u USING (unique_id) WHERE u.tenant_id = $1 AND u.stop_time < $2',
      [A.id, new Date(CUTOFF)],
    );
    expect(snapshots).toBeGreaterThanOrEqual(21);
    expect(dryRun.results.find((r) => r.kind === 'usage-detail')?.also).toEqual({ months_folded: 11, snapshots });
    expect(rows('auth-log')).toBe(2);
    expect(rows('identifiers')).toBe(48);
    expect(rows('disconnect-log')).toBe(1);
    expect(rows('audit-log')).toBeGreaterThanOrEqual(1);
    expect(await fingerprint(A.id)).toBe(fp);
    expect(await count('SELECT count(*) AS n FROM retention_log')).toBe(0);
  });

  it('deletes what the policy says, in batches of 2, and removes exactly what the dry run counted', async () => {
    run = await retentionRun(deps, scope(A), {});
    for (const r of run.results) {
      const counted = dryRun.results.find((d) => d.kind === r.kind);
      expect([r.kind, r.rows]).toEqual([r.kind, counted?.rows]);
      if (r.rows > 2) expect([r.kind, r.batches]).toEqual([r.kind, Math.ceil(r.rows / 2)]);
    }
    expect(run.results.find((r) => r.kind === 'usage-detail')?.batches).toBe(11);
  });

  it('leaves no row the policy drops, in any table', async () => {
    expect(await count('SELECT count(*) AS n FROM usage_sessions WHERE tenant_id = $1 AND stop_time < $2', [A.id, new Date(CUTOFF)])).toBe(0);
    expect(await count("SELECT count(*) AS n FROM usage_snapshots WHERE unique_id NOT IN (SELECT unique_id FROM usage_sessions)")).toBe(0);
    expect(await count('SELECT count(*) AS n FROM auth_log WHERE tenant_id = $1 AND time < $2', [A.id, new Date(NOW - 30 * DAY)])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM disconnect_log WHERE tenant_id = $1 AND time < $2', [A.id, new Date(NOW - 90 * DAY)])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM usage_sessions WHERE tenant_id = $1 AND stop_time IS NOT NULL AND calling_station_id IS NOT NULL', [A.id])).toBe(0);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE tenant_id = $1 AND action <> 'retention.run'", [A.id])).toBe(0);
  });

  it('keeps what the policy keeps: the kept window, recent logs, the open session with its identifiers and snapshots', async () => {
    expect(await count('SELECT count(*) AS n FROM usage_sessions WHERE tenant_id = $1 AND stop_time IS NOT NULL', [A.id])).toBe(27);
    expect(await count('SELECT count(*) AS n FROM auth_log WHERE tenant_id = $1', [A.id])).toBe(2);
    expect(await count('SELECT count(*) AS n FROM disconnect_log WHERE tenant_id = $1', [A.id])).toBe(1);
    const open = await db.query<{ calling_station_id: string | null; snaps: unknown }>(
      `SELECT calling_station_id, (SELECT count(*) FROM usage_snapshots p WHERE p.unique_id = u.unique_id) AS snaps
         FROM usage_sessions u WHERE tenant_id = $1 AND stop_time IS NULL`,
      [A.id],
    );
    expect(open.rows).toEqual([{ calling_station_id: '00-11-22-33-44-55', snaps: expect.anything() }]);
    expect(Number(open.rows[0]!.snaps)).toBe(19);
  });

  it('exports the kept window byte for byte as before, detail included', async () => {
    for (let k = 1; k <= 13; k++) {
      expect([k, await exportText(A, ymd(monthsAgo(k)), lastDay(monthsAgo(k)))]).toEqual([k, before.get(`month-${k}`)]);
      expect([k, await exportText(A, ymd(monthsAgo(k)), lastDay(monthsAgo(k)), true)]).toEqual([k, before.get(`detail-${k}`)]);
    }
    expect(await exportText(A, ymd(monthsAgo(3) + 5 * DAY), ymd(monthsAgo(2) + 20 * DAY), true)).toBe(before.get('kept-days'));
  });

  it('exports folded months from their totals with the same figures, alone and over several months', async () => {
    for (let k = 14; k <= 24; k++) expect([k, await exportText(A, ymd(monthsAgo(k)), lastDay(monthsAgo(k)))]).toEqual([k, before.get(`month-${k}`)]);
    expect(await exportText(A, ymd(monthsAgo(24)), lastDay(monthsAgo(14)))).toBe(before.get('folded-span'));
    expect(await exportText(A, ymd(monthsAgo(16)), lastDay(monthsAgo(10)))).toBe(before.get('mixed-span'));
    expect(await count('SELECT count(*) AS n FROM usage_monthly_totals WHERE tenant_id = $1', [A.id])).toBe(11);
  });

  it('shows the member folded months from their totals and kept months from the detail, each month once', async () => {
    const months = await usageByMonth(db, A.id, 'alice', new Date(monthsAgo(24)));
    const ym = (ms: number): string => new Date(ms).toISOString().slice(0, 7);
    expect(months.map((m) => m.month)).toEqual(Array.from({ length: 24 }, (_, i) => ym(monthsAgo(i + 1))));
    const totals = (await db.query<Record<string, unknown>>("SELECT to_char(month, 'YYYY-MM') AS month, sessions - sessions_carried AS sessions, input_octets FROM usage_monthly_totals WHERE tenant_id = $1 AND username = 'alice'", [A.id])).rows;
    for (const row of totals) {
      expect(months.find((m) => m.month === row.month)).toMatchObject({ sessions: Number(row.sessions), inputOctets: Number(row.input_octets) });
    }
    // A kept month: its two sessions started in it, Stop counters as sent.
    expect(months.find((m) => m.month === ym(monthsAgo(3)))).toMatchObject({ sessions: 2, inputOctets: 3 * 2000 + 7 + 103 * 2000 + 7 });
  });

  it('refuses, with what to do, the detail of a folded month or half of one', async () => {
    const refusal = async (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (isRadassocError(e) ? e : null));
    const detail = await refusal(billingExport({ db }, scope(A), { from: ymd(monthsAgo(20)), to: lastDay(monthsAgo(20)), detail: true }));
    expect(detail).toMatchObject({ code: 'USAGE_FOLDED', details: { problem: 'detail', until: ymd(CUTOFF) } });
    expect(detail?.hint).toMatch(/without --detail/);
    const half = await refusal(billingExport({ db }, scope(A), { from: ymd(monthsAgo(20) + 3 * DAY), to: lastDay(monthsAgo(20)) }));
    expect(half).toMatchObject({ code: 'USAGE_FOLDED', details: { problem: 'partial-month' } });
  });

  it('keeps statistics per day and plan that name no member', async () => {
    const columns = (await db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'usage_daily_stats' ORDER BY ordinal_position")).rows.map((r) => r.column_name);
    expect(columns).toEqual(['tenant_id', 'day', 'plan', 'sessions', 'seconds', 'input_octets', 'output_octets']);
    // Month -22: alice's session of the 10th alone (the open session began in month -20).
    const day = await db.query<{ sessions: unknown }>('SELECT sessions FROM usage_daily_stats WHERE tenant_id = $1 AND day = $2::date', [A.id, ymd(monthsAgo(22) + 9 * DAY)]);
    expect(day.rows.map((r) => Number(r.sessions))).toEqual([1]);
    // Month -18: that one, and the open session, active every day of it.
    const open = await db.query<{ sessions: unknown }>('SELECT sessions FROM usage_daily_stats WHERE tenant_id = $1 AND day = $2::date', [A.id, ymd(monthsAgo(18) + 9 * DAY)]);
    expect(open.rows.map((r) => Number(r.sessions))).toEqual([2]);
    expect(await count('SELECT count(DISTINCT date_trunc(\'month\', day)) AS n FROM usage_daily_stats WHERE tenant_id = $1', [A.id])).toBe(11);
  });

  it('records what went, counted per kind, in the retention log and the audit log', async () => {
    const logged = await db.query<{ kind: string; rows: unknown; batches: number }>('SELECT kind, rows, batches FROM retention_log WHERE run_id = $1 AND tenant_id = $2 ORDER BY kind', [run.run_id, A.id]);
    expect(Object.fromEntries(logged.rows.map((r) => [r.kind, Number(r.rows)]))).toEqual(Object.fromEntries(run.results.filter((r) => r.rows > 0).map((r) => [r.kind, r.rows])));
    const audit = await db.query<{ actor: string; after: { run_id: string; removed: Record<string, number> } }>(
      "SELECT actor, after FROM audit_log WHERE tenant_id = $1 AND action = 'retention.run'",
      [A.id],
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ actor: 'treasurer', after: { run_id: run.run_id, removed: { 'usage-detail': 21, 'auth-log': 2 } } });
    // Counts, never contents: no username, address or identifier in what was recorded.
    expect(JSON.stringify(audit.rows) + JSON.stringify(logged.rows)).not.toMatch(/alice|192\.0\.2|00-11-22/);
  });

  it('never touched the other tenant, and its own run keeps its longer usage period', async () => {
    expect(await fingerprint(B.id)).toBe(otherTenant);
    const r = await retentionRun(deps, scope(B), {});
    expect(r.results.find((x) => x.kind === 'usage-detail')).toMatchObject({ rows: 0, also: { months_folded: 0 } });
    expect(await count('SELECT count(*) AS n FROM usage_sessions WHERE tenant_id = $1', [B.id])).toBe(24);
    expect(r.results.find((x) => x.kind === 'auth-log')?.rows).toBe(2);
  });

  it('shows per kind what is kept, for how long, and what is held now', async () => {
    const shown = await showRetention({ db, config: t.config }, scope(A));
    const usage = shown.find((r) => r.kind === 'usage-detail');
    expect(usage).toMatchObject({ tenant: 'asso-a', rows: 28, kept_for: 'the current month and 13 whole months before it, then folded into monthly totals' });
    expect(shown.find((r) => r.kind === 'usage-totals')).toMatchObject({ rows: 11, oldest: new Date(monthsAgo(24)).toISOString() });
    expect(shown.find((r) => r.kind === 'audit-log')?.kept_for).toBe('1 day');
    expect(shown.every((r) => r.tenant === 'asso-a')).toBe(true);
  });
});
