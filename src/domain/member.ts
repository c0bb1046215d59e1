/** The vocabulary of members: what the CLI writes, the cache holds and auth/ decides on. */
import type { PlanAttribute } from './plan.js';

/** Authentication methods a member's stored credential may serve. */
export type AuthMethod = 'pap' | 'chap' | 'mschapv1' | 'mschapv2';
export const ALL_AUTH_METHODS: readonly AuthMethod[] = ['pap', 'chap', 'mschapv1', 'mschapv2'];

export type MemberStatus = 'active' | 'suspended';

/** Who suspended: the dues job ('dues', lifted by a new paid-until) or an admin ('manual', lifted by `member resume`). */
export type SuspensionKind = 'manual' | 'dues';

/**
 * What is kept of a password. PAP alone can be served from a strong hash;
 * CHAP needs the cleartext; MS-CHAP needs the NT hash (MD4 of UTF-16LE),
 * which the cleartext also yields. Which fields are set follows from the
 * member's auth methods (see auth/credentials.ts).
 */
export interface StoredCredential {
  /** Cleartext, kept only when CHAP must work. */
  cleartext: string | null;
  /** NT hash (16 octets), kept when MS-CHAP must work. */
  ntHash: Buffer | null;
  /** scrypt hash in PHC-like form, kept when PAP must work without the cleartext. */
  strongHash: string | null;
  /**
   * A FreeRADIUS hash (SSHA, MD5, crypt(3), ...) of a member moved in without
   * its cleartext (auth/legacy-credential-text.ts): PAP only. Absent or null
   * for every other member.
   */
  legacyHash?: string | null;
}

/**
 * What authentication reads of a stored credential. StoredCredential fits it;
 * the daemon's directory cache gives a leaner record of the same shape
 * (auth/cached-member.ts).
 */
export interface AuthCredential {
  readonly cleartext: string | null;
  readonly ntHash: Buffer | null;
  readonly strongHash: string | null;
  readonly legacyHash?: string | null;
}

/**
 * What the access policy reads of a member: a structural subset of Member, so
 * a Member can be handed to the policy as it is, while the daemon's directory
 * keeps only these fields for each of its (up to millions of) members.
 * ipv4/ipv6Prefix are optional: a record that precomputed its reply
 * attributes (auth/directory.ts) need not keep the text.
 */
export interface AuthMember {
  readonly username: string;
  readonly credential: AuthCredential;
  readonly authMethods: readonly AuthMethod[];
  readonly status: MemberStatus;
  readonly plan: string | null;
  readonly maxSessions: number | null;
  readonly ipv4?: string | null;
  readonly ipv6Prefix?: string | null;
}

export interface Member {
  id: number;
  /** The tenant the member belongs to (domain/tenant.ts); its username is unique there only. */
  tenantId: number;
  /** Case-sensitive, exactly as the NAS sends it. */
  username: string;
  credential: StoredCredential;
  authMethods: AuthMethod[];
  status: MemberStatus;
  suspendedReason: string | null;
  /** null while active. */
  suspensionKind: SuspensionKind | null;
  suspendedAt: Date | null;
  plan: string | null;
  ipv4: string | null;
  /** e.g. 2001:db8:1200::/56 */
  ipv6Prefix: string | null;
  /** null: no limit. */
  maxSessions: number | null;
  /** YYYY-MM-DD, null: no dues tracked. */
  paidUntil: string | null;
  /** The access line the member is bound to (RFC 4679 Agent-Circuit-Id / Agent-Remote-Id, or NAS-Port-Id), unique in its tenant. */
  lineId: string | null;
  /** Reply attributes of the member's own, sent after its plan's (members moved in from FreeRADIUS); absent or [] for most. */
  replyAttributes?: PlanAttribute[];
  createdAt: Date;
  updatedAt: Date;
}

/** Input for creating a member; the credential is already derived. */
export interface NewMember {
  username: string;
  credential: StoredCredential;
  authMethods: AuthMethod[];
  plan?: string | null;
  ipv4?: string | null;
  ipv6Prefix?: string | null;
  maxSessions?: number | null;
  paidUntil?: string | null;
  lineId?: string | null;
}

/** Fields `member set` may change; undefined leaves a field alone, null clears it. */
export interface MemberPatch {
  plan?: string | null;
  ipv4?: string | null;
  ipv6Prefix?: string | null;
  maxSessions?: number | null;
  paidUntil?: string | null;
  lineId?: string | null;
  credential?: StoredCredential;
  authMethods?: AuthMethod[];
  /** The member's own reply attributes, replaced whole; [] clears them. */
  replyAttributes?: PlanAttribute[];
}
