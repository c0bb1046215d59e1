/**
 * Tenants: the associations one deployment serves. Adding, changing and
 * removing them is the operator's business, deployment-wide, so these calls
 * take an Actor, not a tenant's Scope; each change is one transaction with
 * its audit row, which names the tenant concerned. Realms route traffic:
 * one realm names one tenant in the whole deployment, and a clash says which
 * (an operator sees every tenant anyway).
 */
import { insertAudit } from '../db/audit.js';
import { getPlan } from '../db/plans.js';
import {
  addRealms,
  deleteTenant,
  getTenant,
  insertTenant,
  listTenants as listTenantRows,
  realmHolders,
  removeRealms,
  tenantHoldings,
  updateTenant,
  type TenantHoldings,
} from '../db/tenants.js';
import type { Queryable } from '../db/db.js';
import { REJECT_REASONS, type RejectReason } from '../domain/auth-result.js';
import type { PlanAttribute } from '../domain/plan.js';
import type { Tenant, TenantSettings } from '../domain/tenant.js';
import { fail } from '../errors.js';
import type { Actor, ServiceDeps } from './deps.js';
import { checkPlanAttributes, shownAttributes } from './plan-attributes.js';
import { registerRetentionDaysOf } from './tenant-settings.js';

type DbDeps = Pick<ServiceDeps, 'db'>;

/** A tenant as people, scripts and the audit log see it. */
export interface TenantView {
  name: string;
  display_name: string;
  realms: string[];
  strip_realm: boolean;
  settings: {
    reply_messages?: Partial<Record<RejectReason, string>>;
    restricted_plan?: string | null;
    dues_grace_days?: number;
    lockout_threshold?: number;
    auth_log_retention_days?: number;
    usage_detail_retention_months?: number;
    usage_totals_retention_months?: number;
    identifier_retention_days?: number;
    audit_retention_days?: number;
    disconnect_log_retention_days?: number;
    register_retention_days?: number;
    member_space_link?: string;
    password_min_length?: number;
  };
  attributes: PlanAttribute[];
  created_at: string;
  updated_at: string;
}

