/** Why an Access-Request was answered the way it was: data that `diagnose` shows. */
export type RejectReason =
  | 'unknown-user'
  | 'bad-password'
  | 'suspended'
  | 'method-not-possible'
  | 'too-many-sessions'
  | 'locked-out'
  | 'malformed-credentials';

export const REJECT_REASONS: readonly RejectReason[] = [
  'unknown-user',
  'bad-password',
  'suspended',
  'method-not-possible',
  'too-many-sessions',
  'locked-out',
  'malformed-credentials',
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
}
