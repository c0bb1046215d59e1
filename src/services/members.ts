/**
 * Members: one function per task, whoever asks (the CLI, later the HTTP API
 * and the console). Each checks its input, makes its change in one
 * transaction with its audit entry, does what follows from it (a plan or
 * address change reaching live sessions), and returns the member as people
 * may see it: never a password, a hash or the credential itself. Each acts
 * in its scope's tenant alone: another tenant's member of the same name is
 * simply not there.
 */
import { deriveCredential } from '../auth/credentials.js';
import { insertAudit } from '../db/audit.js';
import type { Queryable } from '../db/db.js';
import { check } from '../db/member-rows.js';
import { memberPage, type MemberPageQuery } from '../db/member-pages.js';
import { deleteMember, getMember, insertMember, listMembers as listMemberRows, updateMember, type MemberFilter } from '../db/members.js';
import { getPlan } from '../db/plans.js';
import { deleteMemberLogRows } from '../db/log-retention.js';
import { clearMemberIdentifiers } from '../db/usage-retention.js';
import { ALL_AUTH_METHODS, type AuthMethod, type Member, type MemberPatch, type MemberStatus } from '../domain/member.js';
import { fail, isRadassocError } from '../errors.js';
import { memberChanged, type MemberChangeReport } from './lifecycle.js';
import { auditView, memberView, type MemberView } from '../lifecycle/member-view.js';
import type { ReadScope, Scope, ServiceDeps } from './deps.js';
import { tenantNames } from './tenant-names.js';
import { checkFields, checkMethods, checkPassword, credentialForMethods, MEMBER_STATUSES, type MemberFieldPatch, type MemberFields } from './member-fields.js';
import { checkPlanAttributes } from './plan-attributes.js';
import type { PlanAttribute } from '../domain/plan.js';

export { importMembers, type ImportFault, type ImportRow, type MemberImportInput, type MemberImportResult, type ReadRow } from './member-import.js';
export { MEMBER_STATUSES, type MemberFields } from './member-fields.js';
export type { MemberView } from '../lifecycle/member-view.js';

type DbDeps = Pick<ServiceDeps, 'db'>;

export interface AddMemberInput extends MemberFields {
  username: string;
  password: string;
  /** Methods the password must serve; default every one (what PPP equipment expects). */
  authMethods?: readonly string[];
}

export interface PasswdInput {
  username: string;
  password: string;
  /** New methods; default: the member's own. */
  authMethods?: readonly string[];
}

export interface SetMemberInput extends MemberFields {
  username: string;
  /** New methods, which the stored credential must serve (else a new password is needed: `passwd`). */
  authMethods?: readonly string[];
  /** The member's own reply attributes (sent after its plan's), replaced whole; null or [] clears them. */
  replyAttributes?: readonly PlanAttribute[] | null;
}

export interface MemberListInput {
  status?: MemberStatus;
}

/** A listed member; with --all-tenants, marked with its tenant's name. */
export type MemberListRow = MemberView & { tenant?: string };

export interface SetMemberResult {
  member: MemberView;
  /** What followed: a dues suspension lifted, CoA/Disconnect sent to which NAS for which session. */
  follow: MemberChangeReport;
}

/** Refuses a plan the tenant does not have, before a foreign key says less. */
async function assertPlanExists(q: Queryable, tenantId: number, plan: string | null | undefined): Promise<void> {
  if (plan === null || plan === undefined) return;
  if (!(await getPlan(q, tenantId, plan))) throw fail('UNKNOWN_PLAN', { plan });
}

/**
 * One change to an existing member in a transaction, recorded in the audit
 * log with the member as it was and as it is (never its credential).
 */
async function changeMember(
  deps: DbDeps,
  scope: Scope,
  username: string,
  action: string,
  change: (tx: Queryable, before: Member) => Promise<Member>,
  note?: Record<string, string>,
): Promise<{ before: Member; after: Member }> {
  return deps.db.transaction(async (tx) => {
    const before = await getMember(tx, scope.tenant.id, username);
    if (!before) throw fail('UNKNOWN_MEMBER', { username });
    const after = await change(tx, before);
    await insertAudit(tx, {
      tenantId: scope.tenant.id,
      actor: scope.actor.name,
      action,
      target: `member:${username}`,
      before: auditView(before),
      after: { ...auditView(after), ...note },
    });
    return { before, after };
  });
}

