/**
 * The access policy, as plain typed code in one place: tenant → member →
 * credential → status → limits → reply. Every reject has a reason from one
 * enum, which the authentication log keeps and `diagnose` shows.
 *
 * The tenant comes first: a request is routed by its access line (RFC 4679,
 * line-routing.ts), else by the realm in its User-Name and the NAS it came
 * from (tenant-routing.ts); the member is then looked up in that tenant
 * alone, and the tenant's own settings (reply messages, restricted plan,
 * lockout threshold) override the deployment's.
 */
import { Attr, getString, type RadiusPacket, type RawAttribute, type Secret } from '../protocol/index.js';
import type { RejectReason, RequestMethod } from '../domain/auth-result.js';
import type { NasTenancy } from '../domain/nas.js';
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import { canServe } from './credentials.js';
import type { DirectoryMember, MemberDirectory, ServedTenant, SessionCounter } from './directory.js';
import { readCredentials } from './request-credentials.js';
import { checkCredentials, msChapError } from './verify-credentials.js';
import { classAttribute, memberReply, newClassId } from './reply.js';
import { decoyMember } from './decoy.js';
import { accessLineIds, routeByLine } from './line-routing.js';
import { replyMessageAttribute } from './served-tenant.js';
import { routeUser, type RealmSyntax } from './tenant-routing.js';

export interface AccessPolicyOptions {
  replyMessages: Record<RejectReason, string>;
  /** Accept suspended members into this plan instead of rejecting them. */
  restrictedPlan: string | null;
  sessionLimitWhenStoreDown: 'allow' | 'deny';
  /** config realms.syntax; default 'suffix' (user@realm). */
  realmSyntax?: RealmSyntax;
}

/** Failed-login limiting (hardening): consulted before, and told after, each decision; a user name counts within its tenant. */
export interface LoginGuard {
  isLockedOut(username: string, nas: string, tenantId: number): Promise<boolean>;
  /** `userThreshold`: the tenant's own lockout threshold; undefined, the deployment's. */
  recordFailure(username: string, nas: string, tenantId: number, userThreshold?: number): void;
}

export interface AccessDecision {
  accept: boolean;
  /** The member's user name in its tenant (realm stripped as the tenant says); the User-Name as sent when no tenant was found. */
  username: string;
  /** The tenant the request was routed to; null when routing refused it. */
  tenantId: number | null;
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
/** A NAS of before tenancy, or a test's: the default tenant's. */
const DEFAULT_OWNED: NasTenancy = Object.freeze({ owner: DEFAULT_TENANT_ID });

export class AccessPolicy {
  /** Reply-Message per reason, encoded once: a reject sends one of a few fixed texts. */
  private readonly replyMessages = new Map<RejectReason, RawAttribute>();
  private readonly realmSyntax: RealmSyntax;

  constructor(
    private readonly directory: MemberDirectory,
    private readonly sessions: SessionCounter,
    private readonly options: AccessPolicyOptions,
    private readonly guard: LoginGuard | null = null,
  ) {
    for (const [reason, text] of Object.entries(options.replyMessages) as Array<[RejectReason, string]>) {
      this.replyMessages.set(reason, Object.freeze(replyMessageAttribute(text)));
    }
    this.realmSyntax = options.realmSyntax ?? 'suffix';
  }

