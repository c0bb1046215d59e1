/** Suspend and resume without a daemon: the edges (real PostgreSQL, in-process store, simulated NAS). */
import { scopeOf } from '../support/scope.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoaClient } from '../../src/coa/client.js';
import { listAudit } from '../../src/db/audit.js';
import type { Db } from '../../src/db/db.js';
import { getMember, insertMember } from '../../src/db/members.js';
import { insertNas } from '../../src/db/nas.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { resume, suspend, type LifecycleDeps } from '../../src/services/lifecycle.js';
import { migratedPostgres, newMember } from '../db/helpers.js';
import { SimulatedDas } from '../coa/simulated-das.js';
import { silentLog, startRecord, storeWith } from './fixtures.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

const SECRET = 'edge-test-secret-of-32-octets-ok';
let db: Db;
let das: SimulatedDas;
let deps: LifecycleDeps & { config: typeof DEFAULT_CONFIG };
const ops = scopeOf('ops');

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  das = await SimulatedDas.open(SECRET);
  await insertNas(db, { name: 'bras1', address: '127.0.0.1/32', secret: SECRET, coaPort: das.port });
  for (const u of ['erin', 'frank']) await insertMember(db, DEFAULT_TENANT_ID, newMember(u));
  deps = {
    db,
    sessions: await storeWith(startRecord({ username: 'frank', acctSessionId: 'f-1' })),
    coa: new CoaClient({ timeoutsMs: [50] }),
    log: silentLog,
    config: DEFAULT_CONFIG,
    now: () => Date.now(),
  };
});

afterAll(async () => {
  await deps?.coa.close();
  das?.close();
  await db?.close();
});

describe('suspend', () => {
  it('suspends even when live sessions cannot be read, and says so', async () => {
    const broken = { listOpen: () => Promise.reject(new Error('daemon not running')), getSession: () => Promise.resolve(null) };
    const r = await suspend({ ...deps, sessions: broken }, ops, { username: 'erin', reason: 'abuse report' });
    expect(r).toMatchObject({ changed: true, disconnects: [], sessionsError: 'daemon not running' });
    expect((await getMember(db, DEFAULT_TENANT_ID, 'erin'))?.status).toBe('suspended');
    expect((await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:erin' }))[0]).toMatchObject({ action: 'member.suspend', actor: 'ops' });
  });

  it('refuses an unknown member and an empty reason', async () => {
    await expect(suspend(deps, ops, { username: 'nobody', reason: 'x' })).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER' });
    await expect(suspend(deps, ops, { username: 'erin', reason: '  ' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('keeps the original date when the reason changes', async () => {
    const first = (await getMember(db, DEFAULT_TENANT_ID, 'erin'))!.suspendedAt;
    const r = await suspend({ ...deps, now: () => Date.now() + 86_400_000 }, ops, { username: 'erin', reason: 'abuse confirmed' });
    expect(r.after.suspendedReason).toBe('abuse confirmed');
    expect(r.after.suspendedAt).toEqual(first);
  });
});

describe('resume with a restricted plan', () => {
  it('moves live sessions out of the restricted plan (disconnect where the NAS has no CoA)', async () => {
    await suspend(deps, ops, { username: 'frank', reason: 'dues lapsed' });
    das.reset();
    // Accepted into the walled garden meanwhile: a session of the suspended member.
    const r = await resume({ ...deps, config: { ...DEFAULT_CONFIG, restrictedPlan: 'walled-garden' } }, ops, { username: 'frank' });
    expect(r.changed).toBe(true);
    expect(r.pushed.map((a) => [a.acctSessionId, a.kind, a.outcome])).toEqual([['f-1', 'disconnect', 'ack']]);
  });

  it('leaves live sessions alone where suspended members are refused outright', async () => {
    await suspend(deps, ops, { username: 'frank', reason: 'dues lapsed' });
    das.reset();
    const r = await resume(deps, ops, { username: 'frank' });
    expect(r.pushed).toEqual([]);
    expect(das.received).toHaveLength(0);
    expect((await resume(deps, ops, { username: 'frank' })).changed).toBe(false);
  });
});
