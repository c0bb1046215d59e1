/**
 * connection_register / connection_register_addresses
 * (sql/080_connection_register.sql): the only module that writes or reads
 * them. Writes are idempotent upserts in the usage flush's transaction, with
 * the rules of db/usage.ts (attributes keep the first value known, the stop
 * is open < Stale-Session < a real stop), plus one of their own: the
 * identity is replaced only by a more complete one (identity_rank).
 */
import { sessionTenant, type LiveSession } from '../domain/session.js';
import { parseAddress } from '../net/ip.js';
import { registerAddresses, type AddressKind } from '../privacy/register-addresses.js';
import { sealIdentity, type IdentityKey } from '../privacy/identity-key.js';
import type { Queryable } from './db.js';
import { bufOrNull, date, num, numOrNull, str, strOrNull } from './rows.js';
import { stopMergeSql } from './usage.js';

const iso = (ms: number): string => new Date(ms).toISOString();

interface MemberFacts {
  id: number;
  lineId: string | null;
}

/** The members of the batch's sessions, by tenant and username: their id and line. */
async function membersOf(q: Queryable, sessions: ReadonlyArray<LiveSession & { tenantId: number }>): Promise<Map<string, MemberFacts>> {
  const named = sessions.filter((s) => s.username !== '');
  const out = new Map<string, MemberFacts>();
  if (named.length === 0) return out;
  const r = await q.query(
    `SELECT m.tenant_id, m.username, m.id, m.line_id FROM members m
       JOIN UNNEST($1::integer[], $2::text[]) AS k (tenant_id, username) ON m.tenant_id = k.tenant_id AND m.username = k.username`,
    [named.map((s) => s.tenantId), named.map((s) => s.username)],
  );
  for (const row of r.rows) out.set(`${num(row.tenant_id)}\u0000${str(row.username)}`, { id: num(row.id), lineId: strOrNull(row.line_id) });
  return out;
}

const UPSERT_REGISTER = `
INSERT INTO connection_register AS r (unique_id, tenant_id, username, member_id, identity_sealed, identity_key_id, identity_rank,
  nas, nas_address, nas_port, nas_port_id, line_id, framed_interface_id, start_time, stop_time, terminate_cause, updated_at)
SELECT t.unique_id, t.tenant_id, t.username, t.member_id, decode(t.sealed, 'hex'), t.key_id, t.rank, t.nas,
  COALESCE(t.nas_address, (SELECT host(n.address)::inet FROM nas n WHERE n.name = t.nas AND masklen(n.address) = CASE WHEN family(n.address) = 4 THEN 32 ELSE 128 END)),
  t.nas_port, t.nas_port_id, t.line_id, t.framed_interface_id, t.start_time, t.stop_time, t.terminate_cause, $17::timestamptz
FROM UNNEST($1::text[], $2::integer[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::smallint[], $8::text[], $9::inet[],
  $10::bigint[], $11::text[], $12::text[], $13::text[], $14::timestamptz[], $15::timestamptz[], $16::text[])
  AS t (unique_id, tenant_id, username, member_id, sealed, key_id, rank, nas, nas_address, nas_port, nas_port_id, line_id,
        framed_interface_id, start_time, stop_time, terminate_cause)
ON CONFLICT (unique_id) DO UPDATE SET
  username = CASE WHEN EXCLUDED.identity_rank > r.identity_rank THEN EXCLUDED.username ELSE r.username END,
  member_id = CASE WHEN EXCLUDED.identity_rank > r.identity_rank THEN EXCLUDED.member_id ELSE r.member_id END,
  identity_sealed = CASE WHEN EXCLUDED.identity_rank > r.identity_rank THEN EXCLUDED.identity_sealed ELSE r.identity_sealed END,
  identity_key_id = CASE WHEN EXCLUDED.identity_rank > r.identity_rank THEN EXCLUDED.identity_key_id ELSE r.identity_key_id END,
  identity_rank = GREATEST(r.identity_rank, EXCLUDED.identity_rank),
  nas_address = COALESCE(r.nas_address, EXCLUDED.nas_address),
  nas_port = COALESCE(r.nas_port, EXCLUDED.nas_port),
  nas_port_id = COALESCE(r.nas_port_id, EXCLUDED.nas_port_id),
  line_id = COALESCE(r.line_id, EXCLUDED.line_id),
  framed_interface_id = COALESCE(r.framed_interface_id, EXCLUDED.framed_interface_id),
  ${stopMergeSql('r')},
  updated_at = EXCLUDED.updated_at`;

