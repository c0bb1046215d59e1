/**
 * The production live-session store: Redis (single, Sentinel or Cluster via
 * ioredis), shared by every daemon. Each mutation is one Lua script run with
 * EVALSHA (falling back to EVAL after a restart emptied the script cache), so
 * a record's read-modify-write is atomic across daemons.
 *
 * Durability policy (design.md "Durability", RFC 2866 §4.1): an applied record
 * is "stored" once Redis answered, given `appendonly yes` (`appendfsync
 * always` for strict deployments). When Redis is unreachable or slow, every
 * call rejects within `opTimeoutMs` with REDIS_UNREACHABLE instead of queueing:
 * the server then does not answer, and the NAS retransmits (to us or to the
 * next server in its list) until Redis is back. A script that did run but
 * whose answer was lost is harmless: records are idempotent.
 * Use ACCOUNTING_REDIS_OPTIONS (no offline queue, one retry, short timeouts)
 * for the client.
 */
import { createHash } from 'node:crypto';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { LiveSession } from '../domain/session.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import { fail } from '../errors.js';
import { APPLY_LUA } from './lua/apply.js';
import { ACK_LUA, CLOSE_NAS_LUA, CLOSE_STALE_LUA, LIST_OPEN_LUA, PENDING_FLUSH_LUA, REINDEX_LUA } from './lua/maintenance.js';
import { MIN_INTERIM_INTERVAL_S, normalize } from './normalize.js';
import { isNasReset, type AccountingRecord } from './record.js';
import { nasResetTime, NAS_REBOOT, SAME_SESSION_TOLERANCE_MS, STALE_SESSION, type ApplyAction } from './session-machine.js';
import {
  DEFAULT_SNAPSHOT_LIMIT,
  DEFAULT_TOMBSTONE_TTL_S,
  type ApplyResult,
  type FlushAck,
  type FlushItem,
  type OpenFilter,
  type SessionCounts,
  type SessionStore,
  type UsageSnapshot,
} from './store.js';

export type RedisClient = Redis | Cluster;

/** Client options for the accounting path: fail fast rather than hold a NAS's record in a queue. */
export const ACCOUNTING_REDIS_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 2000,
  connectTimeout: 2000,
};

export interface RedisStoreOptions {
  /** Key prefix (default 'radassoc:'); a hash tag {acct} is added unless the prefix has one. */
  prefix?: string;
  /** Every call rejects after this long (default 2000 ms), whatever the client's own settings. */
  opTimeoutMs?: number;
  /** counts() rejects after this long (default 500 ms): a scrape must not wait for a slow Redis. */
  countsTimeoutMs?: number;
  tombstoneTtlS?: number;
  snapshotLimit?: number;
  /** close() quits the client (default true). */
  ownsClient?: boolean;
}

class Script {
  readonly sha: string;
  constructor(readonly src: string) {
    this.sha = createHash('sha1').update(src).digest('hex');
  }
}

const SCRIPTS = {
  apply: new Script(APPLY_LUA),
  closeNas: new Script(CLOSE_NAS_LUA),
  closeStale: new Script(CLOSE_STALE_LUA),
  pending: new Script(PENDING_FLUSH_LUA),
  ack: new Script(ACK_LUA),
  list: new Script(LIST_OPEN_LUA),
  reindex: new Script(REINDEX_LUA),
};

function pairs(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(raw)) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i])] = String(raw[i + 1]);
  return out;
}

/** How lua/common.ts marks a session held unattributed (no tenant has id 0). */
const UNATTRIBUTED = 0;

/** tenantId as stored: absent in a hash written before tenancy (the default tenant's), 0 for unattributed. */
function tenantFromHash(v: string | undefined): number | null {
  if (v === undefined) return DEFAULT_TENANT_ID;
  const id = Number(v);
  return id === UNATTRIBUTED ? null : id;
}

export function sessionFromHash(h: Record<string, string>): LiveSession {
  const num = (k: string): number | null => (h[k] === undefined ? null : Number(h[k]));
  const str = (k: string): string | null => h[k] ?? null;
  return {
    uniqueId: h.uniqueId ?? '',
    nas: h.nas ?? '',
    acctSessionId: h.acctSessionId ?? '',
    tenantId: tenantFromHash(h.tenantId),
    username: h.username ?? '',
    nasPort: num('nasPort'),
    nasPortId: str('nasPortId'),
    nasIpAddress: str('nasIpAddress'),
    framedIp: str('framedIp'),
    framedIpv6Prefix: str('framedIpv6Prefix'),
    delegatedIpv6Prefix: str('delegatedIpv6Prefix'),
    framedInterfaceId: str('framedInterfaceId'),
    callingStationId: str('callingStationId'),
    classHex: str('classHex'),
    startTime: num('startTime') ?? 0,
    lastUpdate: num('lastUpdate') ?? 0,
    interimInterval: num('interimInterval'),
    sessionTime: num('sessionTime') ?? 0,
    inputOctets: num('inputOctets') ?? 0,
    outputOctets: num('outputOctets') ?? 0,
    inputPackets: num('inputPackets') ?? 0,
    outputPackets: num('outputPackets') ?? 0,
    stopTime: num('stopTime'),
    terminateCause: str('terminateCause'),
  };
}

