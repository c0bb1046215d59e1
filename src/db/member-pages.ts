/**
 * The API's member list: one page at a time in username order (byte order,
 * COLLATE "C", on its own index: sql/050_api_accounts.sql) within one
 * tenant, filtered, by keyset (the last username of a page is the cursor),
 * so a page costs the same at member 100 and at member 100,000; a username
 * prefix is a range of that index. The tenant is always named: a page never
 * holds another tenant's members.
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
  /** Usernames starting with this text (exactly): a range of the index. */
  prefix?: string;
  /** Usernames containing this text, any case: a scan in username order until the page is full. */
  contains?: string;
  /** The last username of the previous page. */
  after?: string;
  limit: number;
}

/** LIKE's own characters taken literally. */
const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The first text after every text starting with `prefix`, in code point
 * order (UTF-8 bytes compare as code points): its last code point plus one.
 */
function successor(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    let next = last + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000; // no surrogates in text
    if (next <= 0x10ffff) return points.join('') + String.fromCodePoint(next);
  }
  // Every code point is the last there is: nothing sorts after the prefix's texts.
  return null;
}

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
  if (p.prefix !== undefined && p.prefix !== '') {
    add((n) => `(username COLLATE "C") >= ${n}`, p.prefix);
    const end = successor(p.prefix);
    if (end !== null) add((n) => `(username COLLATE "C") < ${n}`, end);
  }
  if (p.contains !== undefined && p.contains !== '') add((n) => `username ILIKE ${n}`, `%${likeEscape(p.contains)}%`);
  if (p.after !== undefined) add((n) => `(username COLLATE "C") > ${n}`, p.after);
  params.push(p.limit + 1);
  const r = await q.query<Record<string, unknown>>(
    `SELECT ${MEMBER_COLUMNS} FROM members WHERE ${where.join(' AND ')} ORDER BY (username COLLATE "C") LIMIT $${params.length}`,
    params,
  );
  const more = r.rows.length > p.limit;
  return { members: r.rows.slice(0, p.limit).map(toMember), more };
}
