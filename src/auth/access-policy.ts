/**
 * The access policy, as plain typed code in one place: member → credential →
 * status → limits → reply. Every reject has a reason from one enum, which
 * the authentication log keeps and `diagnose` shows.
 */
import { Attr } from '../protocol/codes.js';
import { getString, type RadiusPacket, type RawAttribute } from '../protocol/packet.js';
import type { Secret } from '../protocol/digest.js';
import type { RejectReason, RequestMethod } from '../domain/auth-result.js';
import type { Member } from '../domain/member.js';
import { canServe } from './credentials.js';
import type { MemberDirectory, SessionCounter } from './directory.js';
import { readCredentials } from './request-credentials.js';
import { checkCredentials, msChapError } from './verify-credentials.js';
import { classAttribute, memberReply, newClassId } from './reply.js';
import { decoyMember } from './decoy.js';

export interface AccessPolicyOptions {
  replyMessages: Record<RejectReason, string>;
  /** Accept suspended members into this plan instead of rejecting them. */
  restrictedPlan: string | null;
  sessionLimitWhenStoreDown: 'allow' | 'deny';
}

/** Failed-login limiting (hardening): consulted before, and told after, each decision. */
export interface LoginGuard {
  isLockedOut(username: string, nas: string): Promise<boolean>;
  recordFailure(username: string, nas: string): void;
}

export interface AccessDecision {
  accept: boolean;
  username: string;
  method: RequestMethod;
  reason: RejectReason | null;
  /** Accepted while suspended, into the restricted plan. */
  restricted: boolean;
  classId: string | null;
  attributes: RawAttribute[];
  /** The session store could not be read; the configured policy decided. */
  storeError?: Error;
}

export class AccessPolicy {
  constructor(
    private readonly directory: MemberDirectory,
    private readonly sessions: SessionCounter,
    private readonly options: AccessPolicyOptions,
    private readonly guard: LoginGuard | null = null,
  ) {}

  async decide(packet: RadiusPacket, secret: Secret, nasName: string): Promise<AccessDecision> {
    const username = getString(packet, Attr.UserName) ?? '';
    const creds = readCredentials(packet, secret);
    const method = creds.method;
    const reject = (reason: RejectReason, extra: RawAttribute[] = []): AccessDecision => {
      if (reason === 'bad-password' || reason === 'unknown-user') this.guard?.recordFailure(username, nasName);
      return this.reject(username, method, reason, extra);
    };

    if (this.guard && (await this.guard.isLockedOut(username, nasName))) return reject('locked-out', mschapFailure(creds));
    if (method === 'none' || 'malformed' in creds) return reject('malformed-credentials');
    const member = this.directory.member(username);
    if (!member) {
      // The same work and the same reply as a wrong password, so neither tells whether the name exists (decoy.ts).
      const decoy = await checkCredentials(decoyMember(username), creds, secret, packet.authenticator);
      return reject('unknown-user', decoy.reply);
    }
    if (!canServe(member.credential, member.authMethods, method)) return reject('method-not-possible');

    const check = await checkCredentials(member, creds, secret, packet.authenticator);
    if (!check.ok) return reject('bad-password', check.reply);

    let restricted = false;
    if (member.status === 'suspended') {
      if (!this.options.restrictedPlan) return reject('suspended', mschapFailure(creds));
      restricted = true;
    }
    const limit = await this.checkSessionLimit(member);
    if (limit.over) return { ...reject('too-many-sessions', mschapFailure(creds)), ...(limit.error ? { storeError: limit.error } : {}) };

    const plan = restricted ? this.options.restrictedPlan : member.plan;
    const classId = newClassId();
    const attributes = [
      ...check.reply,
      ...memberReply(member),
      ...(plan ? (this.directory.planReply(plan) ?? []) : []),
      classAttribute(classId),
    ];
    return { accept: true, username, method, reason: null, restricted, classId, attributes, ...(limit.error ? { storeError: limit.error } : {}) };
  }

  private async checkSessionLimit(member: Member): Promise<{ over: boolean; error?: Error }> {
    if (member.maxSessions === null) return { over: false };
    try {
      return { over: (await this.sessions.countOpenForUser(member.username)) >= member.maxSessions };
    } catch (e) {
      return { over: this.options.sessionLimitWhenStoreDown === 'deny', error: e as Error };
    }
  }

  private reject(username: string, method: RequestMethod, reason: RejectReason, extra: RawAttribute[]): AccessDecision {
    const message = { type: Attr.ReplyMessage, value: Buffer.from(this.options.replyMessages[reason], 'utf8').subarray(0, 253) };
    return { accept: false, username, method, reason, restricted: false, classId: null, attributes: [...extra, message] };
  }
}

/** An MS-CHAP peer expects MS-CHAP-Error in any reject, not only for a bad password (RFC 2548 §2.3.5). */
function mschapFailure(creds: ReturnType<typeof readCredentials>): RawAttribute[] {
  if ((creds.method === 'mschapv2' || creds.method === 'mschapv1') && !('malformed' in creds)) {
    return [msChapError(creds.response.ident, creds.challenge)];
  }
  return [];
}
