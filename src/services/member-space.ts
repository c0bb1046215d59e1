/**
 * The member space: a member logs in with the access login and password
 * their router uses, checked as an Access-Request's PAP is (auth/credentials
 * verifyPapAsync on the stored credential, the decoy for an unknown login so
 * both take as long), and sees only their own data: status and why, usage,
 * sessions; and changes their password under the tenant's rules. Sessions
 * are cookie tokens whose SHA-256 alone is stored (db/member-space.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { verifyPapAsync } from '../auth/credentials.js';
import { decoyMember } from '../auth/decoy.js';
import {
  findMemberSession,
  insertMemberSession,
  memberOfTenant,
  pruneMemberSessions,
  revokeMemberSession,
  revokeMemberSessions,
  sessionHistory,
  tenantById,
  tenantByRealm,
  tenantsWithMember,
  usageByMonth,
  type HistorySession,
  type MemberSpaceTenant,
  type MonthUsage,
} from '../db/member-space.js';
import type { Member } from '../domain/member.js';
import { fail } from '../errors.js';
import { memberView, type MemberView } from '../lifecycle/member-view.js';
import type { ServiceDeps } from './deps.js';
import { passwdMember } from './members.js';

export const MEMBER_TOKEN_PREFIX = 'rdm_';
export const MEMBER_SESSION_HOURS = 2;
/** The least a tenant may ask for; its `passwordMinLength` setting may ask for more. */
export const DEFAULT_PASSWORD_MIN_LENGTH = 8;

type Deps = Pick<ServiceDeps, 'db' | 'now'>;

export interface MemberSpaceSettings {
  /** Where a suspended member is sent to settle things (the tenant's `memberSpaceLink`): http(s) only. */
  link: string | null;
  passwordMinLength: number;
}

/** The tenant's member-space settings, from tenants.settings; anything malformed falls back to the default. */
export function memberSpaceSettings(t: Pick<MemberSpaceTenant, 'settings'>): MemberSpaceSettings {
  const link = t.settings.memberSpaceLink;
  const min = t.settings.passwordMinLength;
  return {
    link: typeof link === 'string' && /^https?:\/\/[^\s]+$/i.test(link) ? link : null,
    passwordMinLength: typeof min === 'number' && Number.isInteger(min) && min > DEFAULT_PASSWORD_MIN_LENGTH && min <= 128 ? min : DEFAULT_PASSWORD_MIN_LENGTH,
  };
}

const digestOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * Which member a login names: `user@realm` is the realm's tenant (the realm
 * stripped where the tenant strips it); a bare name is the one tenant that
 * has it. Null when none, or when several tenants have that name (the member
 * then adds the realm).
 */
async function findLoginMember(deps: Deps, login: string): Promise<{ tenant: MemberSpaceTenant; member: Member } | null> {
  const at = login.lastIndexOf('@');
  if (at > 0 && at < login.length - 1) {
    const tenant = await tenantByRealm(deps.db, login.slice(at + 1));
    if (tenant) {
      const member = await memberOfTenant(deps.db, tenant.id, tenant.stripRealm ? login.slice(0, at) : login);
      return member ? { tenant, member } : null;
    }
  }
  const tenants = await tenantsWithMember(deps.db, login);
  if (tenants.length !== 1) return null;
  const tenant = await tenantById(deps.db, tenants[0]!);
  const member = tenant ? await memberOfTenant(deps.db, tenant.id, login) : null;
  return tenant && member ? { tenant, member } : null;
}

