/**
 * The vocabulary of tenancy: one deployment serves several associations
 * (tenants), each fully its own. Members, plans, sessions, usage and the logs
 * belong to exactly one tenant; a NAS is owned by one, or shared by the
 * deployment and carrying several, routed by realm (sql/040_tenants.sql).
 */
import type { RejectReason } from './auth-result.js';
import type { PlanAttribute } from './plan.js';

/** The tenant every database from before tenancy moves into, and the one a single-association deployment uses. */
export const DEFAULT_TENANT_ID = 1;
export const DEFAULT_TENANT_NAME = 'default';

/** Which tenant a call acts in: its id for queries, its name for people. */
export interface TenantRef {
  readonly id: number;
  readonly name: string;
}

/**
 * A tenant's own settings over the deployment's (the config file): each key
 * absent means "as the deployment says". Stored as tenants.settings (jsonb).
 */
export interface TenantSettings {
  /** Reply-Message per reject reason (config replyMessages). */
  replyMessages?: Partial<Record<RejectReason, string>>;
  /** The walled-garden plan suspended members are accepted into (config restrictedPlan); null: reject them. */
  restrictedPlan?: string | null;
  /** Days after paid-until before the dues job suspends (config dues.graceDays). */
  duesGraceDays?: number;
  /** Failed attempts within the window that lock a username (config lockout.userThreshold). */
  lockoutThreshold?: number;
  /** Authentication log rows kept this many days (config authLog.retentionDays); 0 keeps them all. */
  authLogRetentionDays?: number;
  /** Whole months of usage detail kept after the current one before folding into monthly totals (config retention.usageDetailMonths). */
  usageDetailRetentionMonths?: number;
  /** Months a member's monthly usage totals are kept after the month (config retention.usageTotalsMonths); 0 keeps them all. */
  usageTotalsRetentionMonths?: number;
  /** Days the NAS's identifiers (Calling-Station-Id, NAS-Port-Id, Class) stay on an ended session (config retention.identifierDays); 0: none. */
  identifierRetentionDays?: number;
  /** Audit log rows kept this many days (config retention.auditDays); 0 keeps them all. */
  auditRetentionDays?: number;
  /** Disconnect log rows kept this many days (config retention.disconnectLogDays); 0 keeps them all. */
  disconnectLogRetentionDays?: number;
  /** Connection register rows kept this many days after the connection ended (default 365, décret 2021-1362 art. 5). */
  registerRetentionDays?: number;
  /** Where the member space sends a suspended member to settle things (an http or https URL). */
  memberSpaceLink?: string;
  /** The least length of a password a member chooses in the member space (8 to 128; 8 when unset). */
  passwordMinLength?: number;
}

export interface Tenant extends TenantRef {
  displayName: string;
  /** Lower-case realms; a User-Name `user@realm` (or `realm/user`) with one of them is this tenant's. */
  realms: string[];
  /** Strip the realm before looking the member up (alice@asso-a → alice), or keep the full User-Name. */
  stripRealm: boolean;
  settings: TenantSettings;
  /** Reply attributes in every Access-Accept of the tenant, before the plan's (e.g. RFC 2868 tunnel attributes). */
  attributes: PlanAttribute[];
  createdAt: Date;
  updatedAt: Date;
}
