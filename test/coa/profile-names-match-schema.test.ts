/**
 * The disconnect profiles the code knows are exactly those the nas table's
 * CHECK constraint accepts, read from the catalogue of a migrated database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCONNECT_PROFILES, PROFILES, isDisconnectProfile } from '../../src/coa/profiles.js';
import type { Db } from '../../src/db/db.js';
import { insertNas } from '../../src/db/nas.js';
import { migratedPostgres } from '../db/helpers.js';

let db: Db;
beforeAll(async () => {
  ({ db } = await migratedPostgres());
});
afterAll(async () => {
  await db.close();
});

/** The text literals of the nas_disconnect_profile_check constraint, as PostgreSQL stores it. */
async function namesInConstraint(): Promise<string[]> {
  const r = await db.query<{ def: string }>(
    `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
      WHERE c.conrelid = 'nas'::regclass AND c.conname = 'nas_disconnect_profile_check' AND c.contype = 'c'`,
  );
  const def = r.rows[0]?.def;
  if (def === undefined) throw new Error('the migrated database has no nas_disconnect_profile_check constraint');
  expect(def).toMatch(/^CHECK \(\(disconnect_profile = ANY \(ARRAY\[/);
  return [...def.matchAll(/'((?:[^']|'')*)'::text/g)].map((m) => m[1]!.replaceAll("''", "'"));
}

describe('disconnect profile names', () => {
  it('are the same in the code and in the database constraint', async () => {
    const inDatabase = await namesInConstraint();
    expect([...inDatabase].sort()).toEqual([...DISCONNECT_PROFILES].sort());
    expect(DISCONNECT_PROFILES).toEqual(Object.keys(PROFILES));
  });

  it('each profile the code knows is stored, and a name it does not know is refused before SQL', async () => {
    for (const [i, profile] of DISCONNECT_PROFILES.entries()) {
      const n = await insertNas(db, { name: `n-${profile}`, address: `192.0.2.${i + 1}`, secret: 's'.repeat(32), disconnectProfile: profile });
      expect(n.disconnectProfile).toBe(profile);
    }
    expect(isDisconnectProfile('toString')).toBe(false);
    await expect(
      insertNas(db, { name: 'n-other', address: '192.0.2.200', secret: 's'.repeat(32), disconnectProfile: 'huawei' as never }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: `NAS n-other: disconnect profile must be one of ${DISCONNECT_PROFILES.join(', ')}` });
  });
});