/** A session's period: [start, stop], unbounded above while open (GREATEST alone would skip a NULL stop). */
const PERIOD = "tstzrange(r.start_time, CASE WHEN r.stop_time IS NULL THEN NULL ELSE GREATEST(r.start_time, r.stop_time) END, '[]')";

/** New addresses of the batch's sessions, then every one's period brought in line with its session's. */
const INSERT_ADDRESSES = `
INSERT INTO connection_register_addresses (unique_id, tenant_id, kind, address, period)
SELECT a.unique_id, r.tenant_id, a.kind, a.address, ${PERIOD}
  FROM UNNEST($1::text[], $2::text[], $3::cidr[]) AS a (unique_id, kind, address)
  JOIN connection_register r ON r.unique_id = a.unique_id
ORDER BY a.unique_id, a.kind, a.address
ON CONFLICT (unique_id, kind, address) DO NOTHING`;

const UPDATE_PERIODS = `
UPDATE connection_register_addresses a SET period = ${PERIOD}
  FROM connection_register r
 WHERE r.unique_id = a.unique_id AND r.unique_id = ANY($1::text[])
   AND a.period IS DISTINCT FROM ${PERIOD}`;

/**
 * The register rows of flushed sessions, in the flush's transaction. With
 * `key`, the identity (username, member id) is sealed and the clear columns
 * stay NULL. Rows go in unique_id order, as db/usage.ts's, so concurrent
 * flushes lock in one order.
 */
export async function upsertRegister(q: Queryable, sessions: readonly LiveSession[], updatedAt: number, key: IdentityKey | null): Promise<number> {
  const byId = new Map<string, LiveSession & { tenantId: number }>();
  for (const s of sessions) {
    const tenantId = sessionTenant(s);
    if (tenantId !== null) byId.set(s.uniqueId, { ...s, tenantId });
  }
  const rows = [...byId.values()].sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : a.uniqueId > b.uniqueId ? 1 : 0));
  if (rows.length === 0) return 0;
  const members = await membersOf(q, rows);
  const prepared = rows.map((s) => {
    const m = s.username === '' ? undefined : members.get(`${s.tenantId}\u0000${s.username}`);
    const rank = s.username === '' ? 0 : m ? 2 : 1;
    const sealed = key !== null && rank > 0 ? sealIdentity(key, s.uniqueId, { username: s.username, memberId: m?.id ?? null }) : null;
    return { s, m, rank, sealed };
  });
  const col = <T>(f: (p: (typeof prepared)[number]) => T): T[] => prepared.map(f);
  const r = await q.query(UPSERT_REGISTER, [
    col((p) => p.s.uniqueId),
    col((p) => p.s.tenantId),
    col((p) => (p.sealed !== null || p.rank === 0 ? null : p.s.username)),
    col((p) => (p.sealed !== null || p.m === undefined ? null : String(p.m.id))),
    col((p) => p.sealed?.toString('hex') ?? null),
    col((p) => (p.sealed !== null && key !== null ? key.id : null)),
    col((p) => p.rank),
    col((p) => p.s.nas),
    col((p) => (p.s.nasIpAddress !== null && parseAddress(p.s.nasIpAddress) !== undefined ? p.s.nasIpAddress : null)),
    col((p) => (p.s.nasPort === null ? null : String(p.s.nasPort))),
    col((p) => p.s.nasPortId),
    col((p) => p.m?.lineId ?? null),
    col((p) => p.s.framedInterfaceId ?? null),
    col((p) => iso(p.s.startTime)),
    col((p) => (p.s.stopTime === null ? null : iso(p.s.stopTime))),
    col((p) => p.s.terminateCause),
    iso(updatedAt),
  ]);
  const addresses = rows.flatMap((s) => registerAddresses(s).map((a) => ({ uniqueId: s.uniqueId, ...a })));
  if (addresses.length > 0) {
    await q.query(INSERT_ADDRESSES, [addresses.map((a) => a.uniqueId), addresses.map((a) => a.kind), addresses.map((a) => a.address)]);
  }
  await q.query(UPDATE_PERIODS, [rows.map((s) => s.uniqueId)]);
  return r.rowCount;
}

