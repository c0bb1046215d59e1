/**
 * The nas table: equipment allowed to send us requests, and nas_tenants: the
 * tenants a shared NAS carries. One exported function per query.
 */
import { DISCONNECT_PROFILES, isDisconnectProfile } from '../coa/profiles.js';
import { isSharedNas, type DisconnectProfile, type NasClient, type NasTenancy, type NewNas } from '../domain/nas.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import { parseCidr } from '../net/ip.js';
import { fail, type RadassocError } from '../errors.js';
import type { Queryable } from './db.js';
import { dbErrorInfo, SQLSTATE } from './pg-errors.js';
import { date, num, str } from './rows.js';

const NAS_COLUMNS = `name, address::text AS address, secret, coa_port, require_message_authenticator,
  disconnect_profile, supports_coa, created_at, tenant_id,
  ARRAY(SELECT c.tenant_id FROM nas_tenants c WHERE c.nas = nas.name ORDER BY c.tenant_id) AS carries`;
type NasRow = Record<string, unknown>;

function tenancyOf(r: NasRow): NasTenancy {
  if (r.tenant_id !== null && r.tenant_id !== undefined) return { owner: num(r.tenant_id) };
  return { carries: Array.isArray(r.carries) ? r.carries.map((id) => num(id)) : [] };
}

function toNas(r: NasRow): NasClient {
  return {
    name: str(r.name),
    address: str(r.address),
    secret: str(r.secret),
    coaPort: num(r.coa_port),
    requireMessageAuthenticator: r.require_message_authenticator === true,
    disconnectProfile: str(r.disconnect_profile) as DisconnectProfile,
    supportsCoa: r.supports_coa === true,
    tenancy: tenancyOf(r),
    createdAt: date(r.created_at),
  };
}

function checkNew(n: NewNas): { address: string; coaPort: number; profile: DisconnectProfile } {
  if (n.name.length === 0 || /[\u0000-\u001f\u007f]/.test(n.name)) {
    throw fail('INVALID_ARGUMENT', { problem: 'name', kind: 'NAS', name: n.name });
  }
  const cidr = parseCidr(n.address);
  if (!cidr.ok) throw fail('INVALID_CIDR', { value: n.address, reason: cidr.reason });
  if (n.secret.length === 0) throw fail('INVALID_ARGUMENT', { problem: 'empty-secret', nas: n.name });
  const coaPort = n.coaPort ?? 3799;
  if (!Number.isInteger(coaPort) || coaPort < 1 || coaPort > 65535) {
    throw fail('INVALID_ARGUMENT', { problem: 'coa-port', nas: n.name, port: coaPort });
  }
  const profile = n.disconnectProfile ?? 'generic';
  if (!isDisconnectProfile(profile)) {
    throw fail('INVALID_ARGUMENT', { problem: 'disconnect-profile', nas: n.name, profiles: [...DISCONNECT_PROFILES] });
  }
  return { address: cidr.value.text, coaPort, profile };
}

function overlap(address: string, other: { name: string | null; address: string | null }): RadassocError {
  return fail('NAS_ADDRESS_OVERLAP', { address, other: other.name, otherAddress: other.address });
}

/**
 * Refuses a block overlapping another NAS's, naming it; the exclusion
 * constraint catches races. A shared NAS's carried tenants are written too:
 * run it in a transaction (the services do).
 */
