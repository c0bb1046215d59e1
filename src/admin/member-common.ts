/**
 * What the member commands share: the optional fields of add and set, read
 * from flags and checked before the database is opened; a change to one
 * member with its audit entry in the same transaction; and the messages for
 * a duplicate or unknown member and an unknown plan.
 */
import { canServe, deriveCredential } from '../auth/credentials.js';
import { insertAudit } from '../db/audit.js';
import type { Queryable } from '../db/db.js';
import { check } from '../db/member-rows.js';
import { getMember } from '../db/members.js';
import { getPlan } from '../db/plans.js';
import { ALL_AUTH_METHODS, type AuthMethod, type Member, type MemberPatch, type StoredCredential } from '../domain/member.js';
import { fail, isRadassocError, RadassocError } from '../errors.js';
import type { AdminContext } from './context.js';
import { authText, orNone, parseCount, parseDate } from './input.js';
import { auditView, credentialKind } from '../lifecycle/member-view.js';

/** The field flags of `member add` and `member set`, as yargs hands them over. */
export interface FieldFlags {
  plan?: string | undefined;
  ipv4?: string | undefined;
  ipv6Prefix?: string | undefined;
  maxSessions?: string | undefined;
  paidUntil?: string | undefined;
}

export const PASSWORD_OPTIONS = {
  password: { type: 'string', describe: 'the password (visible to other local users while the command runs: prefer --password-stdin)' },
  'password-stdin': { type: 'boolean', default: false, describe: 'read the password from the first line of stdin' },
  auth: {
    type: 'string',
    describe: `methods the password must serve: all (${ALL_AUTH_METHODS.join(',')}) or a comma list; pap alone keeps only a strong hash [add: all; passwd: unchanged]`,
  },
} as const;

export const FIELD_OPTIONS = {
  plan: { type: 'string', describe: 'plan name (see `radassoc plan list`)' },
  ipv4: { type: 'string', describe: 'static IPv4 address (Framed-IP-Address)' },
  'ipv6-prefix': { type: 'string', describe: 'IPv6 prefix, e.g. 2001:db8:1200::/56' },
  'max-sessions': { type: 'string', describe: 'simultaneous sessions allowed (default: no limit)' },
  'paid-until': { type: 'string', describe: 'dues paid until YYYY-MM-DD' },
} as const;

/**
 * The fields given, checked and canonical. With `allowNone` (member set), the
 * word "none" clears a field (null); undefined means "not given".
 */
export function fieldPatch(f: FieldFlags, allowNone: boolean): Omit<MemberPatch, 'credential' | 'authMethods'> {
  const read = (v: string | undefined, flag: string): string | null | undefined => {
    const r = allowNone ? orNone(v) : v;
    if (r === '') throw new RadassocError('INVALID_ARGUMENT', `--${flag} needs a value${allowNone ? ' (or none to clear it)' : ''}`);
    return r;
  };
  const patch: Omit<MemberPatch, 'credential' | 'authMethods'> = {};
  const plan = read(f.plan, 'plan');
  if (plan !== undefined) patch.plan = plan;
  const ipv4 = read(f.ipv4, 'ipv4');
  if (ipv4 !== undefined) patch.ipv4 = check.ipv4(ipv4);
  const v6 = read(f.ipv6Prefix, 'ipv6-prefix');
  if (v6 !== undefined) patch.ipv6Prefix = check.ipv6Prefix(v6);
  const max = read(f.maxSessions, 'max-sessions');
  if (max !== undefined) patch.maxSessions = max === null ? null : parseCount(max, '--max-sessions');
  const paid = read(f.paidUntil, 'paid-until');
  if (paid !== undefined) patch.paidUntil = paid === null ? null : parseDate(paid, '--paid-until');
  return patch;
}

export function unknownMember(username: string): RadassocError {
  return fail('UNKNOWN_MEMBER', { username });
}

export function duplicateMember(username: string): RadassocError {
  return fail('DUPLICATE_MEMBER', { username });
}

/** Refuses a plan that does not exist, before a foreign key says less. */
export async function assertPlanExists(q: Queryable, plan: string | null | undefined): Promise<void> {
  if (plan === null || plan === undefined) return;
  if (!(await getPlan(q, plan))) {
    throw fail('UNKNOWN_PLAN', { plan });
  }
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
  throw new RadassocError(
    'INVALID_ARGUMENT',
    `the stored credential of ${m.username} (${credentialKind(m.credential)}) cannot serve ${missing.join(', ')}; ` +
      `set a new password with \`radassoc member passwd ${m.username} --auth ${authText(methods)}\``,
    { username: m.username },
  );
}

/**
 * Runs one change to an existing member in a transaction and records it in
 * the audit log with the member as it was and as it is (never its credential).
 */
export async function changeMember(
  ctx: AdminContext,
  username: string,
  action: string,
  change: (tx: Queryable, before: Member) => Promise<Member>,
  note?: Record<string, string>,
): Promise<{ before: Member; after: Member }> {
  return ctx.db.transaction(async (tx) => {
    const before = await getMember(tx, username);
    if (!before) throw unknownMember(username);
    const after = await change(tx, before);
    await insertAudit(tx, {
      actor: ctx.actor,
      action,
      target: `member:${username}`,
      before: auditView(before),
      after: { ...auditView(after), ...note },
    });
    return { before, after };
  });
}

/** The repositories' own duplicate message, reworded to point at set and passwd. */
export function rewordDuplicate(e: unknown, username: string): unknown {
  return isRadassocError(e) && e.code === 'DUPLICATE_MEMBER' ? duplicateMember(username) : e;
}
