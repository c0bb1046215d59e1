/**
 * NOTIFY channels fed by triggers (sql/006_notify.sql): whoever changes a row
 * (this daemon, another copy, the CLI, psql), every daemon hears about it.
 * The payload is the key of the changed row: `<tenant id>:<username>`,
 * `<tenant id>:<plan name>` (sql/040_tenants.sql), the NAS name, the tenant id.
 */
export const CHANNELS = {
  members: 'radassoc_members',
  nas: 'radassoc_nas',
  plans: 'radassoc_plans',
  tenants: 'radassoc_tenants',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/**
 * Payload meaning "many rows changed, reload everything": sent instead of one
 * notification per row when a statement touches more than
 * NOTIFY_ROW_LIMIT rows (an import of 10,000 members sends one, not 10,000).
 * Never a valid key: usernames, NAS and plan names cannot be empty.
 */
export const RELOAD_ALL = '';
export const NOTIFY_ROW_LIMIT = 100;

/** `<tenant id>:<key>` as the member and plan triggers send it; null for RELOAD_ALL or a payload of another shape. */
export function tenantKey(payload: string): { tenantId: number; key: string } | null {
  const colon = payload.indexOf(':');
  if (colon <= 0) return null;
  const tenantId = Number(payload.slice(0, colon));
  return Number.isInteger(tenantId) && tenantId > 0 ? { tenantId, key: payload.slice(colon + 1) } : null;
}