function snapshotFromMember(m: unknown): UsageSnapshot {
  const [at, sessionTime, inputOctets, outputOctets] = String(m).split(':').map(Number);
  return { at: at ?? 0, sessionTime: sessionTime ?? 0, inputOctets: inputOctets ?? 0, outputOctets: outputOctets ?? 0 };
}

const byStart = (a: LiveSession, b: LiveSession): number => a.startTime - b.startTime || (a.uniqueId < b.uniqueId ? -1 : 1);

export class RedisStore implements SessionStore {
  private readonly p: string;
  private readonly opTimeoutMs: number;
  private readonly countsTimeoutMs: number;
  private readonly ttlS: number;
  private readonly snapshotLimit: number;
  private readonly ownsClient: boolean;

  constructor(
    private readonly client: RedisClient,
    opts: RedisStoreOptions = {},
  ) {
    const prefix = opts.prefix ?? 'radassoc:';
    this.p = /\{[^}]+\}/.test(prefix) ? prefix : `${prefix}{acct}:`;
    this.opTimeoutMs = opts.opTimeoutMs ?? 2000;
    this.countsTimeoutMs = opts.countsTimeoutMs ?? 500;
    this.ttlS = opts.tombstoneTtlS ?? DEFAULT_TOMBSTONE_TTL_S;
    this.snapshotLimit = opts.snapshotLimit ?? DEFAULT_SNAPSHOT_LIMIT;
    this.ownsClient = opts.ownsClient ?? true;
  }

  /** The (nas, Acct-Session-Id) index key; lengths make it unambiguous whatever the ids contain. */
  private indexKey(nas: string, acctSessionId: string): string {
    return `${this.p}i:${Buffer.byteLength(nas)}:${nas}:${acctSessionId}`;
  }

  /** A member's open sessions, as lua/common.ts ukey() names the set (the default tenant keeps the key of before tenancy). */
  private userKey(tenantId: number, username: string): string {
    return tenantId === DEFAULT_TENANT_ID ? `${this.p}u:${username}` : `${this.p}t${tenantId}:u:${username}`;
  }

  /**
   * Scripts that derive their keys at run time still name one key, in the
   * shared hash-tag slot: Redis Cluster routes a script by its KEYS, and one
   * without keys would land on any node.
   */
  private routeKey(): string {
    return `${this.p}open`;
  }

  async applyRecord(rec: AccountingRecord): Promise<ApplyResult> {
    if (isNasReset(rec.statusType)) {
      const closed = await this.closeAllForNas(rec.nas, NAS_REBOOT, nasResetTime(rec));
      return { action: 'nas-reset', changed: closed.length > 0, uniqueId: null, closed };
    }
    const n = normalize(rec);
    // Nulls left out (the script reads them as nil); an unroutable record's tenant marked UNATTRIBUTED. No copy of the record.
    const json = JSON.stringify(n, (k, v: unknown) => (v !== null ? v : k === 'tenantId' ? UNATTRIBUTED : undefined));
    const r = await this.run(SCRIPTS.apply, [this.indexKey(n.nas, n.acctSessionId)], [json, SAME_SESSION_TOLERANCE_MS, this.snapshotLimit]);
    const [action, changed, uid, closed, held] = Array.isArray(r) ? r : [];
    return {
      action: String(action) as ApplyAction,
      changed: Number(changed) === 1,
      uniqueId: uid ? String(uid) : null,
      closed: typeof closed === 'string' && closed !== '' ? [closed] : [],
      ...(Number(held) === 1 ? { held: true as const } : {}),
    };
  }

  async closeAllForNas(nas: string, cause: string, at: number): Promise<string[]> {
    const r = await this.run(SCRIPTS.closeNas, [this.routeKey()], [nas, cause, Math.floor(at), this.snapshotLimit]);
    // A set has no order: sorted, the answer is the same as the memory store's.
    return (Array.isArray(r) ? r : []).map(String).sort();
  }

  async closeStale(now: number, multiple: number, defaultIntervalS: number): Promise<LiveSession[]> {
    const r = await this.run(SCRIPTS.closeStale, [this.routeKey()], [Math.floor(now), multiple, defaultIntervalS, MIN_INTERIM_INTERVAL_S, this.snapshotLimit, STALE_SESSION]);
    return (Array.isArray(r) ? r : []).map((h) => sessionFromHash(pairs(h))).sort(byStart);
  }

  async listOpen(filter: OpenFilter = {}): Promise<LiveSession[]> {
    const [mode, value] = filter.username !== undefined ? ['user', filter.username] : filter.nas !== undefined ? ['nas', filter.nas] : ['all', ''];
    const r = await this.run(SCRIPTS.list, [this.routeKey()], [mode, value, filter.tenantId ?? '']);
    const sessions = (Array.isArray(r) ? r : []).map((h) => sessionFromHash(pairs(h)));
    return sessions.filter((s) => s.stopTime === null && (filter.nas === undefined || s.nas === filter.nas)).sort(byStart);
  }

  /** Indexes per tenant the open sessions a version before the tenant sets opened (lua/common.ts); returns how many. */
  async reindex(): Promise<number> {
    return Number(await this.run(SCRIPTS.reindex, [this.routeKey()], []));
  }

  async countOpenForUser(username: string, tenantId: number): Promise<number> {
    return this.guard(this.client.scard(this.userKey(tenantId, username)));
  }

  async getSession(uniqueId: string): Promise<LiveSession | null> {
    const h = await this.guard(this.client.hgetall(`${this.p}s:${uniqueId}`));
    return Object.keys(h).length === 0 ? null : sessionFromHash(h);
  }

  async pendingFlush(limit: number): Promise<FlushItem[]> {
    const r = await this.run(SCRIPTS.pending, [this.routeKey()], [Math.max(0, Math.floor(limit))]);
    return (Array.isArray(r) ? r : []).map((item: unknown) => {
      const [raw, snaps] = Array.isArray(item) ? item : [];
      const h = pairs(raw);
      return {
        session: sessionFromHash(h),
        version: Number(h.ver ?? 0),
        snapshots: (Array.isArray(snaps) ? snaps : []).map(snapshotFromMember),
      };
    });
  }

  async ackFlushed(acks: readonly FlushAck[]): Promise<number> {
    if (acks.length === 0) return 0;
    const json = JSON.stringify(acks.map((a) => ({ u: a.uniqueId, v: a.version, s: a.snapshotAts })));
    return Number(await this.run(SCRIPTS.ack, [this.routeKey()], [this.ttlS, json]));
  }

  /** ZCARD and SCARD in one round trip: O(1) whatever the number of sessions. */
  async counts(): Promise<SessionCounts> {
    const read = this.client
      .pipeline()
      .zcard(`${this.p}open`)
      .scard(`${this.p}fin`)
      .scard(`${this.p}t${UNATTRIBUTED}:open`)
      .exec()
      .then((replies) => {
        // A pipeline resolves with each command's error (e.g. offline) rather than rejecting.
        const [live, backlog, held] = (replies ?? []).map(([err, v]) => {
          if (err) throw err;
          return Number(v);
        });
        if (live === undefined || backlog === undefined || held === undefined) throw new Error('no answer to ZCARD/SCARD');
        return { live, flushBacklog: backlog, held };
      });
    return this.guard(read, this.countsTimeoutMs);
  }

  /** The lowest score of the dirty set (scored by last update when the session became dirty): O(log n). */
  async oldestUnflushedAt(): Promise<number | null> {
    const r = await this.guard(this.client.zrange(`${this.p}dirty`, 0, 0, 'WITHSCORES'), this.countsTimeoutMs);
    return r.length >= 2 ? Number(r[1]) : null;
  }

  async ping(): Promise<void> {
    await this.guard(this.client.ping());
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private async run(script: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    const argv = [this.p, ...args.map(String)];
    try {
      return await this.guard(this.client.evalsha(script.sha, keys.length, ...keys, ...argv));
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return await this.guard(this.client.eval(script.src, keys.length, ...keys, ...argv));
    }
  }

  /**
   * Bounds every call by opTimeoutMs and turns connection trouble into
   * REDIS_UNREACHABLE. Errors Redis itself replied with (a script error,
   * NOSCRIPT) pass through unchanged.
   */
  private async guard<T>(op: Promise<T>, timeoutMs = this.opTimeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([op, timeout]);
    } catch (e) {
      if (e instanceof Error && e.name === 'ReplyError') throw e;
      throw fail('REDIS_UNREACHABLE', { when: 'operation' }, { cause: e });
    } finally {
      clearTimeout(timer);
      op.catch(() => undefined); // a late rejection after the timeout must not go unhandled
    }
  }
}
