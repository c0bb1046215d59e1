/**
 * "My line doesn't work": the diagnosis of one member (lifecycle/diagnose.ts
 * gathers it and words its summary; admin/diagnose-format.ts prints it for
 * people). A name that is no member is refused, saying whether a NAS tried
 * it (a typo in the member's router): details.sentences.
 */
import { fail, RadassocError } from '../errors.js';
import { tenantSettings } from '../db/tenants.js';
import { diagnose, type Diagnosis } from '../lifecycle/diagnose.js';
import type { Scope, ServiceDeps } from './deps.js';
import { effectiveSettings } from './tenant-settings.js';

export interface DiagnoseInput {
  username: string;
  /** How many recent login attempts to include; default 10, at least 1. */
  logins?: number;
}

/** The diagnosis of the scope's member `username`, worded with the tenant's own settings. */
export async function diagnoseMember(deps: Pick<ServiceDeps, 'db' | 'sessions' | 'config' | 'now'>, scope: Scope, input: DiagnoseInput): Promise<Diagnosis> {
  const settings = effectiveSettings(await tenantSettings(deps.db, scope.tenant.id), {
    graceDays: deps.config.dues.graceDays,
    restrictedPlan: deps.config.restrictedPlan,
    replyMessages: deps.config.replyMessages,
    authLogRetentionDays: deps.config.authLog.retentionDays,
  });
  const d = await diagnose(
    {
      db: deps.db,
      tenantId: scope.tenant.id,
      store: deps.sessions,
      replyMessages: settings.replyMessages,
      restrictedPlan: settings.restrictedPlan,
      graceDays: settings.graceDays,
      now: deps.now,
    },
    input.username,
    { logins: Math.max(1, Math.floor(input.logins ?? 10)) },
  );
  if (d.found) return d;
  // The sentences after "No member is named …": whether, when and where a NAS tried the name.
  const unknown = fail('UNKNOWN_MEMBER', { username: input.username });
  const sentences = d.logins.length > 0 ? d.summary.slice(1) : [];
  throw new RadassocError(unknown.code, { text: unknown.text, hint: unknown.hint }, { ...unknown.details, sentences });
}
