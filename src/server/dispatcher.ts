/**
 * The receive path as one straight line (RFC 2865 §3, RFC 3579 §3.2, RFC 5080):
 * datagram → NAS by source address → framing → authenticity → duplicate cache →
 * handler → signed answer. Every refusal is a counted drop with a reason and a
 * debug line, never an exception and never an answer; the operator sees it in
 * a rate-limited log line with its likely cause (drop-log.ts) and in
 * `nas diagnose` (nas-activity.ts).
 */
import type { Logger } from 'pino';
import {
  Attr,
  checkMessageAuthenticator,
  countAttributes,
  type DropReason,
  EncodeError,
  encodeResponse,
  getAttribute,
  messageAuthenticatorDropReason,
  PacketCode,
  parsePacket,
  type RadiusPacket,
  type RawAttribute,
  verifyRequestAuthenticator,
} from '../protocol/index.js';
import type { AuthLogEntry } from '../domain/auth-result.js';
import type { AccessDecision, AccessPolicy } from '../auth/access-policy.js';
import type { AccountingRecord } from '../accounting/record.js';
import { accountingRecordFrom } from './accounting-request.js';
import { attributeRecord, DEFAULT_TENANCY, type AccountingRouting } from './accounting-tenant.js';
import { storableRecord } from './wire-text.js';
import { DuplicateCache } from './duplicate-cache.js';
import type { NasDirectory, ServedNas } from '../auth/nas-directory.js';
import type { AnswerCount, AnswerCounts, ServerMetrics, UnansweredReason } from './metrics.js';
import { statusServerReply } from './status-server.js';
import type { DropLog } from './drop-log.js';
import type { NasActivity } from './nas-activity.js';

export type PortKind = 'auth' | 'acct';

/**
 * Stores an accounting record; resolves only once it is stored (RFC 2866 §4.1),
 * saying whether its session is held unattributed (accounting-tenant.ts).
 */
export interface AccountingSink {
  record(rec: AccountingRecord): Promise<void | { held?: true; action: string }>;
}

export interface AuthLogSink {
  record(entry: AuthLogEntry): void;
}

export interface DispatcherDeps {
  nas: NasDirectory;
  policy: AccessPolicy;
  accounting: AccountingSink;
  authLog: AuthLogSink;
  metrics: ServerMetrics;
  log: Logger;
  duplicateWindowMs: number;
  /** Realms and their syntax, to route accounting from a shared NAS to its tenant; absent: every record is its NAS owner's. */
  accountingRouting?: AccountingRouting;
  /** Per-NAS counts for `nas diagnose`, and the rate-limited log line of each drop. */
  activity?: NasActivity;
  dropLog?: DropLog;
  /** Injected clock (epoch ms). */
  now?: () => number;
}

export interface Datagram {
  msg: Buffer;
  address: string;
  port: number;
  /** Which socket received it: part of the RFC 5080 duplicate key. */
  socketId: string;
  kind: PortKind;
}

const NO_ATTRS: RawAttribute[] = [];
const OVERLOAD_LOG_EVERY_MS = 10_000;

export class Dispatcher {
  private readonly dup: DuplicateCache;
  private readonly now: () => number;
  /** Per NAS: when its overload drops were last logged, and how many since. */
  private readonly shed = new Map<string, { since: number; count: number }>();
  private abandoned = false;

  constructor(private readonly deps: DispatcherDeps) {
    this.dup = new DuplicateCache(deps.duplicateWindowMs);
    this.now = deps.now ?? Date.now;
  }

  /** The NAS allowed to send from this address, if any: the fair queue is per NAS, so the server asks first. */
  lookupNas(address: string): ServedNas | undefined {
    return this.deps.nas.lookup(address);
  }

