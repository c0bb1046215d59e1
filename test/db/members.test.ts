import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import {
  deleteMember, getMember, insertMember, listMembers, loadAllMembers, resumeMember, suspendMember, updateMember,
} from '../../src/db/members.js';
import { insertPlan, updatePlan } from '../../src/db/plans.js';
import { migratedPostgres, newMember } from './helpers.js';
import { DEFAULT_TENANT_ID } from '../../src/domain/tenant.js';

let db: Db;
beforeAll(async () => {
  ({ db } = await migratedPostgres());
  await insertPlan(db, DEFAULT_TENANT_ID, { name: 'basic', attributes: [{ name: 'Session-Timeout', value: '86400' }] });
});
afterAll(async () => {
  await db.close();
});

describe('members repository', () => {
  it('stores a member and reads back the same domain values', async () => {
    const created = await insertMember(db, DEFAULT_TENANT_ID, newMember('alice', {
      plan: 'basic', ipv4: '192.0.2.10', ipv6Prefix: '2001:DB8:1200::/56', maxSessions: 2, paidUntil: '2025-12-31',
    }));
    expect(created).toMatchObject({
      username: 'alice', status: 'active', plan: 'basic', ipv4: '192.0.2.10', ipv6Prefix: '2001:db8:1200::/56',
      maxSessions: 2, paidUntil: '2025-12-31', suspendedReason: null, suspendedAt: null,
      authMethods: ['pap', 'chap', 'mschapv1', 'mschapv2'],
      credential: { cleartext: 'pw-alice', strongHash: null },
    });
    expect(typeof created.id).toBe('number');
    expect(created.credential.ntHash?.equals(Buffer.alloc(16, 7))).toBe(true);
    expect(await getMember(db, DEFAULT_TENANT_ID, 'alice')).toEqual(created);
  });

  it('keeps usernames case-sensitive', async () => {
    await insertMember(db, DEFAULT_TENANT_ID, newMember('Bob'));
    await insertMember(db, DEFAULT_TENANT_ID, newMember('bob'));
    expect((await getMember(db, DEFAULT_TENANT_ID, 'Bob'))?.username).toBe('Bob');
    expect(await getMember(db, DEFAULT_TENANT_ID, 'BOB')).toBeNull();
  });

  it('refuses a second member with the same username and says how to change it', async () => {
    await insertMember(db, DEFAULT_TENANT_ID, newMember('carol'));
    await expect(insertMember(db, DEFAULT_TENANT_ID, newMember('carol'))).rejects.toMatchObject({
      code: 'DUPLICATE_MEMBER',
      message: 'member carol already exists; use `radassoc member set carol ...` to change it',
    });
  });

  it('refuses a static address another member has, naming that member', async () => {
    await insertMember(db, DEFAULT_TENANT_ID, newMember('dave', { ipv4: '192.0.2.20' }));
    await expect(insertMember(db, DEFAULT_TENANT_ID, newMember('erin', { ipv4: '192.0.2.20' }))).rejects.toMatchObject({
      code: 'ADDRESS_IN_USE',
      message: expect.stringContaining('member dave'),
    });
    await insertMember(db, DEFAULT_TENANT_ID, newMember('erin'));
    await expect(updateMember(db, DEFAULT_TENANT_ID, 'erin', { ipv4: '192.0.2.20' })).rejects.toMatchObject({ code: 'ADDRESS_IN_USE' });
  });

  it('refuses an unknown plan and points at the plan list', async () => {
    await expect(insertMember(db, DEFAULT_TENANT_ID, newMember('frank', { plan: 'gold' }))).rejects.toMatchObject({
      code: 'UNKNOWN_PLAN',
      message: 'no plan named gold; see `radassoc plan list`',
    });
    expect(await getMember(db, DEFAULT_TENANT_ID, 'frank')).toBeNull();
  });

  it('refuses bad addresses, prefixes, dates and session limits before touching the table', async () => {
    await expect(insertMember(db, DEFAULT_TENANT_ID, newMember('g1', { ipv4: '300.1.1.1' }))).rejects.toMatchObject({ code: 'INVALID_ADDRESS' });
    await expect(insertMember(db, DEFAULT_TENANT_ID, newMember('g2', { ipv6Prefix: '10.0.0.0/8' }))).rejects.toMatchObject({ code: 'INVALID_CIDR' });
    await expect(insertMember(db, DEFAULT_TENANT_ID, newMember('g3', { paidUntil: '2023-02-29' }))).rejects.toMatchObject({ code: 'INVALID_DATE' });
    await expect(insertMember(db, DEFAULT_TENANT_ID, newMember('g4', { maxSessions: 0 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(insertMember(db, DEFAULT_TENANT_ID, { ...newMember('g5'), authMethods: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('applies a patch: undefined leaves a field, null clears it', async () => {
    await insertMember(db, DEFAULT_TENANT_ID, newMember('heidi', { plan: 'basic', maxSessions: 3, paidUntil: '2025-01-31' }));
    const before = await getMember(db, DEFAULT_TENANT_ID, 'heidi');
    const after = await updateMember(db, DEFAULT_TENANT_ID, 'heidi', { maxSessions: null, paidUntil: '2026-01-31', ipv4: '192.0.2.30' });
    expect(after).toMatchObject({ plan: 'basic', maxSessions: null, paidUntil: '2026-01-31', ipv4: '192.0.2.30' });
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before!.updatedAt.getTime());
    const pw = await updateMember(db, DEFAULT_TENANT_ID, 'heidi', {
      credential: { cleartext: null, ntHash: null, strongHash: '$scrypt$x' }, authMethods: ['pap'],
    });
    expect(pw.credential).toEqual({ cleartext: null, ntHash: null, strongHash: '$scrypt$x', legacyHash: null });
    expect(pw.authMethods).toEqual(['pap']);
  });

  it('follows a plan rename (ON UPDATE CASCADE)', async () => {
    await insertPlan(db, DEFAULT_TENANT_ID, { name: 'old-name', attributes: [] });
    await insertMember(db, DEFAULT_TENANT_ID, newMember('ivan', { plan: 'old-name' }));
    await updatePlan(db, DEFAULT_TENANT_ID, 'old-name', { rename: 'new-name' });
    expect((await getMember(db, DEFAULT_TENANT_ID, 'ivan'))?.plan).toBe('new-name');
  });

  it('suspends with a reason and time, and resumes clearing both', async () => {
    await insertMember(db, DEFAULT_TENANT_ID, newMember('judy'));
    const at = new Date('2025-03-01T10:00:00Z');
    const s = await suspendMember(db, DEFAULT_TENANT_ID, 'judy', 'dues unpaid', at);
    expect(s).toMatchObject({ status: 'suspended', suspendedReason: 'dues unpaid', suspendedAt: at });
    const r = await resumeMember(db, DEFAULT_TENANT_ID, 'judy');
    expect(r).toMatchObject({ status: 'active', suspendedReason: null, suspendedAt: null });
  });

  it('names the missing member in every write', async () => {
    const unknown = { code: 'UNKNOWN_MEMBER', message: 'no member named nobody; see `radassoc member list`' };
    await expect(updateMember(db, DEFAULT_TENANT_ID, 'nobody', { maxSessions: 1 })).rejects.toMatchObject(unknown);
    await expect(suspendMember(db, DEFAULT_TENANT_ID, 'nobody', 'x')).rejects.toMatchObject(unknown);
    await expect(resumeMember(db, DEFAULT_TENANT_ID, 'nobody')).rejects.toMatchObject(unknown);
    await expect(deleteMember(db, DEFAULT_TENANT_ID, 'nobody')).rejects.toMatchObject(unknown);
  });

  it('deletes a member', async () => {
    await insertMember(db, DEFAULT_TENANT_ID, newMember('ken'));
    await deleteMember(db, DEFAULT_TENANT_ID, 'ken');
    expect(await getMember(db, DEFAULT_TENANT_ID, 'ken')).toBeNull();
  });

  it('lists by status and by dues lapsing before a date', async () => {
    await insertMember(db, DEFAULT_TENANT_ID, newMember('l-paid', { paidUntil: '2030-01-01' }));
    await insertMember(db, DEFAULT_TENANT_ID, newMember('l-lapsed', { paidUntil: '2024-06-30' }));
    await suspendMember(db, DEFAULT_TENANT_ID, 'l-lapsed', 'dues');
    const suspended = await listMembers(db, DEFAULT_TENANT_ID, { status: 'suspended' });
    expect(suspended.map((m) => m.username)).toContain('l-lapsed');
    expect(suspended.every((m) => m.status === 'suspended')).toBe(true);
    const lapsing = await listMembers(db, DEFAULT_TENANT_ID, { lapsingBefore: '2025-01-01' });
    expect(lapsing.map((m) => m.username)).toContain('l-lapsed');
    expect(lapsing.map((m) => m.username)).not.toContain('l-paid');
    await expect(listMembers(db, DEFAULT_TENANT_ID, { lapsingBefore: 'soon' })).rejects.toMatchObject({ code: 'INVALID_DATE' });
    const all = await listMembers(db, DEFAULT_TENANT_ID);
    expect(all.map((m) => m.username)).toEqual([...all.map((m) => m.username)].sort());
  });

  it('loads every member page by page, in id order', async () => {
    const all = await loadAllMembers(db, 3);
    const count = await db.query<{ n: string }>('SELECT count(*) AS n FROM members');
    expect(all.length).toBe(Number(count.rows[0]?.n));
    expect(all.map((m) => m.id)).toEqual([...all.map((m) => m.id)].sort((a, b) => a - b));
  });
});
