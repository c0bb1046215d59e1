/**
 * Text from the wire made storable. A NAS may put any octet in a string
 * attribute (RFC 2865 §5: "text" is not checked by receivers), NUL included,
 * but PostgreSQL text cannot hold NUL: one such User-Name or Acct-Session-Id
 * refused by the database would take its whole batch with it (authentication
 * log entries dropped, the usage flush failing on every run). NUL is shown
 * as U+FFFD, as invalid UTF-8 already is when the string is decoded.
 */
import type { AccountingRecord } from '../accounting/record.js';

const NUL = /\u0000/g;
const hasNul = (s: string | null): boolean => s !== null && s.includes('\u0000');

export function storableText<T extends string | null>(s: T): T {
  return (hasNul(s) ? s!.replace(NUL, '\ufffd') : s) as T;
}

/** The record itself when nothing needs replacing (the usual case: no copy). */
export function storableRecord(rec: AccountingRecord): AccountingRecord {
  const { acctSessionId, username, nasPortId, callingStationId } = rec;
  if (!hasNul(acctSessionId) && !hasNul(username) && !hasNul(nasPortId) && !hasNul(callingStationId)) return rec;
  return {
    ...rec,
    acctSessionId: storableText(acctSessionId),
    username: storableText(username),
    nasPortId: storableText(nasPortId),
    callingStationId: storableText(callingStationId),
  };
}
