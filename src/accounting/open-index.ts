/**
 * The memory store's indexes of open sessions: all, per member (tenant and
 * username: simultaneous-use at authentication time must be O(1)) and per NAS
 * (Accounting-On/Off, whichever tenants the NAS carries). The Redis store
 * keeps the same three as a zset and sets (lua/common.ts link()).
 */
import { sessionTenant, type LiveSession } from '../domain/session.js';

/** A member's key: usernames are unique within a tenant only. An unattributed session has none. */
function memberKey(s: LiveSession): string | null {
  const tenant = sessionTenant(s);
  return tenant === null || s.username === '' ? null : userKey(tenant, s.username);
}

const userKey = (tenantId: number, username: string): string => `${tenantId}\u0000${username}`;

export class OpenIndex {
  readonly all = new Set<string>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly byNas = new Map<string, Set<string>>();

  /** Brings the indexes in line with `s` (previously `prev`). */
  link(s: LiveSession, prev?: LiveSession): void {
    const key = memberKey(s);
    const before = prev ? memberKey(prev) : null;
    if (before !== null && before !== key) unlink(this.byUser, before, s.uniqueId);
    if (s.stopTime === null) {
      this.all.add(s.uniqueId);
      if (key !== null) setOf(this.byUser, key).add(s.uniqueId);
      setOf(this.byNas, s.nas).add(s.uniqueId);
    } else {
      this.all.delete(s.uniqueId);
      if (key !== null) unlink(this.byUser, key, s.uniqueId);
      unlink(this.byNas, s.nas, s.uniqueId);
    }
  }

  ofUser(tenantId: number, username: string): ReadonlySet<string> {
    return this.byUser.get(userKey(tenantId, username)) ?? new Set();
  }

  ofNas(nas: string): ReadonlySet<string> {
    return this.byNas.get(nas) ?? new Set();
  }

  clear(): void {
    this.all.clear();
    this.byUser.clear();
    this.byNas.clear();
  }
}

function setOf(m: Map<string, Set<string>>, k: string): Set<string> {
  let set = m.get(k);
  if (!set) m.set(k, (set = new Set()));
  return set;
}

function unlink(m: Map<string, Set<string>>, k: string, id: string): void {
  const set = m.get(k);
  if (set?.delete(id) && set.size === 0) m.delete(k);
}