export function tenantView(t: Tenant): TenantView {
  const s = t.settings;
  const settings: TenantView['settings'] = {};
  if (s.replyMessages !== undefined) settings.reply_messages = s.replyMessages;
  if (s.restrictedPlan !== undefined) settings.restricted_plan = s.restrictedPlan;
  if (s.duesGraceDays !== undefined) settings.dues_grace_days = s.duesGraceDays;
  if (s.lockoutThreshold !== undefined) settings.lockout_threshold = s.lockoutThreshold;
  if (s.authLogRetentionDays !== undefined) settings.auth_log_retention_days = s.authLogRetentionDays;
  if (s.usageDetailRetentionMonths !== undefined) settings.usage_detail_retention_months = s.usageDetailRetentionMonths;
  if (s.usageTotalsRetentionMonths !== undefined) settings.usage_totals_retention_months = s.usageTotalsRetentionMonths;
  if (s.identifierRetentionDays !== undefined) settings.identifier_retention_days = s.identifierRetentionDays;
  if (s.auditRetentionDays !== undefined) settings.audit_retention_days = s.auditRetentionDays;
  if (s.disconnectLogRetentionDays !== undefined) settings.disconnect_log_retention_days = s.disconnectLogRetentionDays;
  if (s.registerRetentionDays !== undefined) settings.register_retention_days = s.registerRetentionDays;
  if (s.memberSpaceLink !== undefined) settings.member_space_link = s.memberSpaceLink;
  if (s.passwordMinLength !== undefined) settings.password_min_length = s.passwordMinLength;
  return {
    name: t.name,
    display_name: t.displayName,
    realms: t.realms,
    strip_realm: t.stripRealm,
    settings,
    attributes: shownAttributes(t.attributes),
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

/** `tenant show`: the tenant and what it holds. */
export interface TenantDetail extends TenantView {
  members: number;
  plans: number;
  /** NAS the tenant owns. */
  nas: string[];
  /** Shared NAS that carry the tenant. */
  shared_nas: string[];
  usage_sessions: number;
  /** Days the connection register is kept after each connection ended: the tenant's own, else the default. */
  register_retention_days: number;
}

/** The settings a tenant may have of its own; a key absent leaves the current value. */
export type TenantSettingsInput = TenantSettings;
export type TenantSettingKey = keyof TenantSettings;
export const TENANT_SETTING_KEYS: readonly TenantSettingKey[] = [
  'replyMessages',
  'restrictedPlan',
  'duesGraceDays',
  'lockoutThreshold',
  'authLogRetentionDays',
  'usageDetailRetentionMonths',
  'usageTotalsRetentionMonths',
  'identifierRetentionDays',
  'auditRetentionDays',
  'disconnectLogRetentionDays',
  'registerRetentionDays',
  'memberSpaceLink',
  'passwordMinLength',
];

export interface AddTenantInput {
  name: string;
  /** Default: the name. */
  displayName?: string;
  realms?: readonly string[];
  /** Default true: alice@asso-a is looked up as alice. */
  stripRealm?: boolean;
  settings?: TenantSettingsInput;
  /** Reply attributes in every Access-Accept of the tenant, checked like a plan's. */
  attributes?: readonly PlanAttribute[];
}

export interface SetTenantInput {
  name: string;
  displayName?: string;
  /** Replaces every realm of the tenant. */
  realms?: readonly string[];
  addRealms?: readonly string[];
  removeRealms?: readonly string[];
  stripRealm?: boolean;
  /** Settings to set (reply messages merge by reason; an empty text drops that reason's own message). */
  settings?: TenantSettingsInput;
  /** Settings to drop: the deployment's value applies again. */
  unset?: readonly TenantSettingKey[];
  /** Replaces the reply attributes; [] clears them. */
  attributes?: readonly PlanAttribute[];
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** A DNS-like name (RFC 1035 §2.3.1 labels, digits allowed first as RFC 1123 §2.1 lets them). */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const REALM = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
/** Reply-Message is one attribute: at most 253 octets (RFC 2865 §5.18). */
const MAX_REPLY_MESSAGE = 253;
/** The member-space password rule: never below the member space's own least length, at most what a router takes. */
const PASSWORD_MIN_LENGTH = { min: 8, max: 128 };
const MAX_LINK = 2000;

/**
 * The member-space link: an absolute http or https URL (never javascript:,
 * data: or a relative path, since it becomes a link on the member's page),
 * kept as the URL parser writes it back (percent-encoded).
 */
function checkMemberSpaceLink(text: unknown): string {
  const refuse = (): never => {
    // A user:password in the address is a secret: the refusal does not repeat it.
    const value = String(text).replace(/\/\/[^/@]*@/, '//…@');
    throw fail('INVALID_ARGUMENT', { problem: 'tenant-setting', flag: 'member-space-link', value, expected: 'an http:// or https:// address without spaces, e.g. https://asso.example/dues' });
  };
  if (typeof text !== 'string' || text.length > MAX_LINK || /[\u0000-\u0020\u007f]/.test(text.trim())) return refuse();
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return refuse();
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.username !== '' || url.password !== '') return refuse();
  return url.href;
}

export function checkTenantName(name: string): string {
  if (!NAME.test(name)) throw fail('INVALID_ARGUMENT', { problem: 'tenant-name', name });
  return name;
}

/** Realms lower-cased (they match in any case), checked, each once. */
export function checkRealms(realms: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of realms) {
    const realm = r.trim().toLowerCase();
    if (realm.length > 253 || !REALM.test(realm)) throw fail('INVALID_ARGUMENT', { problem: 'realm', realm: r });
    if (!out.includes(realm)) out.push(realm);
  }
  return out;
}

const wholeNumber = (flag: string, v: unknown, min: number, max: number): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw fail('INVALID_ARGUMENT', { problem: 'tenant-setting', flag, value: String(v), expected: `a whole number from ${min} to ${max}` });
  }
  return v;
};