/** One register row matched by an address, as a lookup reads it (identity still sealed where it is). */
export interface RegisterMatch {
  uniqueId: string;
  tenantId: number;
  tenant: string;
  username: string | null;
  memberId: number | null;
  sealed: Buffer | null;
  keyId: string | null;
  nas: string;
  nasAddress: string | null;
  nasPort: number | null;
  nasPortId: string | null;
  lineId: string | null;
  startTime: number;
  stopTime: number | null;
  kind: AddressKind;
  /** The register's address or prefix that holds the address asked about. */
  matched: string;
}

/**
 * Sessions whose address or prefix holds `address` and whose period
 * overlaps [fromMs, toMs], in `tenantId` or (null) every tenant: the GiST
 * index of connection_register_addresses answers both conditions. One row
 * per session and address row; the most specific first.
 */
export async function registerMatches(q: Queryable, address: string, fromMs: number, toMs: number, tenantId: number | null): Promise<RegisterMatch[]> {
  const r = await q.query(
    `SELECT r.unique_id, r.tenant_id, t.name AS tenant, r.username, r.member_id, r.identity_sealed, r.identity_key_id, r.nas,
            host(r.nas_address) AS nas_address, r.nas_port, r.nas_port_id, r.line_id, r.start_time, r.stop_time, a.kind, a.address::text AS matched
       FROM connection_register_addresses a
       JOIN connection_register r ON r.unique_id = a.unique_id
       JOIN tenants t ON t.id = r.tenant_id
      WHERE a.address >>= $1::inet AND a.period && tstzrange($2::timestamptz, $3::timestamptz, '[]')
        AND ($4::integer IS NULL OR a.tenant_id = $4)
      ORDER BY r.start_time, r.unique_id, masklen(a.address) DESC`,
    [address, iso(fromMs), iso(toMs), tenantId],
  );
  return r.rows.map((row) => ({
    uniqueId: str(row.unique_id),
    tenantId: num(row.tenant_id),
    tenant: str(row.tenant),
    username: strOrNull(row.username),
    memberId: numOrNull(row.member_id),
    sealed: bufOrNull(row.identity_sealed),
    keyId: strOrNull(row.identity_key_id),
    nas: str(row.nas),
    nasAddress: strOrNull(row.nas_address),
    nasPort: numOrNull(row.nas_port),
    nasPortId: strOrNull(row.nas_port_id),
    lineId: strOrNull(row.line_id),
    startTime: date(row.start_time).getTime(),
    stopTime: row.stop_time === null || row.stop_time === undefined ? null : date(row.stop_time).getTime(),
    kind: str(row.kind) as AddressKind,
    matched: str(row.matched),
  }));
}

/** Members by id within their tenants (live sessions not yet flushed name their member by username only). */
export async function memberFacts(q: Queryable, tenantId: number, username: string): Promise<MemberFacts | null> {
  const r = await q.query('SELECT id, line_id FROM members WHERE tenant_id = $1 AND username = $2', [tenantId, username]);
  const row = r.rows[0];
  return row ? { id: num(row.id), lineId: strOrNull(row.line_id) } : null;
}

/** What the purge deleted in one batch. */
export interface PurgeBatch {
  sessions: number;
  addresses: number;
}

/**
 * Deletes up to `limit` closed sessions whose end is older than their
 * tenant's registerRetentionDays (default `defaultDays`) before `nowMs`,
 * with their addresses. An open session (stop_time NULL) is never touched.
 */
