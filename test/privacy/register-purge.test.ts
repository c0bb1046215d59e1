/**
 * purgeExpiredRegister with an injected clock, on PostgreSQL and on the
 * embedded PGlite: closed connections go once their END is older than their
 * tenant's registerRetentionDays (365 by default), in batches; an open
 * session stays however long ago it started; the lookup index answers on
 * both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMatches, upsertRegister } from '../../src/db/connection-register.js';
import type { Db } from '../../src/db/db.js';
import { openEmbeddedDbDirect } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import type { LiveSession } from '../../src/domain/session.js';
import { purgeExpiredRegister } from '../../src/privacy/register-purge.js';
import { RETENTION_KINDS } from '../../src/privacy/retention-kinds.js';
import { addTenant } from '../../src/services/tenants.js';
import { migratedPostgres, tempDataDir } from '../db/helpers.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2027, 5, 1, 12, 0, 0);

function session(uniqueId: string, tenantId: number, startDaysAgo: number, stopDaysAgo: number | null, ip: string): LiveSession {
  return {
    uniqueId, nas: 'bras1', acctSessionId: uniqueId, tenantId, username: `user-${uniqueId}`, nasPort: null, nasPortId: null, nasIpAddress: null,
    framedIp: ip, callingStationId: null, classHex: null, startTime: NOW - startDaysAgo * DAY, lastUpdate: NOW - (stopDaysAgo ?? 0) * DAY,
    interimInterval: null, sessionTime: 0, inputOctets: 0, outputOctets: 0, inputPackets: 0, outputPackets: 0,
    stopTime: stopDaysAgo === null ? null : NOW - stopDaysAgo * DAY, terminateCause: stopDaysAgo === null ? null : 'User-Request',
  };
}

const backends: Array<[string, () => Promise<{ db: Db; close(): Promise<void> }>]> = [
  ['PostgreSQL', async () => { const { db } = await migratedPostgres(); return { db, close: () => db.close() }; }],
  ['PGlite', async () => { const e = await openEmbeddedDbDirect(tempDataDir()); await migrate(e.db); return e; }],
];

describe.each(backends)('the register on %s', (_name, open) => {
  let handle: { db: Db; close(): Promise<void> };
  let db: Db;

  beforeAll(async () => {
    handle = await open();
    db = handle.db;
    await addTenant({ db }, { name: 'test' }, { name: 'short', settings: { registerRetentionDays: 30 } });
    const short = Number((await db.query<{ id: number }>("SELECT id FROM tenants WHERE name = 'short'")).rows[0]!.id);
    await upsertRegister(db, [
      session('d-expired-1', 1, 400, 366, '192.0.2.1'),
      session('d-expired-2', 1, 500, 380, '192.0.2.2'),
      session('d-expired-3', 1, 370, 365.5, '192.0.2.3'),
      session('d-kept', 1, 365, 364, '192.0.2.4'),
      // Started two years ago, ended ten days ago: counted from its end, it stays.
      session('d-long', 1, 700, 10, '192.0.2.5'),
      session('d-open', 1, 800, null, '192.0.2.6'),
      session('s-expired', short, 40, 31, '192.0.2.7'),
      session('s-kept', short, 40, 29, '192.0.2.8'),
      session('s-open', short, 900, null, '192.0.2.9'),
    ], NOW, null);
  });

  afterAll(async () => {
    await handle?.close();
  });

  it('answers a lookup through the address and period index', async () => {
    const hits = await registerMatches(db, '192.0.2.6', NOW - 60_000, NOW + 60_000, null);
    expect(hits.map((h) => [h.uniqueId, h.kind, h.matched, h.stopTime])).toEqual([['d-open', 'framed-ip', '192.0.2.6/32', null]]);
  });

  it('is a kind of retention run: its dry run counts what the run then deletes, and changes nothing', async () => {
    const kind = RETENTION_KINDS.find((k) => k.kind === 'connection-register')!;
    expect(kind.deploymentOnly).toBe(true);
    expect(await kind.purge(db, [], { now: NOW, batchSize: 2, dryRun: true })).toEqual([{ tenantId: null, rows: 4, batches: 0, cutoff: null }]);
    const held = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM connection_register');
    expect(Number(held.rows[0]!.n)).toBe(9);
  });

  it("deletes, in batches, only closed sessions whose end is older than their tenant's period", async () => {
    const report = await purgeExpiredRegister(db, NOW, { batchSize: 2 });
    expect(report).toEqual({ sessions: 4, addresses: 4, batches: 2 });
    const left = await db.query<{ unique_id: string }>('SELECT unique_id FROM connection_register ORDER BY unique_id');
    expect(left.rows.map((r) => r.unique_id)).toEqual(['d-kept', 'd-long', 'd-open', 's-kept', 's-open']);
    const addresses = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM connection_register_addresses');
    expect(Number(addresses.rows[0]!.n)).toBe(5);
    expect(await purgeExpiredRegister(db, NOW)).toEqual({ sessions: 0, addresses: 0, batches: 0 });
  });

  it('keeps open sessions whatever the clock says', async () => {
    expect(await purgeExpiredRegister(db, NOW + 3650 * DAY)).toEqual({ sessions: 3, addresses: 3, batches: 1 });
    const left = await db.query<{ unique_id: string }>('SELECT unique_id FROM connection_register ORDER BY unique_id');
    expect(left.rows.map((r) => r.unique_id)).toEqual(['d-open', 's-open']);
  });
});