/** The settings given, checked; unknown reasons and out-of-range numbers are refused with what would do. */
export function checkTenantSettings(s: TenantSettingsInput): TenantSettings {
  const out: TenantSettings = {};
  if (s.duesGraceDays !== undefined) out.duesGraceDays = wholeNumber('grace-days', s.duesGraceDays, 0, 3650);
  if (s.lockoutThreshold !== undefined) out.lockoutThreshold = wholeNumber('lockout', s.lockoutThreshold, 1, 1_000_000);
  if (s.authLogRetentionDays !== undefined) out.authLogRetentionDays = wholeNumber('auth-log-days', s.authLogRetentionDays, 0, 36_500);
  // At least 1: the previous month's export is unfinished until the current month ends (docs/privacy.md).
  if (s.usageDetailRetentionMonths !== undefined) out.usageDetailRetentionMonths = wholeNumber('usage-detail-retention-months', s.usageDetailRetentionMonths, 1, 1200);
  if (s.usageTotalsRetentionMonths !== undefined) out.usageTotalsRetentionMonths = wholeNumber('usage-totals-retention-months', s.usageTotalsRetentionMonths, 0, 1200);
  if (s.identifierRetentionDays !== undefined) out.identifierRetentionDays = wholeNumber('identifier-retention-days', s.identifierRetentionDays, 0, 36_500);
  if (s.auditRetentionDays !== undefined) out.auditRetentionDays = wholeNumber('audit-retention-days', s.auditRetentionDays, 0, 36_500);
  if (s.disconnectLogRetentionDays !== undefined) out.disconnectLogRetentionDays = wholeNumber('disconnect-log-retention-days', s.disconnectLogRetentionDays, 0, 36_500);
  if (s.registerRetentionDays !== undefined) out.registerRetentionDays = wholeNumber('register-retention-days', s.registerRetentionDays, 1, 3650);
  if (s.restrictedPlan !== undefined) out.restrictedPlan = s.restrictedPlan;
  if (s.memberSpaceLink !== undefined) out.memberSpaceLink = checkMemberSpaceLink(s.memberSpaceLink);
  if (s.passwordMinLength !== undefined) out.passwordMinLength = wholeNumber('password-min-length', s.passwordMinLength, PASSWORD_MIN_LENGTH.min, PASSWORD_MIN_LENGTH.max);
  if (s.replyMessages !== undefined) {
    const messages: Partial<Record<RejectReason, string>> = {};
    for (const [reason, text] of Object.entries(s.replyMessages)) {
      if (!REJECT_REASONS.includes(reason as RejectReason)) {
        throw fail('INVALID_ARGUMENT', { problem: 'reply-reason', text: `${reason}=${text ?? ''}`, reasons: [...REJECT_REASONS] });
      }
      if (typeof text !== 'string' || Buffer.byteLength(text) > MAX_REPLY_MESSAGE || /[\u0000-\u001f\u007f]/.test(text)) {
        throw fail('INVALID_ARGUMENT', { problem: 'tenant-setting', flag: 'reply-message', value: `${reason}=${String(text)}`, expected: 'printable text of at most 253 octets' });
      }
      messages[reason as RejectReason] = text;
    }
    out.replyMessages = messages;
  }
  return out;
}

function checkDisplayName(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '') throw fail('INVALID_ARGUMENT', { problem: 'display-name' });
  return t;
}

/** Refuses realms another tenant holds, naming it. */
async function assertRealmsFree(q: Queryable, tenantId: number | null, realms: readonly string[]): Promise<void> {
  for (const [realm, holder] of await realmHolders(q, realms)) {
    if (holder.id !== tenantId) throw fail('REALM_TAKEN', { realm, tenant: holder.name });
  }
}

async function mustGet(q: Queryable, name: string): Promise<Tenant> {
  const t = await getTenant(q, name);
  if (!t) throw fail('UNKNOWN_TENANT', { tenant: name });
  return t;
}

export async function addTenant(deps: DbDeps, actor: Actor, input: AddTenantInput): Promise<TenantView> {
  const name = checkTenantName(input.name);
  const displayName = checkDisplayName(input.displayName) ?? name;
  const realms = checkRealms(input.realms ?? []);
  const settings = checkTenantSettings(input.settings ?? {});
  if (typeof settings.restrictedPlan === 'string') {
    throw fail('INVALID_ARGUMENT', { problem: 'restricted-plan-on-add', tenant: name, plan: settings.restrictedPlan });
  }
  const attributes = checkPlanAttributes(input.attributes ?? []);
  const added = await deps.db.transaction(async (tx) => {
    if (await getTenant(tx, name)) throw fail('DUPLICATE_TENANT', { tenant: name });
    await assertRealmsFree(tx, null, realms);
    const id = await insertTenant(tx, { name, displayName, stripRealm: input.stripRealm ?? true, settings, attributes });
    await addRealms(tx, id, realms);
    const t = await mustGet(tx, name);
    await insertAudit(tx, { tenantId: id, actor: actor.name, action: 'tenant.add', target: `tenant:${name}`, after: tenantView(t) });
    return t;
  });
  return tenantView(added);
}

export async function listTenants(deps: DbDeps): Promise<Array<TenantView & { members: number }>> {
  return (await listTenantRows(deps.db)).map((t) => ({ ...tenantView(t), members: t.members }));
}

const detailOf = (t: Tenant, h: TenantHoldings): TenantDetail => ({
  ...tenantView(t),
  members: h.members,
  plans: h.plans,
  nas: h.ownedNas,
  shared_nas: h.carriedBy,
  usage_sessions: h.usageSessions,
  register_retention_days: registerRetentionDaysOf(t.settings),
});

export async function showTenant(deps: DbDeps, name: string): Promise<TenantDetail> {
  const t = await mustGet(deps.db, name);
  return detailOf(t, await tenantHoldings(deps.db, t.id));
}

