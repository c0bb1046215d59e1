/**
 * Which tenant a request belongs to, and under which username its member is
 * stored: from the realm in the User-Name and the NAS it came from. Pure, so
 * that the access path and the accounting path route alike.
 *
 * - A realm is `user@realm` (suffix, the last '@') or `realm/user` (prefix,
 *   the first '/'), as the deployment configures; matched case-insensitively.
 * - A NAS owned by a tenant serves only that tenant: a realm of another tenant
 *   is refused; no realm, or one no tenant has, means the whole User-Name is
 *   looked up in the owner.
 * - A NAS shared by the deployment carries a list of tenants and routes by
 *   realm alone: no realm, or a realm it does not carry, is refused.
 * Line-based routing (RFC 4679 access-line identifiers) comes before this,
 * in the directory: a bound line names its member whatever the User-Name.
 */

import type { NasTenancy } from '../domain/nas.js';

export type { NasTenancy };

export type RealmSyntax = 'suffix' | 'prefix' | 'both';

export interface RoutingIndex {
  /** Lower-case realm → tenant id. */
  realmTenant(realm: string): number | undefined;
  /** Whether the tenant strips its realm before the lookup. */
  stripsRealm(tenantId: number): boolean;
}

export type RoutingRefusal = 'realm-not-served' | 'realm-missing';

export type Route =
  | { readonly ok: true; readonly tenantId: number; readonly username: string; readonly realm: string | null }
  | { readonly ok: false; readonly reason: RoutingRefusal; readonly realm: string | null };

export interface ParsedRealm {
  /** As typed, not folded. */
  readonly realm: string;
  /** The User-Name without the realm and its delimiter. */
  readonly bare: string;
}

/** The realm part of a User-Name, or null when it has none under this syntax. */
export function parseRealm(userName: string, syntax: RealmSyntax): ParsedRealm | null {
  if (syntax !== 'prefix') {
    const at = userName.lastIndexOf('@');
    if (at > 0 && at < userName.length - 1) return { realm: userName.slice(at + 1), bare: userName.slice(0, at) };
  }
  if (syntax !== 'suffix') {
    const slash = userName.indexOf('/');
    if (slash > 0 && slash < userName.length - 1) return { realm: userName.slice(0, slash), bare: userName.slice(slash + 1) };
  }
  return null;
}

/**
 * The tenants a shared NAS carries, as a Set made once per loaded list: a
 * wholesaler's LAC may carry hundreds, and a scan of the list on every
 * request cost a quarter of a microsecond at 500 (bench: federation row).
 */
const carriedSets = new WeakMap<readonly number[], ReadonlySet<number>>();

function carried(nas: NasTenancy, tenantId: number): boolean {
  if ('owner' in nas) return nas.owner === tenantId;
  let set = carriedSets.get(nas.carries);
  if (set === undefined) carriedSets.set(nas.carries, (set = new Set(nas.carries)));
  return set.has(tenantId);
}

export function routeUser(userName: string, nas: NasTenancy, index: RoutingIndex, syntax: RealmSyntax): Route {
  const parsed = parseRealm(userName, syntax);
  const realm = parsed ? parsed.realm.toLowerCase() : null;
  const tenantId = realm === null ? undefined : index.realmTenant(realm);
  if (parsed && tenantId !== undefined) {
    if (!carried(nas, tenantId)) return { ok: false, reason: 'realm-not-served', realm };
    return { ok: true, tenantId, username: index.stripsRealm(tenantId) ? parsed.bare : userName, realm };
  }
  if ('owner' in nas) return { ok: true, tenantId: nas.owner, username: userName, realm: null };
  // A shared NAS with a single tenant still wants the realm: adding a second tenant must not change who is who.
  return { ok: false, reason: realm === null ? 'realm-missing' : 'realm-not-served', realm };
}
