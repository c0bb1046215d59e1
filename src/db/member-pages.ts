/**
 * The API's member list: one page at a time in username order within one
 * tenant, filtered, by keyset (the last username of a page is the cursor),
 * so a page costs the same at member 100 and at member 100,000. The tenant is
 * always named: a page never holds another tenant's members.
 */
import type { Member, MemberStatus } from '../domain/member.js';
import type { Queryable } from './db.js';
import { MEMBER_COLUMNS, toMember } from './member-rows.js';

export interface MemberPageQuery {
  tenantId: number;
  status?: MemberStatus;
  plan?: string;
  /** Active members with paid-until before this day (YYYY-MM-DD): lapsing soon, or in grace. */
  paidBefore?: string;
  /** Usernames containing this text (case-insensitive); a prefix match is the common case. */
  search?: string;
  /** The last username of the previous page. */
  after?: string;
  limit: number;
}

/** LIKE's own characters taken literally. */
const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Up to `limit` members after the cursor, and whether more follow. */
export async function memberPage(q: Queryable, p: MemberPageQuery): Promise<{ members: Member[]; more: boolean }> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [p.tenantId];
  const add = (sql: (n: string) => string, value: unknown): void => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (p.status !== undefined) add((n) => `status = ${n}`, p.status);
  if (p.plan !== undefined) add((n) => `plan = ${n}`, p.plan);
  if (p.paidBefore !== undefined) {
    where.push("status = 'active'");
    add((n) => `paid_until < ${n}::date`, p.paidBefore);
  }
  if (p.search !== undefined && p.search !== '') add((n) => `username ILIKE ${n}`, `%${likeEscape(p.search)}%`);
  if (p.after !== undefined) add((n) => `username > ${n}`, p.after);
  params.push(p.limit + 1);
  const r = await q.query<Record<string, unknown>>(
    `SELECT ${MEMBER_COLUMNS} FROM members WHERE ${where.join(' AND ')} ORDER BY username LIMIT $${params.length}`,
    params,
  );
  const more = r.rows.length > p.limit;
  return { members: r.rows.slice(0, p.limit).map(toMember), more };
}
