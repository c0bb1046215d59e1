/**
 * NAS clients: the equipment allowed to send us requests. One function per
 * task, whoever asks; every change is one transaction with its audit entry.
 * A shared secret is never returned, neither in views nor in warnings nor in
 * the audit log: its length stands in for it.
 *
 * Tenancy: a NAS added in a tenant's scope is owned by that tenant and serves
 * only its members. A NAS shared by the deployment (a collecte operator's
 * BRAS, an LNS of several associations) carries a list of tenants and is the
 * operator's: it is added, changed and removed only by the *Shared functions,
 * which take an actor and no tenant (the CLI's --shared, refused together
 * with a tenant). A tenant sees its own NAS and the shared ones carrying it,
 * marked shared, never which other tenants they carry; any other NAS is, to
 * it, not there. Names and addresses stay deployment-wide (a source address
 * names one secret), so a clash with a NAS out of scope is reported without
 * naming it.
 */
import { insertAudit } from '../db/audit.js';
import { getNas, insertNas, listNas as listNasRows, removeNas as deleteNas, setNasCarries } from '../db/nas.js';
import type { Queryable } from '../db/db.js';
import { findTenantRef } from '../db/tenants.js';
import { tenantNames } from './tenant-names.js';
import { isSharedNas, tenancyOf, type DisconnectProfile, type NasClient, type NasTenancy, type NewNas } from '../domain/nas.js';
import { fail, isRadassocError } from '../errors.js';
import type { Actor, ReadScope, Scope, ServiceDeps } from './deps.js';

type DbDeps = Pick<ServiceDeps, 'db'>;

/** BlastRADIUS (CVE-2024-3596) guidance: 12 octets or less can be brute-forced; 32+ recommended. */
const WEAK_SECRET_OCTETS = 12;
const RECOMMENDED_SECRET_OCTETS = 32;

/** A NAS as people and the audit log see it: everything but the secret, whose length stands in for it. */
export interface NasView {
  name: string;
  address: string;
  secret_length: number;
  coa_port: number;
  require_message_authenticator: boolean;
  disconnect_profile: DisconnectProfile;
  supports_coa: boolean;
  created_at: string;
  /** In a tenant's scope: present (true) on a NAS shared by the deployment, absent on the tenant's own. */
  shared?: true;
  /** --all-tenants: the owner's name, null for a shared NAS. */
  tenant?: string | null;
  /** --all-tenants, shared NAS only: the tenants it carries. */
  carries?: string[];
}

export function nasView(n: NasClient): NasView {
  return {
    name: n.name,
    address: n.address,
    secret_length: Buffer.byteLength(n.secret, 'utf8'),
    coa_port: n.coaPort,
    require_message_authenticator: n.requireMessageAuthenticator,
    disconnect_profile: n.disconnectProfile,
    supports_coa: n.supportsCoa,
    created_at: n.createdAt.toISOString(),
  };
}

/** A tenant's view of a NAS it can see: its own as before, a shared one marked shared, without what else it carries. */
function scopedView(n: NasClient): NasView {
  return isSharedNas(n.tenancy) ? { ...nasView(n), shared: true } : nasView(n);
}

/** The operator's view: every NAS with its owner, a shared one with the tenants it carries. */
function deploymentView(n: NasClient, names: ReadonlyMap<number, string>): NasView {
  const name = (id: number): string => names.get(id) ?? String(id);
  const t = tenancyOf(n);
  if (!isSharedNas(t)) return { ...nasView(n), tenant: name(t.owner) };
  return { ...nasView(n), tenant: null, shared: true, carries: t.carries.map(name) };
}

const servesTenant = (t: NasTenancy, tenantId: number): boolean => (isSharedNas(t) ? t.carries.includes(tenantId) : t.owner === tenantId);

/** The NAS named `name` as the tenant sees it, or UNKNOWN_NAS: a NAS out of scope is simply not there. */
export async function visibleNas(q: Queryable, tenantId: number, name: string): Promise<NasClient> {
  const n = await getNas(q, name);
  if (!n || !servesTenant(tenancyOf(n), tenantId)) throw fail('UNKNOWN_NAS', { nas: name });
  return n;
}

/** A NAS the tenant owns, for a change: a shared one it sees is the operator's. */
async function ownedNas(q: Queryable, tenantId: number, name: string): Promise<NasClient> {
  const n = await visibleNas(q, tenantId, name);
  if (isSharedNas(n.tenancy)) throw fail('SHARED_NAS_OPERATOR_ONLY', { nas: name });
  return n;
}