export async function purgeRegisterBatch(q: Queryable, nowMs: number, limit: number, defaultDays: number): Promise<PurgeBatch> {
  const r = await q.query(
    `WITH doomed AS (
       SELECT r.unique_id FROM connection_register r JOIN tenants t ON t.id = r.tenant_id
        WHERE r.stop_time IS NOT NULL
          AND r.stop_time < $1::timestamptz - make_interval(days => COALESCE((t.settings->>'registerRetentionDays')::integer, $3::integer))
        ORDER BY r.stop_time LIMIT $2
        FOR UPDATE OF r SKIP LOCKED),
     gone_addresses AS (DELETE FROM connection_register_addresses a USING doomed d WHERE a.unique_id = d.unique_id RETURNING 1),
     gone AS (DELETE FROM connection_register r USING doomed d WHERE r.unique_id = d.unique_id RETURNING 1)
     SELECT (SELECT count(*) FROM gone) AS sessions, (SELECT count(*) FROM gone_addresses) AS addresses`,
    [iso(nowMs), limit, defaultDays],
  );
  const row = r.rows[0] ?? {};
  return { sessions: num(row.sessions ?? 0), addresses: num(row.addresses ?? 0) };
}

/** Register sessions of a tenant held now, and the oldest start: what `retention show` prints. */
export async function registerHeld(q: Queryable, tenantId: number): Promise<{ rows: number; oldest: Date | null }> {
  const r = await q.query('SELECT count(*) AS n, min(start_time) AS oldest FROM connection_register WHERE tenant_id = $1', [tenantId]);
  const row = r.rows[0] ?? {};
  return { rows: num(row.n ?? 0), oldest: row.oldest === null || row.oldest === undefined ? null : new Date(row.oldest as string | Date) };
}

/** What purgeRegisterBatch would delete as of `nowMs`, per tenant id: the dry run's count. */
export async function countExpiredRegister(q: Queryable, nowMs: number, defaultDays: number): Promise<Map<number, number>> {
  const r = await q.query(
    `SELECT r.tenant_id, count(*) AS n FROM connection_register r JOIN tenants t ON t.id = r.tenant_id
      WHERE r.stop_time IS NOT NULL
        AND r.stop_time < $1::timestamptz - make_interval(days => COALESCE((t.settings->>'registerRetentionDays')::integer, $2::integer))
      GROUP BY r.tenant_id`,
    [iso(nowMs), defaultDays],
  );
  return new Map(r.rows.map((row) => [num(row.tenant_id), num(row.n)]));
}

/** A row's identity, for rotate-key: in clear or sealed. */
export interface IdentityRow {
  uniqueId: string;
  username: string | null;
  memberId: number | null;
  sealed: Buffer | null;
  keyId: string | null;
}

/** Key ids of sealed rows other than `known`, with their counts (rotate-key refuses to start past them). */
export async function otherKeyIds(q: Queryable, known: readonly string[]): Promise<Map<string, number>> {
  const r = await q.query(
    `SELECT identity_key_id, count(*) AS n FROM connection_register
      WHERE identity_sealed IS NOT NULL AND NOT (identity_key_id = ANY($1::text[])) GROUP BY identity_key_id ORDER BY identity_key_id`,
    [[...known]],
  );
  return new Map(r.rows.map((row) => [str(row.identity_key_id), num(row.n)]));
}

/** Up to `limit` rows with an identity not yet sealed under `keyId`, locked for this transaction. */
export async function identitiesNotUnder(q: Queryable, keyId: string, limit: number): Promise<IdentityRow[]> {
  const r = await q.query(
    `SELECT unique_id, username, member_id, identity_sealed, identity_key_id FROM connection_register
      WHERE identity_rank > 0 AND identity_key_id IS DISTINCT FROM $1
      ORDER BY unique_id LIMIT $2 FOR UPDATE`,
    [keyId, limit],
  );
  return r.rows.map((row) => ({
    uniqueId: str(row.unique_id),
    username: strOrNull(row.username),
    memberId: numOrNull(row.member_id),
    sealed: bufOrNull(row.identity_sealed),
    keyId: strOrNull(row.identity_key_id),
  }));
}

/** Seals rows anew under `keyId`: the clear columns are emptied in the same statement. */
export async function resealIdentities(q: Queryable, keyId: string, rows: ReadonlyArray<{ uniqueId: string; sealed: Buffer }>): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await q.query(
    `UPDATE connection_register r SET identity_sealed = decode(t.sealed, 'hex'), identity_key_id = $3, username = NULL, member_id = NULL
       FROM UNNEST($1::text[], $2::text[]) AS t (unique_id, sealed) WHERE r.unique_id = t.unique_id`,
    [rows.map((x) => x.uniqueId), rows.map((x) => x.sealed.toString('hex')), keyId],
  );
  return r.rowCount;
}