/**
 * What `addMember` checks before it touches the database, for a front end
 * that wants the refusal before it connects: the same rules, the same words.
 */
export function checkAddMember(input: AddMemberInput): { username: string; methods: AuthMethod[]; fields: MemberFieldPatch; password: string } {
  const username = check.username(input.username);
  const methods = checkMethods(input.authMethods ?? ALL_AUTH_METHODS);
  const fields = checkFields(input);
  return { username, methods, fields, password: checkPassword(input.password) };
}

export async function addMember(deps: DbDeps, scope: Scope, input: AddMemberInput): Promise<MemberView> {
  const { username, methods, fields, password } = checkAddMember(input);
  const added = await deps.db
    .transaction(async (tx) => {
      const tenantId = scope.tenant.id;
      if (await getMember(tx, tenantId, username)) throw fail('DUPLICATE_MEMBER', { username });
      await assertPlanExists(tx, tenantId, fields.plan);
      const m = await insertMember(tx, tenantId, { username, credential: deriveCredential(password, methods), authMethods: methods, ...fields });
      await insertAudit(tx, { tenantId, actor: scope.actor.name, action: 'member.add', target: `member:${username}`, after: auditView(m) });
      return m;
    })
    .catch((e: unknown) => {
      // Added by someone else meanwhile: the table's key said so; answer as for any duplicate.
      throw isRadassocError(e) && e.code === 'DUPLICATE_MEMBER' ? fail('DUPLICATE_MEMBER', { username }) : e;
    });
  return memberView(added);
}

export async function showMember(deps: DbDeps, scope: Scope, username: string): Promise<MemberView> {
  const m = await getMember(deps.db, scope.tenant.id, username);
  if (!m) throw fail('UNKNOWN_MEMBER', { username });
  return memberView(m);
}

/** The scope's members; every tenant's with the deployment-wide scope, each row then marked with its tenant. */
export async function listMembers(deps: DbDeps, scope: ReadScope, input: MemberListInput = {}): Promise<MemberListRow[]> {
  const filter: MemberFilter = {};
  if (input.status !== undefined) {
    if (!MEMBER_STATUSES.includes(input.status)) throw fail('INVALID_ARGUMENT', { problem: 'member-status', status: input.status });
    filter.status = input.status;
  }
  if (scope.tenant !== 'all') return (await listMemberRows(deps.db, scope.tenant.id, filter)).map(memberView);
  const [rows, names] = await Promise.all([listMemberRows(deps.db, 'all', filter), tenantNames(deps.db)]);
  return rows.map((m) => ({ tenant: names.get(m.tenantId) ?? String(m.tenantId), ...memberView(m) }));
}

/** One page of the list: filters and searches as db/member-pages.ts reads them, in the scope's tenant. */
export type MemberPageInput = Omit<MemberPageQuery, 'tenantId'>;

/**
 * A page of the scope's members in username order, searched by the start of
 * a name (or a part of it), a framed address or an access line, each on an
 * index of its own; `last` is the cursor of the next page when more follow.
 */
export async function pageMembers(deps: DbDeps, scope: Scope, input: MemberPageInput): Promise<{ members: MemberView[]; last: string | null }> {
  const page = await memberPage(deps.db, { ...input, tenantId: scope.tenant.id });
  const last = page.members[page.members.length - 1];
  return { members: page.members.map(memberView), last: page.more && last ? last.username : null };
}

/** What `passwdMember` checks before it touches the database. */
export function checkPasswd(input: PasswdInput): { methods: AuthMethod[] | undefined; password: string } {
  const methods = input.authMethods === undefined ? undefined : checkMethods(input.authMethods);
  return { methods, password: checkPassword(input.password) };
}

