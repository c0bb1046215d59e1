/**
 * Which tenant an Accounting-Request belongs to, and under which username,
 * routed as the access path routes (auth/tenant-routing.ts routeUser):
 *
 * - From a NAS owned by a tenant: that tenant, always. A realm of the owner is
 *   stripped as the owner says; any other User-Name is kept whole (the
 *   session ran on the owner's equipment, so it is the owner's to see).
 * - From a shared NAS: the tenant of the realm, when the NAS carries it.
 *   Without User-Name, or with a realm it does not carry, the record is not
 *   routable (tenantId null): the session it belongs to decides (the tenant
 *   recorded at its first attributed record), and a session never seen
 *   attributed is held unattributed by the store (SessionStore ApplyResult
 *   held), never given to a tenant by guess.
 * Accounting-On/Off concerns the NAS, not a member: no tenant is needed, the
 * store closes that NAS's sessions in every tenant.
 */
import type { AccountingRecord } from '../accounting/record.js';
import { isNasReset } from '../accounting/record.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import { routeUser, type NasTenancy, type RealmSyntax, type RoutingIndex } from '../auth/tenant-routing.js';

export interface AccountingRouting {
  index: RoutingIndex;
  syntax: RealmSyntax;
}

/** A NAS whose tenancy is not known (a deployment from before tenancy) is the default tenant's. */
export const DEFAULT_TENANCY: NasTenancy = { owner: DEFAULT_TENANT_ID };

/**
 * Sets the record's tenantId, and its username as routed, in place: the
 * record is the dispatcher's own, just decoded, and a copy of its thirty
 * fields per request cost more than the rest of the routing.
 */
export function attributeRecord(rec: AccountingRecord, tenancy: NasTenancy, routing: AccountingRouting | undefined): AccountingRecord {
  if (isNasReset(rec.statusType)) {
    rec.tenantId = null;
    return rec;
  }
  rec.tenantId = 'owner' in tenancy ? tenancy.owner : null;
  if (rec.username === null || rec.username === '' || !routing) return rec;
  const route = routeUser(rec.username, tenancy, routing.index, routing.syntax);
  if (route.ok) {
    rec.tenantId = route.tenantId;
    rec.username = route.username;
  }
  return rec;
}
