/**
 * The checks of what a member is made of, for every way in (one member added
 * or changed, an import's rows): the fields come back canonical or the call
 * is refused with a catalogue error. A front end turns its own text into
 * these inputs; whether the values make sense is decided here.
 */
import { canServe, deriveCredential, validatePassword } from '../auth/credentials.js';
import { check } from '../db/member-rows.js';
import type { AuthMethod, Member, MemberPatch, MemberStatus, StoredCredential } from '../domain/member.js';
import { ALL_AUTH_METHODS } from '../domain/member.js';
import { fail } from '../errors.js';
import { credentialKind } from '../lifecycle/member-view.js';

/** The optional fields of a member; undefined leaves a field alone, null clears it. */
export interface MemberFields {
  plan?: string | null;
  ipv4?: string | null;
  ipv6Prefix?: string | null;
  maxSessions?: number | null;
  /** YYYY-MM-DD */
  paidUntil?: string | null;
  /** The access line the member is bound to (Agent-Circuit-Id, Agent-Remote-Id or NAS-Port-Id), unique in its tenant. */
  lineId?: string | null;
}

export const MEMBER_STATUSES: readonly MemberStatus[] = ['active', 'suspended'];

/** Checked, canonical fields. */
export type MemberFieldPatch = Omit<MemberPatch, 'credential' | 'authMethods'>;

/** The fields given, checked and canonical (undefined ones left out). */
export function checkFields(f: MemberFields): MemberFieldPatch {
  const patch: MemberFieldPatch = {};
  if (f.plan !== undefined) patch.plan = f.plan;
  if (f.ipv4 !== undefined) patch.ipv4 = check.ipv4(f.ipv4);
  if (f.ipv6Prefix !== undefined) patch.ipv6Prefix = check.ipv6Prefix(f.ipv6Prefix);
  if (f.maxSessions !== undefined) patch.maxSessions = check.maxSessions(f.maxSessions);
  if (f.paidUntil !== undefined) patch.paidUntil = check.paidUntil(f.paidUntil);
  if (f.lineId !== undefined) patch.lineId = check.lineId(f.lineId);
  return patch;
}

/** Refuses a password that cannot be stored, saying why without quoting it. */
export function checkPassword(pw: string): string {
  const problem = validatePassword(pw);
  if (problem !== null) throw fail('INVALID_PASSWORD', { reason: problem });
  return pw;
}

/** Methods in canonical order, no repeats; refused when empty or unknown. */
export function checkMethods(methods: readonly string[]): AuthMethod[] {
  const known = check.authMethods(methods);
  return ALL_AUTH_METHODS.filter((m) => known.includes(m));
}

/** `--auth` text for a method list: `all` when it is every method. */
export function authText(methods: readonly AuthMethod[]): string {
  return ALL_AUTH_METHODS.every((m) => methods.includes(m)) ? 'all' : methods.join(',');
}

/**
 * The credential that serves `methods` without a new password: re-derived
 * from the cleartext when it is kept (so only what the methods need stays),
 * else the stored one if it can serve them all; else the admin must set a
 * new password.
 */
export function credentialForMethods(m: Member, methods: readonly AuthMethod[]): StoredCredential {
  if (m.credential.cleartext !== null) return deriveCredential(m.credential.cleartext, methods);
  const missing = methods.filter((x) => !canServe(m.credential, methods, x));
  if (missing.length === 0) return m.credential;
  throw fail('CREDENTIAL_CANNOT_SERVE', { username: m.username, credential: credentialKind(m.credential), missing, auth: authText(methods) });
}
