/**
 * The API's member list stays fast at 100,000 members: one page of 100 is
 * a keyset query on the tenant's username index (db/member-pages.ts),
 * whichever page and filter. The figures are printed; the bound asserted is
 * generous (a shared test machine), the real one is measured by the bench.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveCredential } from '../../src/auth/credentials.js';
import type { Db } from '../../src/db/db.js';
import { importMembers } from '../../src/db/member-import.js';
import { memberPage, type MemberPageQuery } from '../../src/db/member-pages.js';
import type { NewMember } from '../../src/domain/member.js';
import { freshDb } from '../support/daemon.js';

const MEMBERS = 100_000;
let db: Db;

beforeAll(async () => {
  ({ db } = await freshDb());
  // One credential for all: the query is measured here, not hashing.
  const credential = deriveCredential('member-pass', ['pap', 'chap']);
  const rows: NewMember[] = Array.from({ length: MEMBERS }, (_, i) => ({
    username: `member${String(i).padStart(6, '0')}`,
    credential,
    authMethods: ['pap', 'chap'],
    paidUntil: `2027-${String((i % 12) + 1).padStart(2, '0')}-15`,
  }));
  await importMembers(db, 1, rows);
  await db.query("UPDATE members SET status = 'suspended', suspended_reason = 'test' WHERE username LIKE 'member%7'");
  await db.query('ANALYZE members');
}, 180_000);

afterAll(async () => {
  await db?.close();
});

async function median(q: MemberPageQuery): Promise<{ ms: number; count: number }> {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    count = (await memberPage(db, q)).members.length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[3]!, count };
}

describe('a page of 100 members out of 100,000', () => {
  it.each([
    ['the first page', {}],
    ['a page in the middle (cursor)', { after: 'member050000' }],
    ['suspended members only', { status: 'suspended' as const }],
    ['lapsing before a date', { paidBefore: '2027-02-01' }],
    ['a username prefix', { prefix: 'member09' }],
    ['a username prefix near the end', { prefix: 'member0999' }],
  ])('%s', async (what, filter) => {
    const { ms, count } = await median({ tenantId: 1, limit: 100, ...filter });
    process.stdout.write(`member list, ${what}: ${ms.toFixed(1)} ms for ${count} members\n`);
    expect(count).toBe(100);
    expect(ms).toBeLessThan(500);
  });
});
