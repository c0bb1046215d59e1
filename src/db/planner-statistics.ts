/**
 * After a bulk write, PostgreSQL's planner still believes the tables hold
 * what they held before until autovacuum analyses them (a minute or more,
 * never where autovacuum is off). Meanwhile it may plan a page of 100
 * members from a just-imported 10,000 as a scan and sort of all of them,
 * several times the cost of the index walk it picks once it knows. So a bulk
 * import analyses what it filled, after its commit.
 */
import type { Queryable } from './db.js';

/** Below this many rows a write does not change a plan worth an ANALYZE. */
export const BULK_ROWS = 1000;

export async function analyseAfterBulkWrite(q: Queryable, rows: number, tables: readonly string[]): Promise<void> {
  if (rows < BULK_ROWS) return;
  for (const t of tables) await q.query(`ANALYZE ${t}`);
}
