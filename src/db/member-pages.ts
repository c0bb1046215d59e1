/**
 * The API's member list: one page at a time in username order (byte order,
 * COLLATE "C", on its own index: sql/050_api_accounts.sql) within one
 * tenant, filtered, by keyset (the last username of a page is the cursor),
 * so a page costs the same at member 100 and at member 100,000; a username
 * prefix is a range of that index; an address or line search is a range
 * (or an overlap) of its own index (sql/075_member_search.sql). The tenant is
 * always named: a page never holds another tenant's members.
 */
import type { Member, MemberStatus } from '../domain/member.js';
import { parseCidr } from '../net/ip.js';
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
  /** A framed address (addressSearch below): the start of an IPv4 address or IPv6 prefix as written, or a whole address or block. */
  address?: string;
  /** Access lines (line_id) starting with this text, exactly. */
  line?: string;
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

/** What an address search looks for: a text prefix of one column, or a block it falls in or overlaps. */
export type AddressSearch = { kind: 'text'; family: 4 | 6; prefix: string } | { kind: 'block'; family: 4 | 6; block: string };

/**
 * How an address as typed is searched: with a colon it is IPv6, else IPv4.
 * A whole IPv6 address or block finds the prefixes holding it or lying in it
 * (2001:db8:1200::1 finds 2001:db8:1200::/56); an IPv4 block finds the
 * addresses in it; anything else is the start of the address as PostgreSQL
 * writes it (lower case, compressed), so that it narrows as one types.
 */
export function addressSearch(text: string): AddressSearch {
  const t = text.trim().toLowerCase();
  const block = parseCidr(t);
  const v6 = t.includes(':');
  const family = v6 ? 6 : 4;
  if (block.ok && block.value.family === family && (v6 || t.includes('/'))) return { kind: 'block', family, block: block.value.text };
  return { kind: 'text', family, prefix: t };
}

/** `expr` starts with `prefix`, as a range of a COLLATE "C" index. */
function startsWith(add: (sql: (n: string) => string, value: unknown) => void, expr: string, prefix: string): void {
  add((n) => `(${expr} COLLATE "C") >= ${n}`, prefix);
  const end = successor(prefix);
  if (end !== null) add((n) => `(${expr} COLLATE "C") < ${n}`, end);
}

/** A search's matches counted up to this many first: fewer, and they are fetched on their own index and sorted. */
const NARROW = 2000;

/** The WHERE of a page: every filter, or only the tenant and the address and line searches (the probe). */
function conditions(p: MemberPageQuery, which: 'all' | 'search'): { where: string[]; params: unknown[] } {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [p.tenantId];
  const add = (sql: (n: string) => string, value: unknown): void => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (which === 'all') {
    if (p.status !== undefined) add((n) => `status = ${n}`, p.status);
    if (p.plan !== undefined) add((n) => `plan = ${n}`, p.plan);
    if (p.paidBefore !== undefined) {
      where.push("status = 'active'");
      add((n) => `paid_until < ${n}::date`, p.paidBefore);
    }
    if (p.prefix !== undefined && p.prefix !== '') startsWith(add, 'username', p.prefix);
    if (p.contains !== undefined && p.contains !== '') add((n) => `username ILIKE ${n}`, `%${likeEscape(p.contains)}%`);
    if (p.after !== undefined) add((n) => `(username COLLATE "C") > ${n}`, p.after);
  }
  if (p.address !== undefined && p.address.trim() !== '') {
    const a = addressSearch(p.address);
    // IS NOT NULL spelt out: the partial indexes' condition, for the planner to match.
    where.push(a.family === 4 ? 'ipv4 IS NOT NULL' : 'ipv6_prefix IS NOT NULL');
    if (a.kind === 'text') startsWith(add, a.family === 4 ? 'host(ipv4)' : 'text(ipv6_prefix)', a.prefix);
    else if (a.family === 4) add((n) => `ipv4 <<= ${n}::inet`, a.block);
    else add((n) => `ipv6_prefix && ${n}::inet`, a.block);
  }
  if (p.line !== undefined && p.line !== '') {
    where.push('line_id IS NOT NULL');
    startsWith(add, 'line_id', p.line);
  }
  return { where, params };
}

/**
 * Up to `limit` members after the cursor, and whether more follow.
 *
 * An address or line search first counts its matches on its own index (up
 * to NARROW, an index-only range): few, they are read there and sorted by
 * username; many, the page is a walk of the username index that stops once
 * full. The planner alone cannot tell the two apart when addresses or lines
 * follow username order (given out in sign-up order): it then walks most of
 * the username index for a range that its own index holds in one place.
 */
export async function memberPage(q: Queryable, p: MemberPageQuery): Promise<{ members: Member[]; more: boolean }> {
  let narrow = false;
  if ((p.address !== undefined && p.address.trim() !== '') || (p.line !== undefined && p.line !== '')) {
    const probe = conditions(p, 'search');
    probe.params.push(NARROW + 1);
    const r = await q.query<{ n: unknown }>(`SELECT count(*) AS n FROM (SELECT 1 FROM members WHERE ${probe.where.join(' AND ')} LIMIT $${probe.params.length}) s`, probe.params);
    narrow = Number(r.rows[0]?.n ?? 0) <= NARROW;
  }
  const { where, params } = conditions(p, 'all');
  params.push(p.limit + 1);
  const limit = `$${params.length}`;
  const select = `SELECT ${MEMBER_COLUMNS} FROM members WHERE ${where.join(' AND ')}`;
  const r = await q.query<Record<string, unknown>>(
    narrow ? `WITH hits AS MATERIALIZED (${select}) SELECT * FROM hits ORDER BY (username COLLATE "C") LIMIT ${limit}` : `${select} ORDER BY (username COLLATE "C") LIMIT ${limit}`,
    params,
  );
  const more = r.rows.length > p.limit;
  return { members: r.rows.slice(0, p.limit).map(toMember), more };
}