/** The settings after the change: given keys set (reply messages merged, '' dropping one), `unset` keys dropped. */
function mergedSettings(current: TenantSettings, given: TenantSettings, unset: readonly TenantSettingKey[]): TenantSettings {
  const out: TenantSettings = { ...current, ...given };
  if (given.replyMessages !== undefined) {
    const merged = { ...current.replyMessages, ...given.replyMessages };
    for (const [reason, text] of Object.entries(merged)) if (text === '') delete merged[reason as RejectReason];
    if (Object.keys(merged).length > 0) out.replyMessages = merged;
    else delete out.replyMessages;
  }
  for (const k of unset) delete out[k];
  return out;
}

function nothingToChange(input: SetTenantInput): boolean {
  return [input.displayName, input.realms, input.addRealms, input.removeRealms, input.stripRealm, input.settings, input.attributes].every((v) => v === undefined) && (input.unset ?? []).length === 0;
}

export async function setTenant(deps: DbDeps, actor: Actor, input: SetTenantInput): Promise<TenantView> {
  const displayName = checkDisplayName(input.displayName);
  const replace = input.realms === undefined ? undefined : checkRealms(input.realms);
  const add = checkRealms(input.addRealms ?? []);
  const remove = checkRealms(input.removeRealms ?? []);
  const given = checkTenantSettings(input.settings ?? {});
  const unset = (input.unset ?? []).filter((k) => TENANT_SETTING_KEYS.includes(k));
  const attributes = input.attributes === undefined ? undefined : checkPlanAttributes(input.attributes);
  if (nothingToChange(input)) throw fail('INVALID_ARGUMENT', { problem: 'tenant-nothing-to-change' });
  const updated = await deps.db.transaction(async (tx) => {
    const before = await mustGet(tx, input.name);
    if (typeof given.restrictedPlan === 'string' && !(await getPlan(tx, before.id, given.restrictedPlan))) {
      throw fail('UNKNOWN_PLAN', { plan: given.restrictedPlan });
    }
    const wanted = replace ?? before.realms;
    const realms = [...wanted.filter((r) => !remove.includes(r)), ...add.filter((r) => !wanted.includes(r) && !remove.includes(r))];
    await assertRealmsFree(tx, before.id, realms);
    await removeRealms(tx, before.id, before.realms.filter((r) => !realms.includes(r)));
    await addRealms(tx, before.id, realms.filter((r) => !before.realms.includes(r)));
    await updateTenant(tx, before.id, {
      ...(displayName !== undefined ? { displayName } : {}),
      ...(input.stripRealm !== undefined ? { stripRealm: input.stripRealm } : {}),
      ...(input.settings !== undefined || unset.length > 0 ? { settings: mergedSettings(before.settings, given, unset) } : {}),
      ...(attributes !== undefined ? { attributes } : {}),
    });
    const after = await mustGet(tx, input.name);
    await insertAudit(tx, { tenantId: before.id, actor: actor.name, action: 'tenant.set', target: `tenant:${before.name}`, before: tenantView(before), after: tenantView(after) });
    return after;
  });
  return tenantView(updated);
}

/**
 * Removes a tenant that holds nothing: no member, plan, NAS (owned, or a
 * place on a shared one) and no usage record (billing history is exported
 * and kept, not deleted with the tenant). Otherwise refuses, saying what it
 * still holds and how to remove it. Its audit rows stay as the deployment's.
 */
export async function removeTenant(deps: DbDeps, actor: Actor, name: string): Promise<{ removed: string }> {
  await deps.db.transaction(async (tx) => {
    const before = await mustGet(tx, name);
    // Serialises against a member or plan being added to it meanwhile: they reference the row.
    await tx.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [before.id]);
    const others = await tx.query<{ n: unknown }>('SELECT count(*) AS n FROM tenants WHERE id <> $1', [before.id]);
    if (Number(others.rows[0]?.n ?? 0) === 0) throw fail('INVALID_ARGUMENT', { problem: 'last-tenant', tenant: name });
    const h = await tenantHoldings(tx, before.id);
    if (h.members > 0 || h.plans > 0 || h.ownedNas.length > 0 || h.carriedBy.length > 0 || h.usageSessions > 0 || h.usageTotals > 0 || h.registerRows > 0) {
      const { members, plans, ownedNas, carriedBy, usageSessions, usageTotals, registerRows } = h;
      throw fail('TENANT_IN_USE', { tenant: name, members, plans, ownedNas, carriedBy, usageSessions, usageTotals, registerRows });
    }
    await deleteTenant(tx, before.id);
    await insertAudit(tx, { tenantId: null, actor: actor.name, action: 'tenant.remove', target: `tenant:${name}`, before: tenantView(before) });
  });
  return { removed: name };
}