  /**
   * The answer to send back, or null for none. Never throws. `known` is the
   * NAS the server already looked up for this datagram's address.
   */
  async handle(d: Datagram, known?: ServedNas): Promise<Buffer | null> {
    const { deps } = this;
    const nas = known ?? deps.nas.lookup(d.address);
    if (!nas) return this.drop('unknown-nas', d);
    const parsed = parsePacket(d.msg);
    if (!parsed.ok) return this.drop(parsed.reason, d, nas);
    const packet = parsed.packet;
    const refusal = this.authenticity(packet, nas, d.kind);
    if (refusal) return this.drop(refusal, d, nas, packet);

    if (packet.code === PacketCode.StatusServer) {
      deps.metrics.answers.status[d.kind === 'auth' ? 'accept' : 'response'].add(0);
      return statusServerReply(packet, nas.secret, d.kind);
    }
    const key = DuplicateCache.key(d.address, d.port, packet.identifier, d.socketId);
    const verdict = this.dup.check(key, packet.authenticator);
    if (verdict.kind === 'replay') {
      deps.metrics.duplicatesReplayed++;
      return verdict.response;
    }
    if (verdict.kind === 'pending') {
      deps.metrics.duplicatesInFlight++;
      return null;
    }
    const started = performance.now();
    let response: Buffer | null = null;
    let answer: AnswerCount | null = null;
    try {
      if (packet.code === PacketCode.AccessRequest) {
        response = await this.access(packet, nas);
        answer = accessAnswer(deps.metrics.answers.access, response);
      } else {
        const rec = this.storable(packet, nas);
        response = await this.accounting(packet, nas, rec);
        answer = rec ? deps.metrics.answers.accounting.stored : deps.metrics.answers.accounting['not-stored'];
      }
    } catch (e) {
      if (e instanceof EncodeError && e.code === 'packet-too-long') {
        // The request's Proxy-States plus our reply exceed 4,096 octets (RFC 2865 §3): no answer can be built.
        this.unanswered('reply-too-long');
        deps.log.warn({ nas: nas.name, id: packet.identifier, proxyStates: countAttributes(packet, Attr.ProxyState) }, 'reply would exceed 4096 octets; not answered');
      } else {
        this.unanswered('internal-error');
        deps.log.error({ err: e, nas: nas.name, id: packet.identifier }, 'request failed; not answered');
      }
    }
    // Shutdown gave up on it and counted it already: an answer now would never be sent.
    if (this.abandoned) return null;
    if (response) {
      this.dup.answered(key, packet.authenticator, response);
      answer?.add(performance.now() - started);
    } else {
      this.dup.unanswered(key);
    }

    if (response) deps.activity?.answered(nas.name, this.now());
    else deps.activity?.note(nas.name, d.address, 'unanswered', this.now());
    return response;
  }

  close(): void {
    this.dup.close();
  }

  /** A datagram refused before any work: its NAS is over its share (fairness.ts). Counted, and logged per NAS at most every 10 s. */
  overloaded(d: Datagram, nas: ServedNas): void {
    this.drop('overload', d, nas);
    const now = this.now();
    const seen = this.shed.get(nas.name);
    if (seen && now - seen.since < OVERLOAD_LOG_EVERY_MS) {
      seen.count++;
      return;
    }
    if (seen) this.deps.log.warn({ nas: nas.name, dropped: seen.count + 1, seconds: Math.round((now - seen.since) / 1000) }, 'NAS over its share of the server: requests dropped (overload)');
    else this.deps.log.warn({ nas: nas.name }, 'NAS over its share of the server: dropping its excess requests (overload)');
    this.shed.set(nas.name, { since: now, count: 0 });
  }

  /**
   * Shutdown gave up waiting (UdpServer.stop): datagrams still queued are
   * dropped unread, requests in flight go unanswered; both as 'shutting-down'.
   */
  abandon(queued: number, inFlight: number): void {
    this.abandoned = true;
    this.deps.metrics.drops['shutting-down'] += queued;
    this.deps.metrics.unanswered['shutting-down'] += inFlight;
  }

  /** Counts a request left unanswered, unless shutdown gave up on it and counted it already. */
  private unanswered(reason: UnansweredReason): void {
    if (!this.abandoned) this.deps.metrics.unanswered[reason]++;
  }

  /** Counts a datagram refused by the server before dispatch (e.g. from an unknown source). */
  refuse(reason: DropReason, d: Datagram): void {
    this.drop(reason, d);
  }

  /** Which check fails, if any: the code belongs on this port, and the packet is authentic. */
  private authenticity(packet: RadiusPacket, nas: ServedNas, kind: PortKind): DropReason | null {
    switch (packet.code) {
      case PacketCode.AccessRequest: {
        if (kind !== 'auth') return 'unexpected-code';
        // BlastRADIUS (CVE-2024-3596): Message-Authenticator is checked before anything else.
        const ma = checkMessageAuthenticator(packet, nas.secret);
        const bad = messageAuthenticatorDropReason(packet, ma);
        if (bad) return bad;
        if (ma === 'absent') {
          if (nas.requireMessageAuthenticator) return 'missing-message-authenticator';
          if (getAttribute(packet, Attr.ProxyState) !== undefined) return 'proxy-state-without-message-authenticator';
          if (getAttribute(packet, Attr.EapMessage) !== undefined) return 'missing-message-authenticator';
        }
        return null;
      }
      case PacketCode.AccountingRequest: {
        if (kind !== 'acct') return 'unexpected-code';
        if (!verifyRequestAuthenticator(packet, nas.secret)) return 'bad-authenticator';
        const ma = checkMessageAuthenticator(packet, nas.secret);
        return messageAuthenticatorDropReason(packet, ma) ?? null;
      }
      case PacketCode.StatusServer: {
        // RFC 5997 §3: a Status-Server without a valid Message-Authenticator is discarded.
        const ma = checkMessageAuthenticator(packet, nas.secret);
        if (ma === 'absent') return 'missing-message-authenticator';
        return messageAuthenticatorDropReason(packet, ma) ?? null;
      }
      default:
        return 'unexpected-code';
    }
  }

