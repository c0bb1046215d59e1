/** The seams the access policy reads through: members, plans and tenants in memory, live session counts. */
import type { RejectReason } from '../domain/auth-result.js';
import type { AuthMember } from '../domain/member.js';
import type { RawAttribute } from '../protocol/index.js';
import type { ReplyTemplate } from './reply-template.js';
import type { RoutingIndex } from './tenant-routing.js';

/** A member as the directory gives it to the policy. */
export interface DirectoryMember extends AuthMember {
  /**
   * Appends the member's own reply attributes (addresses) from what the
   * record parsed at load (auth/cached-member.ts); absent, the policy encodes
   * them from ipv4/ipv6Prefix text (a plain Member, as tests hand it).
   */
  addReply?(out: RawAttribute[]): void;
  /** Reply attributes of the member's own, after its plan's (members moved in from FreeRADIUS). */
  readonly ownReply?: ReplyTemplate | null;
}

/** A tenant as the access path uses it: its settings over the deployment's, its reply attributes compiled. */
export interface ServedTenant {
  readonly id: number;
  readonly name: string;
  /** Reply attributes of every Access-Accept of its members, before the plan's (e.g. RFC 2868 tunnels to its LNS). */
  readonly reply: ReplyTemplate;
  /** Its own Reply-Message per reason, encoded; a reason absent here takes the deployment's. */
  readonly replyMessages: ReadonlyMap<RejectReason, RawAttribute>;
  /** undefined: the deployment's restrictedPlan; null: suspended members are refused. */
  readonly restrictedPlan: string | null | undefined;
  /** undefined: the deployment's lockout.userThreshold. */
  readonly lockoutThreshold: number | undefined;
}

/** Tenancy as the access path reads it. */
export interface TenantDirectory extends RoutingIndex {
  tenant(id: number): ServedTenant | undefined;
  /** The member of `tenantId` bound to this access line (RFC 4679 Agent-Circuit-Id / Agent-Remote-Id, or NAS-Port-Id). */
  lineMember(lineId: string, tenantId: number): DirectoryMember | undefined;
  /** Whether any member is bound to a line: without, requests skip looking for line attributes. */
  readonly hasLines: boolean;
}

export interface MemberDirectory {
  member(username: string, tenantId: number): DirectoryMember | undefined;
  /** A plan's reply attributes, compiled once when the plan was loaded. */
  planReply(plan: string, tenantId: number): ReplyTemplate | undefined;
  /** Absent for a directory of one tenant (as tests build one): every request is then the default tenant's. */
  readonly tenancy?: TenantDirectory;
}

export interface SessionCounter {
  /** Open sessions of a member (of `tenantId`) across every daemon sharing the store. */
  countOpenForUser(username: string, tenantId: number): Promise<number>;
}
