/**
 * A tenant's own settings over the deployment's (domain/tenant.ts
 * TenantSettings): what the admin side reads of them. A key the tenant has
 * not set means "as the configuration says".
 */
import type { Queryable } from '../db/db.js';
import { tenantSettings } from '../db/tenants.js';
import type { RejectReason } from '../domain/auth-result.js';
import type { TenantSettings } from '../domain/tenant.js';

/** The settings the dues rules, resume, diagnose and log retention use, from the configuration's sections. */
export interface DeploymentSettings {
  graceDays: number;
  restrictedPlan: string | null;
  replyMessages: Record<RejectReason, string>;
  authLogRetentionDays: number;
}

export type EffectiveSettings = DeploymentSettings;

/** The tenant's value where it has one, the deployment's otherwise (restrictedPlan null is a value: "reject them"). */
export function effectiveSettings(own: TenantSettings, deployment: DeploymentSettings): EffectiveSettings {
  return {
    graceDays: own.duesGraceDays ?? deployment.graceDays,
    restrictedPlan: own.restrictedPlan === undefined ? deployment.restrictedPlan : own.restrictedPlan,
    replyMessages: { ...deployment.replyMessages, ...own.replyMessages },
    authLogRetentionDays: own.authLogRetentionDays ?? deployment.authLogRetentionDays,
  };
}

/** The connection register's legal period (décret 2021-1362 art. 5: one year), counted from the end of the connection. */
export const DEFAULT_REGISTER_RETENTION_DAYS = 365;

/** Days the tenant keeps its connection register after each connection ended. */
export function registerRetentionDaysOf(own: TenantSettings): number {
  return own.registerRetentionDays ?? DEFAULT_REGISTER_RETENTION_DAYS;
}

/** Days of dues grace in tenant `tenantId`. */
export async function graceDaysOf(q: Queryable, tenantId: number, deployment: number): Promise<number> {
  return (await tenantSettings(q, tenantId)).duesGraceDays ?? deployment;
}

/** The walled-garden plan of tenant `tenantId` (null: suspended members are rejected). */
export async function restrictedPlanOf(q: Queryable, tenantId: number, deployment: string | null): Promise<string | null> {
  const own = (await tenantSettings(q, tenantId)).restrictedPlan;
  return own === undefined ? deployment : own;
}

/**
 * How long each kind of data is kept in one tenant (docs/privacy.md): the
 * tenant's own period where it has one, the deployment's otherwise. Days
 * except usage detail, which is kept in whole months (billing is monthly).
 */
export interface RetentionPolicy {
  /** 0: kept forever. */
  authLogDays: number;
  /** At least 1: the previous month's export stays unfinished until the current month ends. */
  usageDetailMonths: number;
  /** 0: kept forever. */
  usageTotalsMonths: number;
  /** 0: cleared at the first run after the session ends. */
  identifierDays: number;
  /** 0: kept forever. */
  auditDays: number;
  /** 0: kept forever. */
  disconnectLogDays: number;
  /** The connection register, counted from the end of each connection: at least 1. */
  registerDays: number;
}

/** The deployment's periods, from the configuration (authLog.retentionDays and the retention section). */
export function deploymentRetention(config: { authLog: { retentionDays: number }; retention: Omit<RetentionPolicy, 'authLogDays' | 'registerDays'> }): RetentionPolicy {
  const r = config.retention;
  return {
    authLogDays: config.authLog.retentionDays,
    usageDetailMonths: Math.max(1, r.usageDetailMonths),
    usageTotalsMonths: r.usageTotalsMonths,
    identifierDays: r.identifierDays,
    auditDays: r.auditDays,
    disconnectLogDays: r.disconnectLogDays,
    registerDays: DEFAULT_REGISTER_RETENTION_DAYS,
  };
}

/** The tenant's periods: its own where set, the deployment's otherwise. */
export function retentionPolicy(own: TenantSettings, deployment: RetentionPolicy): RetentionPolicy {
  return {
    authLogDays: own.authLogRetentionDays ?? deployment.authLogDays,
    usageDetailMonths: Math.max(1, own.usageDetailRetentionMonths ?? deployment.usageDetailMonths),
    usageTotalsMonths: own.usageTotalsRetentionMonths ?? deployment.usageTotalsMonths,
    identifierDays: own.identifierRetentionDays ?? deployment.identifierDays,
    auditDays: own.auditRetentionDays ?? deployment.auditDays,
    disconnectLogDays: own.disconnectLogRetentionDays ?? deployment.disconnectLogDays,
    registerDays: own.registerRetentionDays ?? deployment.registerDays,
  };
}
