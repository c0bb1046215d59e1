/**
 * Serialises changes to one member across processes: the CLI, the dues job
 * on every daemon copy. A transaction-scoped advisory lock (released at
 * commit or rollback) taken before reading the member, so two suspensions of
 * the same member cannot both see it active and both act.
 */
import type { Queryable } from './db.js';

const MEMBER_LOCK_SPACE = 0x72616400;

/** The member `username` of tenant `tenantId`: the same name in two tenants is two members, two locks. */
export async function lockMember(tx: Queryable, tenantId: number, username: string): Promise<void> {
  // Two-key form: the first key ("rad\0") keeps these apart from migrate.ts's single-key lock.
  await tx.query("SELECT pg_advisory_xact_lock($1::integer, hashtext($2::integer || ':' || $3))", [MEMBER_LOCK_SPACE, tenantId, username]);
}
