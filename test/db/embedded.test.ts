import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { discoverEmbeddedUrl, openEmbeddedDb, openEmbeddedDbDirect, type EmbeddedDb } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { deleteMember, getMember, importMembers, insertMember, loadAllMembers, updateMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { enqueueEvents, insertHook } from '../../src/db/hooks.js';
import { deletePlan, insertPlan } from '../../src/db/plans.js';
import { insertAuthLogBatch, recentAuthLog } from '../../src/db/auth-log.js';
import { insertAudit, listAudit } from '../../src/db/audit.js';
import { CHANNELS } from '../../src/db/notify.js';
import { openDatabase } from '../../src/db/open.js';
import { newMember, tempDataDir, waitFor } from './helpers.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

let dir: string;
let daemon: EmbeddedDb;

async function socketClient(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: daemon.url });
  await c.connect();
  return c;
}

beforeAll(async () => {
  dir = tempDataDir();
  daemon = await openEmbeddedDb(dir, { port: 0, idleInTransactionMs: 1500 });
  await migrate(daemon.db);
}, 60_000);
afterAll(async () => {
  await daemon.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded database served to the CLI', () => {
  it('announces itself in embedded.json so the CLI can find it', () => {
    const info = JSON.parse(readFileSync(join(dir, 'embedded.json'), 'utf8')) as { port: number; pid: number };
    expect(info.pid).toBe(process.pid);
    expect(daemon.url).toBe(`postgres://postgres@127.0.0.1:${info.port}/postgres`);
    expect(discoverEmbeddedUrl(dir)).toBe(daemon.url);
  });

  it('delivers a NOTIFY committed by a socket client to the daemon listener', async () => {
    const got: string[] = [];
    const off = await daemon.db.listen(CHANNELS.members, (p) => got.push(p));
    const cli = await socketClient();
    await insertMember(cli, DEFAULT_TENANT_ID, newMember('from-cli'));
    await cli.end();
    await waitFor(() => (got.includes('1:from-cli') ? true : undefined), 1000);
    // The daemon's own writes reach it too.
    await insertMember(daemon.db, DEFAULT_TENANT_ID, newMember('from-daemon'));
    await waitFor(() => (got.includes('1:from-daemon') ? true : undefined), 1000);
    await off();
  });

  it('keeps a daemon write out of a socket client transaction that rolls back', async () => {
    const cli = await socketClient();
    await cli.query('BEGIN');
    await cli.query('INSERT INTO plans (tenant_id, name) VALUES (1, $1)', ['cli-plan']);
    const daemonWrite = insertMember(daemon.db, DEFAULT_TENANT_ID, newMember('daemon-during-cli-tx'));
    await new Promise((r) => setTimeout(r, 100)); // the daemon waits for the client's transaction
    await cli.query('ROLLBACK');
    await daemonWrite;
    await cli.end();
    expect(await getMember(daemon.db, DEFAULT_TENANT_ID, 'daemon-during-cli-tx')).not.toBeNull();
    expect((await daemon.db.query('SELECT 1 FROM plans WHERE name = $1', ['cli-plan'])).rows).toEqual([]);
  });

  it('keeps a socket client write out of a daemon transaction that rolls back', async () => {
    const cli = await socketClient();
    const daemonTx = daemon.db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO plans (tenant_id, name) VALUES (1, $1)', ['daemon-rolled-back']);
        await new Promise((r) => setTimeout(r, 200));
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    await cli.query('INSERT INTO plans (tenant_id, name) VALUES (1, $1)', ['cli-during-daemon-tx']);
    await daemonTx;
    await cli.end();
    const names = await daemon.db.query<{ name: string }>(
      "SELECT name FROM plans WHERE name IN ('daemon-rolled-back', 'cli-during-daemon-tx')",
    );
    expect(names.rows.map((r) => r.name)).toEqual(['cli-during-daemon-tx']);
  });

  it('answers concurrent clients and the daemon each with their own results', async () => {
    const clients = await Promise.all([socketClient(), socketClient(), socketClient()]);
    let wrong = 0;
    const run = async (q: (n: number) => Promise<string>, tag: string): Promise<void> => {
      for (let i = 0; i < 150; i++) if ((await q(i)) !== `${tag}${i}`) wrong++;
    };
    await Promise.all([
      ...clients.map((c, k) =>
        run(async (i) => (await c.query<{ v: string }>('SELECT $1::text AS v, $2::int AS n', [`c${k}-${i}`, i])).rows[0]!.v, `c${k}-`),
      ),
      run(async (i) => (await daemon.db.query<{ v: string }>('SELECT $1::text AS v', [`d-${i}`])).rows[0]!.v, 'd-'),
      run(
        async (i) => daemon.db.transaction(async (tx) => (await tx.query<{ v: string }>('SELECT $1::text AS v', [`t-${i}`])).rows[0]!.v),
        't-',
      ),
    ]);
    expect(wrong).toBe(0);
    await Promise.all(clients.map((c) => c.end()));
  });

  it('rolls back a client that disconnects inside a transaction and frees the daemon', async () => {
    const cli = await socketClient();
    cli.on('error', () => undefined);
    await cli.query('BEGIN');
    await cli.query('INSERT INTO plans (tenant_id, name) VALUES (1, $1)', ['abandoned']);
    (cli as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await insertMember(daemon.db, DEFAULT_TENANT_ID, newMember('after-abandon'));
    expect((await daemon.db.query('SELECT 1 FROM plans WHERE name = $1', ['abandoned'])).rows).toEqual([]);
  });

  it('disconnects a client idle inside a transaction so the daemon is not blocked', async () => {
    const cli = await socketClient();
    cli.on('error', () => undefined);
    await cli.query('BEGIN');
    const started = Date.now();
    await insertMember(daemon.db, DEFAULT_TENANT_ID, newMember('after-idle-client'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await expect(cli.query('SELECT 1')).rejects.toThrow();
  });

  it('refuses to open the files a second time while the daemon has them', async () => {
    await expect(openEmbeddedDbDirect(dir)).rejects.toMatchObject({
      code: 'DB_IN_USE',
      message: expect.stringContaining(`process ${process.pid}`),
    });
  });

  it('lets the CLI open the database through the running daemon', async () => {
    const opened = await openDatabase({ databaseUrl: null, dataDir: dir, embeddedPort: 0, role: 'cli' });
    expect(opened).toMatchObject({ mode: 'embedded-client', embedded: true, url: daemon.url });
    expect(opened.db.kind).toBe('embedded');
    expect(await getMember(opened.db, DEFAULT_TENANT_ID, 'from-cli')).not.toBeNull();
    await opened.close();
  });
});

describe('embedded database without a daemon', () => {
  it('ignores a discovery file left by a dead process and opens the files directly', async () => {
    const d = tempDataDir();
    writeFileSync(join(d, 'embedded.json'), JSON.stringify({ port: 1, pid: 2 ** 22 + 12345 }));
    expect(discoverEmbeddedUrl(d)).toBeNull();
    const opened = await openDatabase({ databaseUrl: null, dataDir: d, embeddedPort: 0, role: 'cli' });
    expect(opened).toMatchObject({ mode: 'embedded-direct', embedded: true, url: null });
    await migrate(opened.db);
    await insertMember(opened.db, DEFAULT_TENANT_ID, newMember('persisted'));
    await opened.close();
    expect(existsSync(join(d, 'pgdata.lock'))).toBe(false);

    // The daemon started later finds the data, serves it, and cleans up after itself.
    const served = await openDatabase({ databaseUrl: null, dataDir: d, embeddedPort: 0, role: 'daemon' });
    expect(served.mode).toBe('embedded-daemon');
    expect(await getMember(served.db, DEFAULT_TENANT_ID, 'persisted')).not.toBeNull();
    await served.close();
    expect(existsSync(join(d, 'embedded.json'))).toBe(false);
    expect(discoverEmbeddedUrl(d)).toBeNull();
    rmSync(d, { recursive: true, force: true });
  }, 60_000);
});

describe('embedded database misuse', () => {
  it('fails loudly instead of hanging when db.query is used inside db.transaction', async () => {
    await expect(
      daemon.db.transaction(async () => daemon.db.query('SELECT 1')),
    ).rejects.toThrow('use the tx argument');
    expect((await daemon.db.query<{ v: number }>('SELECT 1 AS v')).rows).toEqual([{ v: 1 }]);
  });
});

describe('repositories on the embedded database', () => {
  it('return the same domain values as on PostgreSQL, in-process and over the socket', async () => {
    await insertPlan(daemon.db, DEFAULT_TENANT_ID, { name: 'emb', attributes: [{ name: 'Session-Timeout', value: '60' }] });
    const m = await insertMember(daemon.db, DEFAULT_TENANT_ID, newMember('emb-alice', { plan: 'emb', ipv4: '192.0.2.99', paidUntil: '2026-02-28' }));
    expect(typeof m.id).toBe('number');
    expect(Buffer.isBuffer(m.credential.ntHash)).toBe(true);
    const cli = await socketClient();
    expect(await getMember(cli, DEFAULT_TENANT_ID, 'emb-alice')).toEqual(m);
    await expect(insertMember(cli, DEFAULT_TENANT_ID, newMember('emb-alice'))).rejects.toMatchObject({ code: 'DUPLICATE_MEMBER' });
    await expect(deletePlan(cli, DEFAULT_TENANT_ID, 'emb')).rejects.toMatchObject({ code: 'PLAN_IN_USE' });
    await cli.end();
    expect((await updateMember(daemon.db, DEFAULT_TENANT_ID, 'emb-alice', { maxSessions: 4 })).maxSessions).toBe(4);
    await deleteMember(daemon.db, DEFAULT_TENANT_ID, 'emb-alice');
    await expect(deleteMember(daemon.db, DEFAULT_TENANT_ID, 'emb-alice')).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER' });

    await insertNas(daemon.db, { name: 'emb-nas', address: '198.51.100.0/25', secret: 's' });
    await expect(insertNas(daemon.db, { name: 'emb-nas2', address: '198.51.100.5', secret: 's' })).rejects.toMatchObject({
      code: 'NAS_ADDRESS_OVERLAP',
    });

    const time = new Date('2025-01-01T00:00:00Z');
    await insertAuthLogBatch(daemon.db, [{ time, username: 'emb-bob', nas: 'emb-nas', method: 'chap', result: 'reject', reason: 'bad-password', callingStationId: null, classId: null }]);
    expect(await recentAuthLog(daemon.db, DEFAULT_TENANT_ID, 'emb-bob', 5)).toEqual([
      { time, username: 'emb-bob', nas: 'emb-nas', method: 'chap', result: 'reject', reason: 'bad-password', callingStationId: null, classId: null },
    ]);
    await insertAudit(daemon.db, { tenantId: DEFAULT_TENANT_ID, actor: 't', action: 'x', target: 'member:emb-bob', after: { password: 'p' } });
    expect((await listAudit(daemon.db, DEFAULT_TENANT_ID, { target: 'member:emb-bob' }))[0]?.after).toEqual({ password: '[redacted]' });

    const rows = Array.from({ length: 2000 }, (_, i) => newMember(`emb-bulk${i}`));
    rows[1500] = newMember('emb-bulk1500', { ipv4: 'bad' });
    await expect(importMembers(daemon.db, DEFAULT_TENANT_ID, rows)).rejects.toMatchObject({ message: expect.stringMatching(/^line 1502: /) });
    rows[1500] = newMember('emb-bulk1500');
    expect(await importMembers(daemon.db, DEFAULT_TENANT_ID, rows)).toEqual({ inserted: 2000 });
    expect((await loadAllMembers(daemon.db, 500)).filter((x) => x.username.startsWith('emb-bulk')).length).toBe(2000);

    // Many webhook events in one statement (a NAS reboot's session.stopped), their array parameters included; a repeat adds none.
    await insertHook(daemon.db, { tenantId: DEFAULT_TENANT_ID, url: 'https://hooks.example.org/x', events: ['session.stopped'], secret: 'whsec_embedded-test-secret', createdBy: 't' });
    const events = ['u1', 'u"2', "u'3"].map((uid) => ({ tenantId: DEFAULT_TENANT_ID, event: 'session.stopped', data: { unique_id: uid, note: 'a,b {c}' }, dedupeKey: `session.stopped:${uid}` }));
    expect(await enqueueEvents(daemon.db, events)).toBe(3);
    expect(await enqueueEvents(daemon.db, events)).toBe(0);
    // Without a dedupe key (a suspension's event), a NULL in the array: queued each time.
    const plain = { tenantId: DEFAULT_TENANT_ID, event: 'session.stopped', data: { unique_id: 'u4', note: '' } };
    expect(await enqueueEvents(daemon.db, [plain, plain])).toBe(2);
    await daemon.db.query("DELETE FROM hook_deliveries WHERE payload->>'unique_id' = 'u4'");
    const queued = await daemon.db.query<{ payload: { unique_id: string } }>("SELECT payload FROM hook_deliveries WHERE event = 'session.stopped' ORDER BY id");
    expect(queued.rows.map((r) => r.payload).sort((a, b) => a.unique_id.localeCompare(b.unique_id))).toEqual(events.map((e) => e.data).sort((a, b) => a.unique_id.localeCompare(b.unique_id)));
  });
});
