/** The audit log through the audit service: newest first, narrowed to a member or a target, limited; refusals with their data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAudit } from '../../src/db/audit.js';
import type { Db } from '../../src/db/db.js';
import { listAuditLog } from '../../src/services/audit.js';
import { migratedPostgres } from '../db/helpers.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';
import { scopeOf } from '../support/scope.js';

let db: Db;

beforeAll(async () => {
  ({ db } = await migratedPostgres());
  await insertAudit(db, { tenantId: DEFAULT_TENANT_ID, actor: 'carol', action: 'member.add', target: 'member:ann', after: { username: 'ann', password: 'never-shown' } });
  await insertAudit(db, { tenantId: DEFAULT_TENANT_ID, actor: 'carol', action: 'nas.add', target: 'nas:bras1', after: { name: 'bras1' } });
  await insertAudit(db, { tenantId: DEFAULT_TENANT_ID, actor: 'dave', action: 'member.suspend', target: 'member:ann', before: { status: 'active' }, after: { status: 'suspended' } });
});

afterAll(async () => {
  await db?.close();
});

describe('listAuditLog', () => {
  it('lists newest first, by member, by target and up to a limit, secrets redacted', async () => {
    expect((await listAuditLog({ db }, scopeOf('test'))).map((e) => e.action)).toEqual(['member.suspend', 'nas.add', 'member.add']);
    const ann = await listAuditLog({ db }, scopeOf('test'), { username: 'ann' });
    expect(ann.map((e) => [e.actor, e.action])).toEqual([['dave', 'member.suspend'], ['carol', 'member.add']]);
    expect(ann[1]?.after).toEqual({ username: 'ann', password: '[redacted]' });
    expect((await listAuditLog({ db }, scopeOf('test'), { target: 'nas:bras1' })).map((e) => e.action)).toEqual(['nas.add']);
    expect((await listAuditLog({ db }, scopeOf('test'), { limit: 1 })).map((e) => e.action)).toEqual(['member.suspend']);
  });

  it('refuses a member and a target together, and a limit below one', async () => {
    await expect(listAuditLog({ db }, scopeOf('test'), { username: 'ann', target: 'nas:bras1' })).rejects.toMatchObject({ code: 'AUDIT_FILTER_CONFLICT', message: 'give --user or --target, not both' });
    await expect(listAuditLog({ db }, scopeOf('test'), { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_LIMIT', details: { limit: 0 } });
    await expect(listAuditLog({ db }, scopeOf('test'), { limit: 2.5 })).rejects.toMatchObject({ code: 'INVALID_LIMIT' });
  });
});
