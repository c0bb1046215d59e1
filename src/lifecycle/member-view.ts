/**
 * A member as people and the audit log see it: every field except the credential itself.
 * What the credential can serve is shown instead (`serves`), and which kind
 * is kept (`credential: cleartext|nt-hash|strong-hash`).
 */
import { canServe } from '../auth/credentials.js';
import { shownAttributes } from '../services/plan-attributes.js';
import type { PlanAttribute } from '../domain/plan.js';
import { ALL_AUTH_METHODS, type AuthMethod, type Member, type MemberStatus, type StoredCredential, type SuspensionKind } from '../domain/member.js';

/** legacy-hash: a FreeRADIUS hash brought by `import freeradius`, PAP only until a new password. */
export type CredentialKind = 'cleartext' | 'nt-hash' | 'strong-hash' | 'legacy-hash' | 'none';

export interface MemberView {
  username: string;
  status: MemberStatus;
  suspended_reason: string | null;
  /** 'dues' (a new paid-until resumes) or 'manual' (`member resume` does); null while active. */
  suspension_kind: SuspensionKind | null;
  suspended_at: string | null;
  plan: string | null;
  ipv4: string | null;
  ipv6_prefix: string | null;
  max_sessions: number | null;
  paid_until: string | null;
  /** The access line the member is bound to (--line), null when none. */
  line: string | null;
  /** Methods the member is allowed (--auth). */
  auth: AuthMethod[];
  /** Methods the stored credential can check. */
  serves: AuthMethod[];
  credential: CredentialKind;
  /** The member's own reply attributes (brought by `import freeradius` from radreply), sent after the plan's; absent when none. */
  reply_attributes?: PlanAttribute[];
  created_at: string;
  updated_at: string;
}

/** The most capable kind kept: the cleartext serves everything, the NT hash PAP and MS-CHAP, the strong hash PAP. */
export function credentialKind(c: StoredCredential): CredentialKind {
  if (c.cleartext !== null) return 'cleartext';
  if (c.ntHash !== null) return 'nt-hash';
  if (c.strongHash !== null) return 'strong-hash';
  if ((c.legacyHash ?? null) !== null) return 'legacy-hash';
  return 'none';
}

/** Methods the credential itself can check, whatever the member is allowed. */
export function servedMethods(c: StoredCredential): AuthMethod[] {
  return ALL_AUTH_METHODS.filter((m) => canServe(c, ALL_AUTH_METHODS, m));
}

export function memberView(m: Member): MemberView {
  return {
    username: m.username,
    status: m.status,
    suspended_reason: m.suspendedReason,
    suspension_kind: m.suspensionKind,
    suspended_at: m.suspendedAt?.toISOString() ?? null,
    plan: m.plan,
    ipv4: m.ipv4,
    ipv6_prefix: m.ipv6Prefix,
    max_sessions: m.maxSessions,
    paid_until: m.paidUntil,
    line: m.lineId,
    auth: m.authMethods,
    serves: servedMethods(m.credential),
    credential: credentialKind(m.credential),
    // Tunnel-Password and the like shown as [redacted]: the reply carries them, no page or export does.
    ...(m.replyAttributes !== undefined && m.replyAttributes.length > 0 ? { reply_attributes: shownAttributes(m.replyAttributes) } : {}),
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}

/** For the audit log: the view minus what changes on its own. redactSecrets still runs over it. */
export function auditView(m: Member): Omit<MemberView, 'created_at' | 'updated_at'> {
  const { created_at: _c, updated_at: _u, ...rest } = memberView(m);
  return rest;
}