  private async access(packet: RadiusPacket, nas: ServedNas): Promise<Buffer> {
    const decision = await this.deps.policy.decide(packet, nas.secret, nas.name, nas.tenancy);
    const { log, authLog } = this.deps;
    this.deps.metrics.tenantAccess(decision.tenantId, decision.reason);
    if (!decision.accept) this.deps.activity?.note(nas.name, nas.address, `reject:${decision.reason ?? 'unknown'}`, this.now());
    // An accept is logged at debug level: its context object is built only when that level is on.
    if (decision.storeError || !decision.accept || log.isLevelEnabled('debug')) logDecision(log, decision, nas, packet.identifier);
    authLog.record({
      time: new Date(this.now()),
      username: decision.username,
      nas: nas.name,
      method: decision.method,
      result: decision.accept ? 'accept' : 'reject',
      reason: decision.reason,
      callingStationId: getAttribute(packet, Attr.CallingStationId)?.toString('utf8') ?? null,
      classId: decision.classId,
      tenantId: decision.tenantId,
    });
    return encodeResponse(
      {
        code: decision.accept ? PacketCode.AccessAccept : PacketCode.AccessReject,
        identifier: packet.identifier,
        attributes: withProxyState(decision.attributes, packet),
      },
      packet.authenticator,
      nas.secret,
      { messageAuthenticator: true },
    );
  }

  /** The record to store, or null for a request that cannot be keyed (acknowledged all the same). */
  private storable(packet: RadiusPacket, nas: ServedNas): AccountingRecord | null {
    const parsed = accountingRecordFrom(packet, nas.name, this.now());
    const rec = parsed && storableRecord(parsed);
    if (!rec) {
      this.deps.log.debug({ nas: nas.name, id: packet.identifier }, 'accounting request without Acct-Status-Type or Acct-Session-Id; acknowledged, not stored');
      return null;
    }
    return attributeRecord(rec, nas.tenancy ?? DEFAULT_TENANCY, this.deps.accountingRouting);
  }

  /** Answers only after the record is stored; a storage failure means no answer, so the NAS retransmits. */
  private async accounting(packet: RadiusPacket, nas: ServedNas, rec: AccountingRecord | null): Promise<Buffer | null> {
    if (rec) {
      try {
        const stored = await this.deps.accounting.record(rec);
        // Once per session: the record that created it.
        if (stored?.held && stored.action.startsWith('created')) {
          this.deps.log.warn(
            { nas: nas.name, id: packet.identifier, user: rec.username, session: rec.acctSessionId },
            'accounting from a shared NAS names no realm it carries: session kept unattributed (not exported) until a record of it does; check the NAS sends realm-qualified User-Names',
          );
        }
      } catch (e) {
        this.unanswered('storage-unavailable');
        this.deps.log.warn({ nas: nas.name, id: packet.identifier, user: rec.username, err: (e as Error).message }, 'accounting not stored; not answered');
        return null;
      }
    }
    return encodeResponse(
      { code: PacketCode.AccountingResponse, identifier: packet.identifier, attributes: withProxyState(NO_ATTRS, packet) },
      packet.authenticator,
      nas.secret,
      { messageAuthenticator: false },
    );
  }

  private drop(reason: DropReason, d: Datagram, nas?: ServedNas, packet?: RadiusPacket): null {
    const { deps } = this;
    deps.metrics.drop(reason);
    const id = packet?.identifier;
    if (deps.log.isLevelEnabled('debug')) {
      deps.log.debug({ reason, from: `${d.address}:${d.port}`, nas: nas?.name, id, port: d.kind }, 'packet dropped');
    }
    deps.activity?.note(nas?.name ?? null, d.address, reason, this.now());
    // Overload has its own per-NAS log line (overloaded()).
    if (reason !== 'overload') {
      const eap = packet !== undefined && getAttribute(packet, Attr.EapMessage) !== undefined;
      deps.dropLog?.note({ reason, address: d.address, nas: nas?.name, id, port: d.kind, code: packet?.code ?? d.msg[0], eap });
    }
    return null;
  }
}

/** The series of the answer actually encoded: its code octet (RFC 2865 §3) says which. */
function accessAnswer(counts: AnswerCounts['access'], response: Buffer): AnswerCount {
  const code = response[0];
  return code === PacketCode.AccessAccept ? counts.accept : code === PacketCode.AccessChallenge ? counts.challenge : counts.reject;
}

function logDecision(log: Logger, decision: AccessDecision, nas: ServedNas, id: number): void {
  const ctx = { nas: nas.name, user: decision.username, tenant: decision.tenantId, id, method: decision.method };
  if (decision.storeError) log.warn({ ...ctx, err: decision.storeError.message }, 'session store unreachable; simultaneous-use policy applied');
  if (decision.accept) log.debug({ ...ctx, restricted: decision.restricted }, 'access accepted');
  else log.info({ ...ctx, reason: decision.reason }, 'access rejected');
}

/** RFC 2865 §5.33: Proxy-State attributes are copied unmodified, in order, into the reply. */
function withProxyState(attrs: RawAttribute[], packet: RadiusPacket): RawAttribute[] {
  let out: RawAttribute[] | null = null;
  for (const a of packet.attributes) {
    if (a.type === Attr.ProxyState) (out ??= [...attrs]).push(a);
  }
  return out ?? attrs;
}

