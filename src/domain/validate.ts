/**
 * Pure validators for the dates admins type. The CLI checks input with these
 * before touching the database; the repositories check again so a bad value
 * never reaches SQL. Addresses and CIDR blocks are net/ip.ts's.
 */

/** YYYY-MM-DD naming a real calendar date (2024-02-29 yes, 2023-02-29 no). */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  return d <= days;
}