  async decide(packet: RadiusPacket, secret: Secret, nasName: string, tenancy: NasTenancy = DEFAULT_OWNED): Promise<AccessDecision> {
    const userName = getString(packet, Attr.UserName) ?? '';
    const creds = readCredentials(packet, secret);
    const method = creds.method;

    let tenantId = DEFAULT_TENANT_ID;
    let username = userName;
    let member: DirectoryMember | undefined;
    let served: ServedTenant | undefined;
    const dir = this.directory.tenancy;
    if (dir) {
      const route = routeUser(userName, tenancy, dir, this.realmSyntax);
      // The line, when bound, names the member whatever the User-Name says; the realm only breaks a tie.
      const line = dir.hasLines ? routeByLine(accessLineIds(packet), tenancy, dir, route.ok ? route.tenantId : null) : null;
      if (line?.kind === 'ambiguous') return this.reject(userName, null, nasName, method, 'line-ambiguous', mschapFailure(creds));
      if (line) {
        tenantId = line.tenantId;
        member = line.member;
        username = member.username;
      } else if (!route.ok) {
        return this.reject(userName, null, nasName, method, route.reason, mschapFailure(creds));
      } else {
        tenantId = route.tenantId;
        username = route.username;
      }
      served = dir.tenant(tenantId);
    }

    if (this.guard && (await this.guard.isLockedOut(username, nasName, tenantId))) return this.reject(username, tenantId, nasName, method, 'locked-out', mschapFailure(creds), served);
    if (method === 'none' || 'malformed' in creds) return this.reject(username, tenantId, nasName, method, 'malformed-credentials', NO_ATTRS, served);
    member ??= this.directory.member(username, tenantId);
    if (!member) {
      // The same work and the same reply as a wrong password, so neither tells whether the name exists (decoy.ts).
      const decoy = await checkCredentials(decoyMember(userName), creds, secret, packet.authenticator);
      return this.reject(username, tenantId, nasName, method, 'unknown-user', decoy.reply, served);
    }
    if (!canServe(member.credential, member.authMethods, method)) return this.reject(username, tenantId, nasName, method, 'method-not-possible', NO_ATTRS, served);

    // MS-CHAPv2 hashes the name the peer sent (RFC 2759 §8.2), realm and all: the User-Name as received.
    const check = await checkCredentials(member, creds, secret, packet.authenticator, userName);
    if (!check.ok) return this.reject(username, tenantId, nasName, method, 'bad-password', check.reply, served);

    let restricted = false;
    const restrictedPlan = served?.restrictedPlan !== undefined ? served.restrictedPlan : this.options.restrictedPlan;
    if (member.status === 'suspended') {
      if (!restrictedPlan) return this.reject(username, tenantId, nasName, method, 'suspended', mschapFailure(creds), served);
      restricted = true;
    }
    // No await (and no promise) when the member has no limit: the common case stays synchronous from here.
    const limit = member.maxSessions === null ? NO_LIMIT : await this.checkSessionLimit(member, tenantId, member.maxSessions);
    if (limit.over) {
      const decision = this.reject(username, tenantId, nasName, method, 'too-many-sessions', mschapFailure(creds), served);
      if (limit.error) decision.storeError = limit.error;
      return decision;
    }

    const plan = restricted ? restrictedPlan : member.plan;
    const classId = newClassId();
    // Pushed rather than spread: this runs on every accept.
    const attributes: RawAttribute[] = [];
    for (const a of check.reply) attributes.push(a);
    if (member.addReply) member.addReply(attributes);
    else for (const a of memberReply(member)) attributes.push(a);
    const planReply = plan ? this.directory.planReply(plan, tenantId) : undefined;
    // The tenant's attributes come first; one its plan sets too (same attribute and tag) is the plan's.
    if (served && served.reply.size > 0) served.reply.appendTo(attributes, secret, packet.authenticator, planReply);
    planReply?.appendTo(attributes, secret, packet.authenticator);
    // What FreeRADIUS replied to this member beyond its plan (an import never repeats a plan's attribute here).
    if (!restricted) member.ownReply?.appendTo(attributes, secret, packet.authenticator);
    attributes.push(classAttribute(classId));
    const decision: AccessDecision = { accept: true, username, tenantId, method, reason: null, restricted, classId, attributes };
    if (limit.error) decision.storeError = limit.error;
    return decision;
  }

  private async checkSessionLimit(member: DirectoryMember, tenantId: number, maxSessions: number): Promise<{ over: boolean; error?: Error }> {
    try {
      return { over: (await this.sessions.countOpenForUser(member.username, tenantId)) >= maxSessions };
    } catch (e) {
      return { over: this.options.sessionLimitWhenStoreDown === 'deny', error: e as Error };
    }
  }

  /** A method rather than a closure made in decide(): no function object per request. */
  private reject(
    username: string,
    tenantId: number | null,
    nasName: string,
    method: RequestMethod,
    reason: RejectReason,
    extra: readonly RawAttribute[] = NO_ATTRS,
    served?: ServedTenant,
  ): AccessDecision {
    if ((reason === 'bad-password' || reason === 'unknown-user') && tenantId !== null) this.guard?.recordFailure(username, nasName, tenantId, served?.lockoutThreshold);
    const message = served?.replyMessages.get(reason) ?? this.replyMessages.get(reason) ?? replyMessageAttribute(this.options.replyMessages[reason]);
    return { accept: false, username, tenantId, method, reason, restricted: false, classId: null, attributes: [...extra, message] };
  }
}

const NO_ATTRS: readonly RawAttribute[] = Object.freeze([]);

/** An MS-CHAP peer expects MS-CHAP-Error in any reject, not only for a bad password (RFC 2548 §2.3.5). */
function mschapFailure(creds: ReturnType<typeof readCredentials>): RawAttribute[] {
  if ((creds.method === 'mschapv2' || creds.method === 'mschapv1') && !('malformed' in creds)) {
    return [msChapError(creds.response.ident, creds.challenge)];
  }
  return [];
}
