/**
 * A live accounting session, as kept in the session store (Redis or in-process)
 * and flushed to PostgreSQL. Octet counters are plain numbers: 2^53 octets
 * (9 PB) per session is beyond any real line.
 */
export type AcctStatusType = 'start' | 'interim' | 'stop' | 'accounting-on' | 'accounting-off';

export interface LiveSession {
  /** Acct-Unique-Session-Id: stable key from NAS, Acct-Session-Id and start. */
  uniqueId: string;
  nas: string;
  acctSessionId: string;
  username: string;
  nasPort: number | null;
  nasPortId: string | null;
  nasIpAddress: string | null;
  framedIp: string | null;
  callingStationId: string | null;
  /** Class attribute (hex) tying the session back to its authentication. */
  classHex: string | null;
  /** Epoch milliseconds. */
  startTime: number;
  lastUpdate: number;
  /** Acct-Interim-Interval in seconds, when known, for the stale deadline. */
  interimInterval: number | null;
  sessionTime: number;
  inputOctets: number;
  outputOctets: number;
  inputPackets: number;
  outputPackets: number;
  /** Set once Stop (or a forced close) was recorded; a stopped session never reopens. */
  stopTime: number | null;
  terminateCause: string | null;
}
