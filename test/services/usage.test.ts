/**
 * Usage through the usage service: a flush writes finished sessions to
 * PostgreSQL, the export reads them back for a period as rows and as the
 * file's text; a period that is none is refused with its fields.
 */
import { scopeOf } from '../support/scope.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { billingExport, flush } from '../../src/services/usage.js';
import { migratedPostgres } from '../db/helpers.js';
import { startRecord, storeWith } from '../lifecycle/fixtures.js';
import { serviceDeps, type TestDeps } from './fixtures.js';

const START = Date.parse('2026-11-02T08:00:00Z');
let db: Db;
let deps: TestDeps;

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  const store = await storeWith(
    startRecord({ username: 'ann', acctSessionId: 'a-1', receivedAt: START }),
    startRecord({ username: 'ann', acctSessionId: 'a-1', statusType: 'stop', sessionTime: 600, inputOctets: 1000, outputOctets: 5000, terminateCause: 'User-Request', receivedAt: START + 600_000 }),
  );
  deps = await serviceDeps(db, { store });
});

afterAll(async () => {
  await deps?.coa.close();
  await db?.close();
});

describe('flush and export', () => {
  it('flushes the finished session, then exports it per member and per session', async () => {
    const r = await flush(deps);
    expect(r).toMatchObject({ sessions: 1, finished: 1 });
    const summary = await billingExport(deps, scopeOf('test'), { from: '2026-11-01', to: '2026-11-30' });
    expect(summary.detail).toBe(false);
    expect(summary.rows).toEqual([{ username: 'ann', sessions: 1, seconds: 600, input_octets: 1000, output_octets: 5000 }]);
    expect(summary.text).toBe('username,sessions,seconds,input_octets,output_octets\r\nann,1,600,1000,5000\r\n');
    const detail = await billingExport(deps, scopeOf('test'), { from: '2026-11-02', to: '2026-11-02', detail: true, format: 'json' });
    expect(detail.rows).toMatchObject([{ username: 'ann', acct_session_id: 'a-1', start: '2026-11-02T08:00:00.000Z', stop: '2026-11-02T08:10:00.000Z', terminate_cause: 'User-Request' }]);
    expect(JSON.parse(detail.text)).toEqual(detail.rows);
    expect((await billingExport(deps, scopeOf('test'), { from: '2026-12-01', to: '2026-12-31' })).rows).toEqual([]);
  });

  it('refuses a bound that is no date, and a period that runs backwards', async () => {
    await expect(billingExport(deps, scopeOf('test'), { from: '2026-11-31', to: '2026-12-01' })).rejects.toMatchObject({
      code: 'INVALID_DATE',
      details: { field: 'from', value: '2026-11-31' },
      message: '--from 2026-11-31 is not a date; write it as YYYY-MM-DD, e.g. 2026-11-01',
    });
    await expect(billingExport(deps, scopeOf('test'), { from: '2026-11-01', to: 'soon' })).rejects.toMatchObject({ code: 'INVALID_DATE', details: { field: 'to', value: 'soon' } });
    await expect(billingExport(deps, scopeOf('test'), { from: '2026-12-01', to: '2026-11-01' })).rejects.toMatchObject({
      code: 'INVALID_DATE',
      details: { from: '2026-12-01', to: '2026-11-01' },
      message: '--from 2026-12-01 is after --to 2026-11-01; swap them',
    });
  });
});