/** A session token for the right login and password; null otherwise (the caller counts the failure). */
export async function memberLogin(deps: Deps, input: { login: string; password: string }): Promise<{ token: string; tenant: string; username: string } | null> {
  const password = Buffer.from(input.password, 'utf8');
  const found = input.login.length > 0 && input.login.length <= 253 ? await findLoginMember(deps, input.login) : null;
  const ok = await verifyPapAsync((found?.member ?? decoyMember(input.login)).credential, password);
  if (!found || !ok) return null;
  const token = `${MEMBER_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  // Expired logins go as new ones come (an index range): the table holds about a day of logins.
  await pruneMemberSessions(deps.db, new Date(deps.now() - 86_400_000));
  await insertMemberSession(deps.db, {
    tenantId: found.tenant.id,
    username: found.member.username,
    digest: digestOf(token),
    expiresAt: new Date(deps.now() + MEMBER_SESSION_HOURS * 3_600_000),
  });
  return { token, tenant: found.tenant.name, username: found.member.username };
}

export interface MemberSession {
  sessionId: number;
  tenant: MemberSpaceTenant;
  member: Member;
}

/** The member a cookie token belongs to, or null (unknown, expired, revoked, member removed). */
export async function memberSession(deps: Deps, token: string): Promise<MemberSession | null> {
  if (!/^rdm_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const s = await findMemberSession(deps.db, digestOf(token), new Date(deps.now()));
  if (!s) return null;
  const tenant = await tenantById(deps.db, s.tenantId);
  const member = tenant ? await memberOfTenant(deps.db, s.tenantId, s.username) : null;
  return tenant && member ? { sessionId: s.id, tenant, member } : null;
}

export async function memberLogout(deps: Deps, session: Pick<MemberSession, 'sessionId'>): Promise<void> {
  await revokeMemberSession(deps.db, session.sessionId, new Date(deps.now()));
}

export interface MemberOverview {
  member: MemberView;
  tenant: { name: string; displayName: string };
  settings: MemberSpaceSettings;
  /** This calendar month (UTC) first, then the eleven before, months without usage left out. */
  months: MonthUsage[];
  thisMonth: MonthUsage;
  sessions: HistorySession[];
}

/** What a member sees of themselves (their right of access): their record, usage by month, last sessions. */
export async function memberOverview(deps: Deps, session: MemberSession, opts: { sessions?: number } = {}): Promise<MemberOverview> {
  const now = new Date(deps.now());
  const month = now.toISOString().slice(0, 7);
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
  const months = await usageByMonth(deps.db, session.tenant.id, session.member.username, since);
  const sessions = await sessionHistory(deps.db, session.tenant.id, session.member.username, opts.sessions ?? 50);
  return {
    member: memberView(session.member),
    tenant: { name: session.tenant.name, displayName: session.tenant.displayName },
    settings: memberSpaceSettings(session.tenant),
    months,
    thisMonth: months.find((m) => m.month === month) ?? { month, sessions: 0, seconds: 0, inputOctets: 0, outputOctets: 0 },
    sessions,
  };
}

/**
 * A new password chosen by the member: the current one checked as PAP
 * checks it, the tenant's minimum length, then the same change as `member
 * passwd` (audited, as `member:<username>`); the member's other logins end.
 */
export async function memberChangePassword(
  deps: Deps,
  session: MemberSession,
  input: { current: string; password: string; confirm: string },
): Promise<MemberView> {
  if (!(await verifyPapAsync(session.member.credential, Buffer.from(input.current, 'utf8')))) throw fail('MEMBER_PASSWORD_RULE', { problem: 'current-wrong' });
  if (input.password !== input.confirm) throw fail('MEMBER_PASSWORD_RULE', { problem: 'mismatch' });
  const { passwordMinLength } = memberSpaceSettings(session.tenant);
  if ([...input.password].length < passwordMinLength) throw fail('MEMBER_PASSWORD_RULE', { problem: 'too-short', min: passwordMinLength });
  const scope = { actor: { name: `member:${session.member.username}` }, tenant: { id: session.tenant.id, name: session.tenant.name } };
  const view = await passwdMember(deps, scope, { username: session.member.username, password: input.password });
  await revokeMemberSessions(deps.db, session.tenant.id, session.member.username, new Date(deps.now()), session.sessionId);
  return view;
}
