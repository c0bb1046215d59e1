/**
 * The memory store's indexes of open sessions: all, per user (simultaneous-use
 * at authentication time must be O(1)) and per NAS (Accounting-On/Off). The
 * Redis store keeps the same three as a zset and sets (lua/common.ts link()).
 */
import type { LiveSession } from '../domain/session.js';

export class OpenIndex {
  readonly all = new Set<string>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly byNas = new Map<string, Set<string>>();

  /** Brings the indexes in line with `s` (previously `prev`). */
  link(s: LiveSession, prev?: LiveSession): void {
    if (prev && prev.username !== s.username) unlink(this.byUser, prev.username, s.uniqueId);
    if (s.stopTime === null) {
      this.all.add(s.uniqueId);
      if (s.username !== '') setOf(this.byUser, s.username).add(s.uniqueId);
      setOf(this.byNas, s.nas).add(s.uniqueId);
    } else {
      this.all.delete(s.uniqueId);
      unlink(this.byUser, s.username, s.uniqueId);
      unlink(this.byNas, s.nas, s.uniqueId);
    }
  }

  ofUser(username: string): ReadonlySet<string> {
    return this.byUser.get(username) ?? new Set();
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
