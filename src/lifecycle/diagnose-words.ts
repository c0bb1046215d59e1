/**
 * Plain words for `diagnose`: what each reject reason means to a volunteer,
 * times and durations as people read them. Kept apart from the gathering so
 * the wording can be changed (or translated) in one place.
 */
import type { RejectReason, RequestMethod } from '../domain/auth-result.js';

const METHOD_NAMES: Record<RequestMethod, string> = {
  pap: 'PAP',
  chap: 'CHAP',
  mschapv1: 'MS-CHAPv1',
  mschapv2: 'MS-CHAPv2',
  none: 'no password at all',
};

export const methodName = (m: string): string => METHOD_NAMES[m as RequestMethod] ?? m;

/** Why one attempt was refused, as a short clause. */
export function rejectExplanation(reason: RejectReason | string | null, method: string): string {
  switch (reason) {
    case 'unknown-user':
      return 'no member has this user name (it is case-sensitive)';
    case 'bad-password':
      return 'wrong password';
    case 'suspended':
      return 'the account is suspended';
    case 'method-not-possible':
      return `the router used ${methodName(method)}, which the password kept for this member cannot check`;
    case 'too-many-sessions':
      return 'already connected the maximum number of times';
    case 'locked-out':
      return 'locked out for a while after too many failed logins';
    case 'malformed-credentials':
      return 'the password sent could not be read (does the NAS use the right shared secret?)';
    case 'realm-not-served':
      return "the realm in the user name is not one this NAS serves (another association's, or not carried by this shared NAS)";
    case 'realm-missing':
      return 'the NAS is shared by several associations and the user name carried no realm (user@realm)';
    case 'line-ambiguous':
      return 'the access line is bound to members of two associations this NAS carries';
    case null:
      return 'refused';
    default:
      return `refused (${reason})`;
  }
}

/** One attempt: "accepted", "accepted into the restricted plan walled", "refused: wrong password". */
export function attemptWords(result: string, reason: string | null, method: string): string {
  if (result === 'accept') return reason ? `accepted into the restricted plan ${reason}` : 'accepted';
  return `refused: ${rejectExplanation(reason, method)}`;
}

/** "2026-11-02 14:05 UTC". */
export function when(d: Date | number): string {
  const iso = new Date(d).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "2026-11-02". */
export const day = (d: Date | number): string => new Date(d).toISOString().slice(0, 10);

/** "3 d 2 h", "2 h 5 min", "4 min", "12 s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/** "1.2 GB" in powers of 1000, as ISPs sell them. */
export function octets(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
