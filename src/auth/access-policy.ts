/**
 * The access policy, as plain typed code in one place: member → credential →
 * status → limits → reply. Every reject has a reason from one enum, which
 * the authentication log keeps and `diagnose` shows.
 */
import { Attr, getString, type RadiusPacket, type RawAttribute, type Secret } from '../protocol/index.js';
import type { RejectReason, RequestMethod } from '../domain/auth-result.js';
import { canServe } from './credentials.js';
import type { DirectoryMember, MemberDirectory, SessionCounter } from './directory.js';
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

const NO_LIMIT: { over: boolean; error?: Error } = Object.freeze({ over: false });

export class AccessPolicy {
  /** Reply-Message per reason, encoded once: a reject sends one of a few fixed texts. */
  private readonly replyMessages = new Map<RejectReason, RawAttribute>();

  constructor(
    private readonly directory: MemberDirectory,
    private readonly sessions: SessionCounter,
    private readonly options: AccessPolicyOptions,
    private readonly guard: LoginGuard | null = null,
  ) {
    for (const [reason, text] of Object.entries(options.replyMessages) as Array<[RejectReason, string]>) {
      this.replyMessages.set(reason, Object.freeze(replyMessage(text)));
    }
  }

  async decide(packet: RadiusPacket, secret: Secret, nasName: string): Promise<AccessDecision> {
    const username = getString(packet, Attr.UserName) ?? '';
    const creds = readCredentials(packet, secret);
    const method = creds.method;

    if (this.guard && (await this.guard.isLockedOut(username, nasName))) return this.reject(username, nasName, method, 'locked-out', mschapFailure(creds));
    if (method === 'none' || 'malformed' in creds) return this.reject(username, nasName, method, 'malformed-credentials');
    const member = this.directory.member(username);
    if (!member) {
      // The same work and the same reply as a wrong password, so neither tells whether the name exists (decoy.ts).
      const decoy = await checkCredentials(decoyMember(username), creds, secret, packet.authenticator);
      return this.reject(username, nasName, method, 'unknown-user', decoy.reply);
    }
    if (!canServe(member.credential, member.authMethods, method)) return this.reject(username, nasName, method, 'method-not-possible');

    const check = await checkCredentials(member, creds, secret, packet.authenticator);
    if (!check.ok) return this.reject(username, nasName, method, 'bad-password', check.reply);

    let restricted = false;
    if (member.status === 'suspended') {
      if (!this.options.restrictedPlan) return this.reject(username, nasName, method, 'suspended', mschapFailure(creds));
      restricted = true;
    }
    // No await (and no promise) when the member has no limit: the common case stays synchronous from here.
    const limit = member.maxSessions === null ? NO_LIMIT : await this.checkSessionLimit(member, member.maxSessions);
    if (limit.over) {
      const decision = this.reject(username, nasName, method, 'too-many-sessions', mschapFailure(creds));
      if (limit.error) decision.storeError = limit.error;
      return decision;
    }

    const plan = restricted ? this.options.restrictedPlan : member.plan;
    const classId = newClassId();
    // Pushed rather than spread: this runs on every accept.
    const attributes: RawAttribute[] = [];
    for (const a of check.reply) attributes.push(a);
    if (member.addReply) member.addReply(attributes);
    else for (const a of memberReply(member)) attributes.push(a);
    const planAttrs = plan ? this.directory.planReply(plan) : undefined;
    if (planAttrs) for (const a of planAttrs) attributes.push(a);
    attributes.push(classAttribute(classId));
    const decision: AccessDecision = { accept: true, username, method, reason: null, restricted, classId, attributes };
    if (limit.error) decision.storeError = limit.error;
    return decision;
  }

  private async checkSessionLimit(member: DirectoryMember, maxSessions: number): Promise<{ over: boolean; error?: Error }> {
    try {
      return { over: (await this.sessions.countOpenForUser(member.username)) >= maxSessions };
    } catch (e) {
      return { over: this.options.sessionLimitWhenStoreDown === 'deny', error: e as Error };
    }
  }

  /** A method rather than a closure made in decide(): no function object per request. */
  private reject(username: string, nasName: string, method: RequestMethod, reason: RejectReason, extra: readonly RawAttribute[] = NO_ATTRS): AccessDecision {
    if (reason === 'bad-password' || reason === 'unknown-user') this.guard?.recordFailure(username, nasName);
    const message = this.replyMessages.get(reason) ?? replyMessage(this.options.replyMessages[reason]);
    return { accept: false, username, method, reason, restricted: false, classId: null, attributes: [...extra, message] };
  }
}

const NO_ATTRS: readonly RawAttribute[] = Object.freeze([]);

function replyMessage(text: string): RawAttribute {
  return { type: Attr.ReplyMessage, value: Buffer.from(text, 'utf8').subarray(0, 253) };
}

/** An MS-CHAP peer expects MS-CHAP-Error in any reject, not only for a bad password (RFC 2548 §2.3.5). */
function mschapFailure(creds: ReturnType<typeof readCredentials>): RawAttribute[] {
  if ((creds.method === 'mschapv2' || creds.method === 'mschapv1') && !('malformed' in creds)) {
    return [msChapError(creds.response.ident, creds.challenge)];
  }
  return [];
}
