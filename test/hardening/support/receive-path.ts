/**
 * The daemon's receive path without sockets or servers: the real Dispatcher,
 * AccessPolicy, login guard and in-memory session store, fed datagrams
 * directly. For fuzzing at a rate UDP on a 2-core machine cannot reach.
 */
import { pino } from 'pino';
import { AccessPolicy } from '../../../src/auth/access-policy.js';
import { deriveCredential } from '../../../src/auth/credentials.js';
import { FailureLimiter, MemoryFailureCounter } from '../../../src/auth/login-guard.js';
import { MemoryStore } from '../../../src/accounting/memory-store.js';
import { DEFAULT_REPLY_MESSAGES } from '../../../src/config/schema.js';
import { ALL_AUTH_METHODS, type Member } from '../../../src/domain/member.js';
import { DEFAULT_TENANT_ID } from '../../../src/domain/tenant.js';
import type { NasClient } from '../../../src/domain/nas.js';
import { Dispatcher } from '../../../src/server/dispatcher.js';
import { ServerMetrics } from '../../../src/server/metrics.js';
import { NasDirectory } from '../../../src/auth/nas-directory.js';

export const SECRET = 'fuzz-secret-of-32-octets-exactly';
export const USERS = [
  { name: 'alice', password: 'alice-pass' },
  { name: 'bob', password: 'bob-pass-2' },
  { name: 'nobody-here', password: 'unknown-user' },
];

export function member(username: string, password: string, extra: Partial<Member> = {}): Member {
  return {
    id: 1,
    tenantId: DEFAULT_TENANT_ID,
    username,
    credential: deriveCredential(password, ALL_AUTH_METHODS),
    authMethods: [...ALL_AUTH_METHODS],
    status: 'active',
    suspendedReason: null,
    suspensionKind: null,
    suspendedAt: null,
    plan: null,
    ipv4: null,
    ipv6Prefix: null,
    maxSessions: 2,
    paidUntil: null,
    lineId: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...extra,
  };
}

export function nasClient(name: string, address: string, secret = SECRET): NasClient {
  return { name, address, secret, coaPort: 3799, requireMessageAuthenticator: true, disconnectProfile: 'generic', supportsCoa: false, createdAt: new Date(0) };
}

/** Every datagram the daemon has dealt with: answered, dropped, replayed, or left unanswered on purpose. */
export function accounted(m: ServerMetrics): number {
  let n = m.totalDrops() + m.duplicatesReplayed + m.duplicatesInFlight;
  for (const v of m.answered.values()) n += v;
  for (const v of Object.values(m.unanswered)) n += v;
  return n;
}

export async function inProcessReceivePath(): Promise<{ dispatcher: Dispatcher; metrics: ServerMetrics; store: MemoryStore; close(): void }> {
  const members = new Map(USERS.filter((u) => u.name !== 'nobody-here').map((u) => [u.name, member(u.name, u.password)]));
  const store = new MemoryStore();
  const guard = new FailureLimiter(new MemoryFailureCounter(), { userThreshold: 1e9, nasThreshold: 1e9, windowSeconds: 60 });
  const policy = new AccessPolicy(
    { member: (u) => members.get(u), planReply: () => undefined },
    store,
    { replyMessages: DEFAULT_REPLY_MESSAGES, restrictedPlan: null, sessionLimitWhenStoreDown: 'allow' },
    guard,
  );
  const metrics = new ServerMetrics();
  const dispatcher = new Dispatcher({
    nas: new NasDirectory([nasClient('fuzz-nas', '127.0.0.1/32')]),
    policy,
    accounting: { record: async (rec) => void (await store.applyRecord(rec)) },
    authLog: { record: () => undefined },
    metrics,
    log: pino({ level: 'silent' }),
    duplicateWindowMs: 1000,
  });
  return { dispatcher, metrics, store, close: () => dispatcher.close() };
}
