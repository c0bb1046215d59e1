/** The clock and UTC calendar days, as the lifecycle rules and the cron jobs count them. */

/** The injected clock where there is one (tests), else the wall clock; epoch ms. */
export const nowOf = (deps: { now?: () => number }): number => (deps.now ? deps.now() : Date.now());

/** The UTC calendar date of an instant, YYYY-MM-DD (the dues job runs on UTC, like every cron job here). */
export const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** YYYY-MM-DD plus (or minus) whole days. */
export function addDays(day: string, days: number): string {
  return utcDate(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000);
}

/** Whole days from `a` to `b` (both YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