export async function insertNas(q: Queryable, n: NewNas): Promise<NasClient> {
  const { address, coaPort, profile } = checkNew(n);
  const tenancy = n.tenancy ?? { owner: DEFAULT_TENANT_ID };
  const clash = await q.query<{ name: string; address: string }>(
    'SELECT name, address::text AS address FROM nas WHERE address && $1::cidr ORDER BY name LIMIT 1',
    [address],
  );
  if (clash.rows[0]) throw overlap(address, clash.rows[0]);
  try {
    const r = await q.query<NasRow>(
      `INSERT INTO nas (name, address, secret, coa_port, require_message_authenticator, disconnect_profile, supports_coa, tenant_id)
       VALUES ($1, $2::cidr, $3, $4, $5, $6, $7, $8) RETURNING ${NAS_COLUMNS}`,
      [n.name, address, n.secret, coaPort, n.requireMessageAuthenticator ?? true, profile, n.supportsCoa ?? false, isSharedNas(tenancy) ? null : tenancy.owner],
    );
    if (!isSharedNas(tenancy)) return toNas(r.rows[0] ?? {});
    await setNasCarries(q, n.name, tenancy.carries);
    return (await getNas(q, n.name)) ?? toNas(r.rows[0] ?? {});
  } catch (e) {
    const info = dbErrorInfo(e);
    if (info?.code === SQLSTATE.uniqueViolation) {
      throw fail('DUPLICATE_NAS', { nas: n.name });
    }
    if (info?.code === SQLSTATE.exclusionViolation) {
      // detail: Key (address)=(new) conflicts with existing key (address)=(other).
      const other = /existing key \(address\)=\((.*)\)/.exec(info.detail ?? '')?.[1];
      throw overlap(address, { name: null, address: other ?? null });
    }
    if (info?.code === SQLSTATE.invalidTextRepresentation) throw fail('INVALID_CIDR', { value: address, reason: info.message });
    throw e;
  }
}

export async function getNas(q: Queryable, name: string): Promise<NasClient | null> {
  const r = await q.query<NasRow>(`SELECT ${NAS_COLUMNS} FROM nas WHERE name = $1`, [name]);
  return r.rows[0] ? toNas(r.rows[0]) : null;
}

/** Every NAS; with `tenantId`, those serving that tenant: its own and the shared ones carrying it. */
export async function listNas(q: Queryable, tenantId?: number): Promise<NasClient[]> {
  if (tenantId === undefined) return (await q.query<NasRow>(`SELECT ${NAS_COLUMNS} FROM nas ORDER BY name`)).rows.map(toNas);
  const r = await q.query<NasRow>(
    `SELECT ${NAS_COLUMNS} FROM nas
     WHERE tenant_id = $1 OR (tenant_id IS NULL AND EXISTS (SELECT 1 FROM nas_tenants c WHERE c.nas = nas.name AND c.tenant_id = $1))
     ORDER BY name`,
    [tenantId],
  );
  return r.rows.map(toNas);
}

/** All NAS clients, for the daemon's client table (every tenant's). */
export const loadAllNas = (q: Queryable): Promise<NasClient[]> => listNas(q);

/** Replaces the tenants a shared NAS carries (NOTIFY tells every daemon through nas_tenants' triggers). */
export async function setNasCarries(q: Queryable, name: string, tenantIds: readonly number[]): Promise<void> {
  await q.query('DELETE FROM nas_tenants WHERE nas = $1 AND NOT (tenant_id = ANY($2::int[]))', [name, [...tenantIds]]);
  if (tenantIds.length > 0) {
    await q.query('INSERT INTO nas_tenants (nas, tenant_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING', [name, [...tenantIds]]);
  }
}

export async function removeNas(q: Queryable, name: string): Promise<void> {
  const r = await q.query('DELETE FROM nas WHERE name = $1', [name]);
  if (r.rowCount === 0) {
    throw fail('UNKNOWN_NAS', { nas: name });
  }
}

/** The NAS whose address or block holds `address` (an IP literal), if any: what the daemon would match it to. */
export async function nasForAddress(q: Queryable, address: string): Promise<NasClient | null> {
  const r = await q.query<NasRow>(`SELECT ${NAS_COLUMNS} FROM nas WHERE address >>= $1::inet ORDER BY masklen(address) DESC LIMIT 1`, [address]);
  return r.rows[0] ? toNas(r.rows[0]) : null;
}
