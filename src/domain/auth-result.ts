/** Why an Access-Request was answered the way it was: data that `diagnose` shows. */
export type RejectReason =
  | 'unknown-user'
  | 'bad-password'
  | 'suspended'
  | 'method-not-possible'
  | 'too-many-sessions'
  | 'locked-out'
  | 'malformed-credentials'
  // Tenancy: the request could not be routed to one association (auth/tenant-routing.ts, auth/line-routing.ts).
  | 'realm-not-served'
  | 'realm-missing'
  | 'line-ambiguous';

export const REJECT_REASONS: readonly RejectReason[] = [
  'unknown-user',
  'bad-password',
  'suspended',
  'method-not-possible',
  'too-many-sessions',
  'locked-out',
  'malformed-credentials',
  'realm-not-served',
  'realm-missing',
  'line-ambiguous',
];

/** PAP, CHAP, MS-CHAP as seen in the request; 'none' when no credential attribute was present. */
export type RequestMethod = 'pap' | 'chap' | 'mschapv1' | 'mschapv2' | 'none';

export type AuthOutcome = 'accept' | 'reject';

/** One line of the authentication log. */
export interface AuthLogEntry {
  time: Date;
  username: string;
  nas: string;
  method: RequestMethod;
  result: AuthOutcome;
  /** null for an accept (or the restricted plan name when accepted while suspended). */
  reason: RejectReason | null;
  /** Calling-Station-Id if present: helps support tell which line is calling. */
  callingStationId: string | null;
  /** The Class id of an accept, which the session's accounting records carry back. */
  classId: string | null;
  /** The tenant the request was routed to; absent or null when none could be determined. */
  tenantId?: number | null;
}
