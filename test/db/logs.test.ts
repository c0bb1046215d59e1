import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { insertAuthLogBatch, recentAuthLog } from '../../src/db/auth-log.js';
import { insertAudit, listAudit, REDACTED } from '../../src/db/audit.js';
import type { AuthLogEntry } from '../../src/domain/auth-result.js';
import { migratedPostgres } from './helpers.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

let db: Db;
beforeAll(async () => {
  ({ db } = await migratedPostgres());
});
afterAll(async () => {
  await db.close();
});

const entry = (username: string, secondsAfter: number, extra: Partial<AuthLogEntry> = {}): AuthLogEntry => ({
  time: new Date(Date.UTC(2025, 0, 1, 12, 0, secondsAfter)),
  username, nas: 'edge1', method: 'pap', result: 'accept', reason: null, callingStationId: null, classId: null, ...extra,
});

describe('authentication log', () => {
  it('writes a batch in one statement and reads a member newest first', async () => {
    await insertAuthLogBatch(db, [
      entry('alice', 1),
      entry('alice', 3, { result: 'reject', reason: 'bad-password', method: 'chap', callingStationId: '02-00-00-00-00-01' }),
      entry('bob', 2),
      entry('alice', 2, { method: 'mschapv2' }),
    ]);
    const recent = await recentAuthLog(db, DEFAULT_TENANT_ID, 'alice', 2);
    expect(recent).toEqual([
      entry('alice', 3, { result: 'reject', reason: 'bad-password', method: 'chap', callingStationId: '02-00-00-00-00-01' }),
      entry('alice', 2, { method: 'mschapv2' }),
    ]);
  });

  it('accepts an empty batch without a query', async () => {
    await insertAuthLogBatch(db, []);
  });
});

describe('audit log', () => {
  it('records who changed what, with secrets redacted before they are stored', async () => {
    await insertAudit(db, { tenantId: DEFAULT_TENANT_ID,
      actor: 'treasurer', action: 'member.passwd', target: 'member:alice',
      before: { username: 'alice', credential: { cleartext: 'old-pw', ntHash: Buffer.alloc(16) }, plan: 'basic' },
      after: { username: 'alice', password: 'new-pw', paidUntil: '2026-01-31', nested: [{ secret: 'nas-secret' }] },
    });
    const [e] = await listAudit(db, DEFAULT_TENANT_ID, { target: 'member:alice', limit: 5 });
    expect(e).toMatchObject({
      actor: 'treasurer', action: 'member.passwd', target: 'member:alice',
      before: { username: 'alice', credential: REDACTED, plan: 'basic' },
      after: { username: 'alice', password: REDACTED, paidUntil: '2026-01-31', nested: [{ secret: REDACTED }] },
    });
    const raw = await db.query<{ t: string }>('SELECT before::text || after::text AS t FROM audit_log');
    for (const secret of ['old-pw', 'new-pw', 'nas-secret']) expect(raw.rows[0]?.t).not.toContain(secret);
  });

  it('lists newest first, filtered by target', async () => {
    await insertAudit(db, { tenantId: DEFAULT_TENANT_ID, actor: 'a', action: 'nas.add', target: 'nas:edge1', after: { name: 'edge1' } });
    await insertAudit(db, { tenantId: DEFAULT_TENANT_ID, actor: 'a', action: 'nas.remove', target: 'nas:edge1', before: { name: 'edge1' } });
    const forNas = await listAudit(db, DEFAULT_TENANT_ID, { target: 'nas:edge1' });
    expect(forNas.map((e) => e.action)).toEqual(['nas.remove', 'nas.add']);
    expect(forNas[0]?.after).toBeNull();
    expect((await listAudit(db, DEFAULT_TENANT_ID, { limit: 1 })).length).toBe(1);
  });
});
