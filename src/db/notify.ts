/**
 * NOTIFY channels fed by triggers (sql/006_notify.sql): whoever changes a row
 * (this daemon, another copy, the CLI, psql), every daemon hears about it.
 * The payload is the key of the changed row (username, NAS name, plan name).
 */
export const CHANNELS = {
  members: 'radassoc_members',
  nas: 'radassoc_nas',
  plans: 'radassoc_plans',
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
