import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETAIL_COLUMNS, exportUsage, periodBounds, SUMMARY_COLUMNS, toCsv, toJson, usageWithin, type UsageExport } from '../../src/accounting/export.js';
import { flushUsage } from '../../src/accounting/flusher.js';
import { MemoryStore } from '../../src/accounting/memory-store.js';
import type { Db } from '../../src/db/db.js';
import type { UsageSessionRow } from '../../src/db/usage.js';
import { isRadassocError } from '../../src/errors.js';
import { usageDb } from './fixtures.js';
import { interim, start, stop, T0 } from './records.js';

const MIN = 60_000;

describe('billing export of a session spanning the January/February boundary', () => {
  let db: Db;
  let jan: UsageExport;
  let feb: UsageExport;
  beforeAll(async () => {
    db = await usageDb();
    const store = new MemoryStore();
    // alice: 2025-01-31 22:00 → 2025-02-01 02:00, interims at 90 and 150 minutes.
    await store.applyRecord(start());
    await store.applyRecord(interim(5400, 1500, 15_000));
    await store.applyRecord(interim(9000, 4500, 22_000));
    await store.applyRecord(stop(14_400, 10_000, 40_000));
    // bob: inside January, twice; "=cmd": a hostile username, open in February.
    await store.applyRecord(start({ acctSessionId: 'b1', username: 'bob', startAt: T0 - 10 * 24 * 3_600_000 }));
    await store.applyRecord(stop(600, 100, 200, { acctSessionId: 'b1', username: 'bob', startAt: T0 - 10 * 24 * 3_600_000, framedIp: null }));
    await store.applyRecord(stop(60, 1, 2, { acctSessionId: 'b2', username: 'bob', startAt: T0 - 3_600_000, terminateCause: 'Lost-Carrier' }));
    await store.applyRecord(start({ acctSessionId: 'm1', username: '=cmd|"x",y', startAt: T0 + 5 * 3_600_000 }));
    await store.applyRecord(interim(600, 50, 60, { acctSessionId: 'm1', username: '=cmd|"x",y', startAt: T0 + 5 * 3_600_000 }));
    await flushUsage(store, db);
    jan = await exportUsage(db, { from: '2025-01-01', to: '2025-01-31' });
    feb = await exportUsage(db, { from: '2025-02-01', to: '2025-02-28' });
  });
  afterAll(async () => {
    await db.close();
  });

  it('splits the spanning session linearly between the snapshots around midnight', () => {
    const a = (e: UsageExport) => e.detail.find((d) => d.username === 'alice');
    expect(a(jan)).toEqual({
      username: 'alice', nas: 'nas1', acct_session_id: 'sess-1', start: '2025-01-31T22:00:00.000Z', stop: '2025-02-01T02:00:00.000Z',
      seconds: 7200, input_octets: 3000, output_octets: 18_500, terminate_cause: 'User-Request', framed_ip: '198.51.100.7',
    });
    expect(a(feb)).toMatchObject({ seconds: 7200, input_octets: 7000, output_octets: 21_500 });
  });

  it('the two months add up to the NAS counters', () => {
    const sum = (e: UsageExport) => e.summary.find((s) => s.username === 'alice');
    expect((sum(jan)?.input_octets ?? 0) + (sum(feb)?.input_octets ?? 0)).toBe(10_000);
    expect((sum(jan)?.output_octets ?? 0) + (sum(feb)?.output_octets ?? 0)).toBe(40_000);
    expect((sum(jan)?.seconds ?? 0) + (sum(feb)?.seconds ?? 0)).toBe(14_400);
  });

  it('writes the January summary as RFC 4180 CSV, one row per member', () => {
    expect(toCsv(jan.summary, SUMMARY_COLUMNS)).toBe(
      'username,sessions,seconds,input_octets,output_octets\r\n' +
      'alice,1,7200,3000,18500\r\n' +
      'bob,2,660,101,202\r\n',
    );
  });

  it('writes details with ISO 8601 UTC times, an empty stop for an open session, and neutralised formulas', () => {
    const csv = toCsv(feb.detail, DETAIL_COLUMNS);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('username,nas,acct_session_id,start,stop,seconds,input_octets,output_octets,terminate_cause,framed_ip');
    expect(lines).toContain('"\'=cmd|""x"",y",nas1,m1,2025-02-01T03:00:00.000Z,,600,50,60,,198.51.100.7');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('exports JSON with the same rows', () => {
    expect(JSON.parse(toJson(feb.summary))).toEqual(feb.summary);
    expect(feb.summary.map((s) => s.username)).toEqual(['=cmd|"x",y', 'alice']);
  });
});

describe('export helpers', () => {
  const row: UsageSessionRow = {
    uniqueId: 'u', nas: 'n', acctSessionId: 'a', username: 'x', startTime: 0, stopTime: 100 * MIN, lastUpdate: 100 * MIN,
    seconds: 6000, inputOctets: 1000, outputOctets: 0, terminateCause: null, framedIp: null,
  };

  it('without snapshots, splits linearly between start and stop; periods add up exactly', () => {
    const a = usageWithin(row, [], -MIN, 33 * MIN);
    const b = usageWithin(row, [], 33 * MIN, 200 * MIN);
    expect(a).toEqual({ seconds: 1980, inputOctets: 330, outputOctets: 0 });
    expect(a.inputOctets + b.inputOctets).toBe(1000);
    expect(a.seconds + b.seconds).toBe(6000);
  });

  it('uses the snapshot points around the boundary, ignoring one that claims more than the totals', () => {
    const snaps = [
      { uniqueId: 'u', at: 50 * MIN, seconds: 3000, inputOctets: 900, outputOctets: 0 },
      { uniqueId: 'u', at: 60 * MIN, seconds: 3600, inputOctets: 5000, outputOctets: 0 },
    ];
    expect(usageWithin(row, snaps, -MIN, 50 * MIN).inputOctets).toBe(900);
    expect(usageWithin(row, snaps, -MIN, 55 * MIN).inputOctets).toBe(950);
    expect(usageWithin(row, snaps, 60 * MIN, 200 * MIN).inputOctets).toBe(0);
  });

  it('counts an open session up to its last update', () => {
    expect(usageWithin({ ...row, stopTime: null, lastUpdate: 50 * MIN }, [], 0, 25 * MIN).inputOctets).toBe(500);
  });

  it('quotes fields per RFC 4180 and neutralises spreadsheet formulas in text only', () => {
    const rows = [{ a: 'plain', b: -5, c: 'x,y' }, { a: '+1', b: 0, c: 'line\nbreak' }, { a: '@SUM(A1)', b: 1, c: 'say "hi"' }, { a: '-2', b: 2, c: null }];
    expect(toCsv(rows, ['a', 'b', 'c'] as const)).toBe(
      'a,b,c\r\nplain,-5,"x,y"\r\n\'+1,0,"line\nbreak"\r\n\'@SUM(A1),1,"say ""hi"""\r\n\'-2,2,\r\n',
    );
  });

  it('reads inclusive UTC dates and refuses impossible ones', () => {
    expect(periodBounds('2025-01-01', '2025-01-31')).toEqual({ fromMs: Date.UTC(2025, 0, 1), toMs: Date.UTC(2025, 1, 1) });
    for (const [from, to] of [['2025-02-30', '2025-03-01'], ['2025-1-1', '2025-01-31'], ['2025-03-01', '2025-02-01']]) {
      let err: unknown;
      try {
        periodBounds(from as string, to as string);
      } catch (e) {
        err = e;
      }
      expect(isRadassocError(err) && err.code).toBe('INVALID_DATE');
    }
  });
});
