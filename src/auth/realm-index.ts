/**
 * The deployment's realms in memory (a RoutingIndex for auth/tenant-routing.ts):
 * realm → tenant and which tenants strip their realm, swapped whole on reload
 * so that a request never sees half of a change.
 */
import type { RealmRow } from '../db/tenant-routing.js';
import type { RoutingIndex } from './tenant-routing.js';

export class RealmIndex implements RoutingIndex {
  private realms = new Map<string, number>();
  private stripping = new Set<number>();

  constructor(rows: readonly RealmRow[] = []) {
    this.replaceAll(rows);
  }

  replaceAll(rows: readonly RealmRow[]): void {
    const realms = new Map<string, number>();
    const stripping = new Set<number>();
    for (const r of rows) {
      realms.set(r.realm.toLowerCase(), r.tenantId);
      if (r.stripRealm) stripping.add(r.tenantId);
    }
    this.realms = realms;
    this.stripping = stripping;
  }

  realmTenant(realm: string): number | undefined {
    return this.realms.get(realm);
  }

  /** A tenant without realms never has one to strip. */
  stripsRealm(tenantId: number): boolean {
    return this.stripping.has(tenantId);
  }
}