export async function passwdMember(deps: DbDeps, scope: Scope, input: PasswdInput): Promise<MemberView> {
  const { methods, password } = checkPasswd(input);
  const { after } = await changeMember(
    deps,
    scope,
    input.username,
    'member.passwd',
    (tx, before) => {
      const authMethods = methods ?? before.authMethods;
      return updateMember(tx, scope.tenant.id, input.username, { credential: deriveCredential(password, authMethods), authMethods });
    },
    { password: 'changed' },
  );
  return memberView(after);
}

/**
 * Changes fields and/or methods. Once committed, a new paid-until may end a
 * dues suspension, and a plan or address change reaches live sessions as
 * CoA or Disconnect (lifecycle/member-change.ts).
 */
/** What `setMember` checks before it touches the database: the fields, the methods, and that something is to change. */
export function checkSetMember(input: SetMemberInput): { fields: MemberFieldPatch; methods: AuthMethod[] | undefined; reply: PlanAttribute[] | undefined } {
  const fields = checkFields(input);
  const methods = input.authMethods === undefined ? undefined : checkMethods(input.authMethods);
  const reply = input.replyAttributes === undefined ? undefined : checkPlanAttributes(input.replyAttributes ?? []);
  if (Object.keys(fields).length === 0 && methods === undefined && reply === undefined) throw fail('INVALID_ARGUMENT', { problem: 'nothing-to-change' });
  return { fields, methods, reply };
}

export async function setMember(deps: ServiceDeps, scope: Scope, input: SetMemberInput): Promise<SetMemberResult> {
  const { fields, methods, reply } = checkSetMember(input);
  const { before, after } = await changeMember(deps, scope, input.username, 'member.set', async (tx, current) => {
    await assertPlanExists(tx, scope.tenant.id, fields.plan);
    const patch: MemberPatch = { ...fields, ...(reply !== undefined ? { replyAttributes: reply } : {}) };
    if (methods !== undefined) {
      patch.credential = credentialForMethods(current, methods);
      patch.authMethods = methods;
    }
    return updateMember(tx, scope.tenant.id, input.username, patch);
  });
  const follow = await memberChanged(deps, scope, { before, after });
  return { member: memberView(after), follow };
}

/** What `member remove` deleted at once beside the member (docs/privacy.md "When a member leaves"). */
export interface MemberErasure {
  /** Authentication attempts under the username: support has nobody to help any more. */
  auth_log: number;
  /** Disconnect-Requests and CoA-Requests aimed at the member's sessions. */
  disconnect_log: number;
  /** Ended sessions whose Calling-Station-Id, NAS-Port-Id and Class were cleared (their usage stays for billing). */
  identifiers: number;
}

/**
 * Deletes a member, and with it what nothing needs once the membership has
 * ended: its authentication and disconnect logs, the NAS's identifiers on its
 * ended sessions; its member-space logins go with the row. Kept: its usage
 * (billing, until usage retention folds and expires it; an open session's
 * rows are never touched) and the audit log (who did what, until the audit
 * retention).
 */
export async function removeMember(deps: DbDeps, scope: Scope, username: string): Promise<{ removed: string; erased: MemberErasure }> {
  const erased = await deps.db.transaction(async (tx) => {
    const before = await getMember(tx, scope.tenant.id, username);
    if (!before) throw fail('UNKNOWN_MEMBER', { username });
    await deleteMember(tx, scope.tenant.id, username);
    const gone: MemberErasure = {
      auth_log: await deleteMemberLogRows(tx, 'auth_log', scope.tenant.id, username),
      disconnect_log: await deleteMemberLogRows(tx, 'disconnect_log', scope.tenant.id, username),
      identifiers: await clearMemberIdentifiers(tx, scope.tenant.id, username),
    };
    await insertAudit(tx, {
      tenantId: scope.tenant.id,
      actor: scope.actor.name,
      action: 'member.remove',
      target: `member:${username}`,
      before: auditView(before),
    });
    return gone;
  });
  return { removed: username, erased };
}

export type { MemberChangeReport };
