/**
 * PostgreSQL goes away under a running daemon, then comes back (a private
 * cluster stopped with `pg_ctl -m immediate` and started again):
 * - authentication goes on from the in-memory member cache;
 * - the authentication log is buffered (bounded, shown on /metrics) and
 *   written once PostgreSQL is back, nothing lost, no restart;
 * - the member cache follows the database again (LISTEN reconnects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveCredential } from '../../src/auth/credentials.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import { insertMember } from '../../src/db/members.js';
import { migrate } from '../../src/db/migrate.js';
import { insertNas } from '../../src/db/nas.js';
import { ALL_AUTH_METHODS } from '../../src/domain/member.js';
import { Attr, PacketCode } from '../../src/protocol/codes.js';
import { attr, SimulatedNas } from '../support/nas.js';
import { startPostgres, type PostgresServer } from '../support/services.js';
import { startHardenedDaemon, waitFor, type HardenedDaemon } from './support/daemon.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'pg-fault-nas-secret-of-32-octets';
let pg: PostgresServer;
let t: HardenedDaemon;
let nas: SimulatedNas;

const pap = (user: string, password: string) => ({ code: PacketCode.AccessRequest, attributes: [attr(Attr.UserName, user), attr(Attr.UserPassword, password)] });

beforeAll(async () => {
  pg = await startPostgres();
  const db = createPostgresDb(pg.url);
  await migrate(db);
  await insertNas(db, { name: 'bras', address: '127.0.0.1/32', secret: SECRET });
  await db.close();
  t = await startHardenedDaemon({ databaseUrl: pg.url, http: true });
  await t.addMember('hana', 'hana-pass');
  nas = await SimulatedNas.open(SECRET, '127.0.0.1');
});

afterAll(async () => {
  nas?.close();
  await t?.stop();
  await pg?.destroy();
});

async function authLogRows(): Promise<number> {
  const r = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM auth_log');
  return Number(r.rows[0]!.n);
}

describe('PostgreSQL down, then back', () => {
  it('authenticates from the cache, buffers the authentication log and writes it all once PostgreSQL is back', async () => {
    expect((await nas.request(pap('hana', 'hana-pass'), t.auth)).response?.code).toBe(PacketCode.AccessAccept);
    await waitFor(async () => (await authLogRows()) === 1, 3000, 'first entry written');
    // The test cluster runs with synchronous_commit off: make what it acknowledged survive the crash below.
    await t.db.query('CHECKPOINT');

    await pg.stop();
    const during = 40;
    for (let i = 0; i < during; i++) {
      const { response } = await nas.request(pap('hana', i % 8 === 0 ? 'wrong' : 'hana-pass'), t.auth);
      expect(response?.code).toBe(i % 8 === 0 ? PacketCode.AccessReject : PacketCode.AccessAccept);
    }
    await waitFor(async () => (await t.scrape()).get('radassoc_auth_log_buffered') === during, 3000, 'entries held in the buffer');
    const sick = await fetch(`http://127.0.0.1:${t.http}/healthz`);
    expect(sick.status).toBe(503);
    expect(await sick.text()).toContain('database');

    await pg.start();
    await waitFor(async () => (await t.scrape()).get('radassoc_auth_log_buffered') === 0, 40_000, 'buffer written after the restart');
    // On a mismatch, show what the writer said: it is the only witness of a lost batch.
    const writerLines = t.log.lines.filter((l) => l.includes('authentication log')).join('\n');
    expect(await authLogRows(), writerLines).toBe(1 + during);
    expect((await t.scrape()).get('radassoc_auth_log_dropped')).toBe(0);

    // The cache follows the database again: a member added now can log in.
    await insertMember(t.db, DEFAULT_TENANT_ID, { username: 'ivan', credential: deriveCredential('ivan-pass', ALL_AUTH_METHODS), authMethods: [...ALL_AUTH_METHODS] });
    await waitFor(() => t.daemon.directory.member('ivan') !== undefined, 20_000, 'new member in the cache');
    expect((await nas.request(pap('ivan', 'ivan-pass'), t.auth)).response?.code).toBe(PacketCode.AccessAccept);
  });
});
