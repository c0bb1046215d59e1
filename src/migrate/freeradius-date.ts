/**
 * Dates as FreeRADIUS reads a "date" attribute such as Expiration: seconds
 * since 1970, or words in any order (a month name, a day, a four-digit year
 * and an optional HH:MM[:SS]), as in "Jan 01 2027 12:00:00" or
 * "1 January 2027", or an ISO date "2027-01-01[THH:MM[:SS]]".
 *
 * FreeRADIUS turned the written forms into an instant in its server's time
 * zone; that zone is not in the data, so they come back as wall-clock text
 * for the caller to place, and only epoch seconds as an instant.
 */

export type FreeRadiusDate =
  /** A written date: "YYYY-MM-DDTHH:MM:SS" on the FreeRADIUS server's clock. */
  | { readonly local: string; readonly utc: null }
  /** Epoch seconds: an instant. */
  | { readonly local: null; readonly utc: Date };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number): FreeRadiusDate | null {
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return null;
  if (h > 23 || mi > 59 || s > 59) return null;
  return { local: `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`, utc: null };
}

/** The date, or null when FreeRADIUS would not have read it as one. */
export function parseFreeRadiusDate(text: string): FreeRadiusDate | null {
  const t = text.trim();
  if (/^[0-9]{1,12}$/.test(t)) return { local: null, utc: new Date(Number(t) * 1000) };
  const iso = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?$/.exec(t);
  if (iso !== null) {
    const [, y, mo, d, h, mi, s] = iso;
    return wallClock(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  }
  let month: number | null = null;
  let day: number | null = null;
  let year: number | null = null;
  let time: [number, number, number] | null = null;
  for (const word of t.split(/[\s,]+/).filter((w) => w !== '')) {
    const clock = /^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$/.exec(word);
    if (clock !== null) {
      if (time !== null) return null;
      time = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    } else if (/^[0-9]{4}$/.test(word)) {
      if (year !== null) return null;
      year = Number(word);
    } else if (/^[0-9]{1,2}$/.test(word)) {
      if (day !== null) return null;
      day = Number(word);
    } else if (/^[A-Za-z]{3,9}$/.test(word)) {
      const m = MONTHS.indexOf(word.slice(0, 3).toLowerCase());
      if (m < 0 || month !== null) return null;
      month = m + 1;
    } else {
      return null;
    }
  }
  if (month === null || day === null || year === null) return null;
  const [h, mi, s] = time ?? [0, 0, 0];
  return wallClock(year, month, day, h, mi, s);
}