/** A shared NAS, for the operator; a tenant's NAS is changed in that tenant's scope. */
async function sharedNas(q: Queryable, name: string): Promise<NasClient & { tenancy: { carries: readonly number[] } }> {
  const n = await getNas(q, name);
  if (!n) throw fail('UNKNOWN_NAS', { nas: name });
  const t = tenancyOf(n);
  if (!isSharedNas(t)) throw fail('NOT_SHARED_NAS', { nas: name, tenant: (await tenantNames(q)).get(t.owner) ?? String(t.owner) });
  return { ...n, tenancy: t };
}

/** Tenant names to ids, in ascending id order without repeats; an unknown name is refused. */
async function tenantIds(q: Queryable, names: readonly string[]): Promise<number[]> {
  const ids = new Set<number>();
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    const t = await findTenantRef(q, name);
    if (!t) throw fail('UNKNOWN_TENANT', { tenant: name });
    ids.add(t.id);
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * A name or address clash with a NAS the caller cannot see is told without
 * naming that NAS: it is another tenant's.
 */
async function clashInScope(q: Queryable, e: unknown, tenantId: number | null): Promise<unknown> {
  if (tenantId === null || !isRadassocError(e)) return e;
  if (e.code === 'DUPLICATE_NAS') {
    const nas = String(e.details.nas);
    const other = await getNas(q, nas);
    return other && !servesTenant(tenancyOf(other), tenantId) ? fail('DUPLICATE_NAS', { nas, elsewhere: true }) : e;
  }
  if (e.code === 'NAS_ADDRESS_OVERLAP') {
    const otherName = e.details.other;
    const other = typeof otherName === 'string' ? await getNas(q, otherName) : null;
    if (other && servesTenant(tenancyOf(other), tenantId)) return e;
    return fail('NAS_ADDRESS_OVERLAP', { address: String(e.details.address), other: null, otherAddress: null, elsewhere: true });
  }
  return e;
}

/** What adding a NAS takes: the repository's own input (domain/nas.ts NewNas); its tenancy comes from the scope. */
export type AddNasInput = Omit<NewNas, 'tenancy'>;

/** Something accepted that leaves the NAS weaker than it should be; `text` says what to do. */
export type NasWarning =
  | { code: 'WEAK_SECRET'; nas: string; octets: number; text: string }
  | { code: 'MESSAGE_AUTHENTICATOR_OFF'; nas: string; text: string };

export interface AddNasResult {
  nas: NasView;
  warnings: NasWarning[];
}

function warningsFor(name: string, secret: string, requireMessageAuthenticator: boolean): NasWarning[] {
  const warnings: NasWarning[] = [];
  const octets = Buffer.byteLength(secret, 'utf8');
  if (octets <= WEAK_SECRET_OCTETS) {
    const text =
      `the shared secret of NAS ${name} is only ${octets} octets: secrets of ${WEAK_SECRET_OCTETS} octets or less can be ` +
      `guessed offline (BlastRADIUS, CVE-2024-3596); use ${RECOMMENDED_SECRET_OCTETS} or more random characters, e.g. \`openssl rand -base64 32\``;
    warnings.push({ code: 'WEAK_SECRET', nas: name, octets, text });
  }
  if (!requireMessageAuthenticator) {
    const text = `NAS ${name} may send Access-Requests without Message-Authenticator, which leaves it open to BlastRADIUS (CVE-2024-3596); turn it back on once the NAS sends it`;
    warnings.push({ code: 'MESSAGE_AUTHENTICATOR_OFF', nas: name, text });
  }
  return warnings;
}

/** What `addNas` checks before it touches the database (the address is checked with the NAS it may overlap). */
export function checkAddNas(input: AddNasInput): void {
  if (input.secret.length === 0) throw fail('INVALID_ARGUMENT', { problem: 'empty-secret', nas: input.name });
}

/** A NAS owned by the scope's tenant: it serves that tenant's members only. */
export async function addNas(deps: DbDeps, scope: Scope, input: AddNasInput): Promise<AddNasResult> {
  checkAddNas(input);
  const requireMessageAuthenticator = input.requireMessageAuthenticator ?? true;
  const tenantId = scope.tenant.id;
  const added = await deps.db
    .transaction(async (tx) => {
      const n = await insertNas(tx, { ...input, requireMessageAuthenticator, tenancy: { owner: tenantId } });
      await insertAudit(tx, { actor: scope.actor.name, action: 'nas.add', target: `nas:${n.name}`, after: nasView(n), tenantId });
      return n;
    })
    .catch(async (e: unknown) => {
      throw await clashInScope(deps.db, e, tenantId);
    });
  return { nas: nasView(added), warnings: warningsFor(added.name, input.secret, requireMessageAuthenticator) };
}

/** A NAS shared by the deployment, carrying the tenants named (at least one): the operator's, routed by realm. */
export async function addSharedNas(deps: DbDeps, actor: Actor, input: AddNasInput & { carries: readonly string[] }): Promise<AddNasResult> {
  checkAddNas(input);
  const requireMessageAuthenticator = input.requireMessageAuthenticator ?? true;
  const { carries, ...nas } = input;
  const added = await deps.db.transaction(async (tx) => {
    const ids = await tenantIds(tx, carries);
    if (ids.length === 0) throw fail('INVALID_ARGUMENT', { problem: 'shared-nas-carries', nas: input.name, shared: true });
    const n = await insertNas(tx, { ...nas, requireMessageAuthenticator, tenancy: { carries: ids } });
    await insertAudit(tx, { actor: actor.name, action: 'nas.add', target: `nas:${n.name}`, after: deploymentView(n, await tenantNames(tx)), tenantId: null });
    return n;
  });
  return { nas: deploymentView(added, await tenantNames(deps.db)), warnings: warningsFor(added.name, input.secret, requireMessageAuthenticator) };
}

/**
 * The NAS a scope sees: a tenant's own and the shared ones carrying it
 * (marked shared); with every tenant, all of them with their owner.
 */
export async function listNas(deps: DbDeps, scope: ReadScope): Promise<NasView[]> {
  if (scope.tenant === 'all') {
    const names = await tenantNames(deps.db);
    return (await listNasRows(deps.db)).map((n) => deploymentView(n, names));
  }
  return (await listNasRows(deps.db, scope.tenant.id)).map(scopedView);
}

/** One NAS as the scope sees it; one it cannot see is UNKNOWN_NAS. */
export async function showNas(deps: DbDeps, scope: ReadScope, name: string): Promise<NasView> {
  if (scope.tenant === 'all') {
    const n = await getNas(deps.db, name);
    if (!n) throw fail('UNKNOWN_NAS', { nas: name });
    return deploymentView(n, await tenantNames(deps.db));
  }
  return scopedView(await visibleNas(deps.db, scope.tenant.id, name));
}

/** Stops accepting requests from the NAS (every daemon's client table follows through NOTIFY). Only the tenant's own. */
export async function removeNas(deps: DbDeps, scope: Scope, name: string): Promise<{ removed: string }> {
  await deps.db.transaction(async (tx) => {
    const before = await ownedNas(tx, scope.tenant.id, name);
    await deleteNas(tx, name);
    await insertAudit(tx, { actor: scope.actor.name, action: 'nas.remove', target: `nas:${name}`, before: nasView(before), tenantId: scope.tenant.id });
  });
  return { removed: name };
}

/** The operator removes a shared NAS: every tenant it carried stops being served through it. */
export async function removeSharedNas(deps: DbDeps, actor: Actor, name: string): Promise<{ removed: string }> {
  await deps.db.transaction(async (tx) => {
    const before = await sharedNas(tx, name);
    await deleteNas(tx, name);
    await insertAudit(tx, { actor: actor.name, action: 'nas.remove', target: `nas:${name}`, before: deploymentView(before, await tenantNames(tx)), tenantId: null });
  });
  return { removed: name };
}

export interface CarriesChange {
  /** The whole new list (replaces it). */
  carries?: readonly string[];
  add?: readonly string[];
  remove?: readonly string[];
}

/** Changes the tenants a shared NAS carries; it must keep at least one. */
export async function setSharedNasCarries(deps: DbDeps, actor: Actor, name: string, change: CarriesChange): Promise<NasView> {
  if (change.carries === undefined && !change.add?.length && !change.remove?.length) throw fail('INVALID_ARGUMENT', { problem: 'nas-set-nothing' });
  return deps.db.transaction(async (tx) => {
    const before = await sharedNas(tx, name);
    const next = new Set(change.carries === undefined ? before.tenancy.carries : await tenantIds(tx, change.carries));
    for (const id of await tenantIds(tx, change.add ?? [])) next.add(id);
    for (const id of await tenantIds(tx, change.remove ?? [])) next.delete(id);
    if (next.size === 0) throw fail('INVALID_ARGUMENT', { problem: 'shared-nas-carries', nas: name, shared: true });
    await setNasCarries(tx, name, [...next].sort((a, b) => a - b));
    const after = await sharedNas(tx, name);
    const names = await tenantNames(tx);
    await insertAudit(tx, { actor: actor.name, action: 'nas.set', target: `nas:${name}`, before: deploymentView(before, names), after: deploymentView(after, names), tenantId: null });
    return deploymentView(after, names);
  });
}
