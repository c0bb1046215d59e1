/**
 * Read-only look-ups in usage_sessions for `diagnose`: a member's last
 * finished sessions with their terminate cause. usage.ts owns the table and
 * all its writes; this is a read next to it, kept apart only because
 * usage.ts belonged to another change. Sessions finished since the last flush
 * (every minute by default) are not here yet.
 */
import { DEFAULT_TENANT_ID } from '../domain/tenant.js';
import type { Queryable } from './db.js';
import { date, num, str, strOrNull } from './rows.js';

export interface FinishedSession {
  uniqueId: string;
  nas: string;
  acctSessionId: string;
  startTime: Date;
  stopTime: Date;
  seconds: number;
  inputOctets: number;
  outputOctets: number;
  /** RFC 2866 §5.10 name, or 'Stale-Session' / 'NAS-Reboot' for sessions we closed. */
  terminateCause: string | null;
  framedIp: string | null;
}

/** A member's (of `tenantId`, the default tenant unless told), newest first (index usage_sessions_username_start_idx). */
export async function recentFinishedSessions(q: Queryable, username: string, limit = 10, tenantId = DEFAULT_TENANT_ID): Promise<FinishedSession[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT unique_id, nas, acct_session_id, start_time, stop_time, seconds, input_octets, output_octets,
            terminate_cause, host(framed_ip) AS framed_ip
       FROM usage_sessions
      WHERE username = $1 AND tenant_id = $3 AND stop_time IS NOT NULL
      ORDER BY start_time DESC, unique_id LIMIT $2`,
    [username, limit, tenantId],
  );
  return r.rows.map((row) => ({
    uniqueId: str(row.unique_id),
    nas: str(row.nas),
    acctSessionId: str(row.acct_session_id),
    startTime: date(row.start_time),
    stopTime: date(row.stop_time),
    seconds: num(row.seconds),
    inputOctets: num(row.input_octets),
    outputOctets: num(row.output_octets),
    terminateCause: strOrNull(row.terminate_cause),
    framedIp: strOrNull(row.framed_ip),
  }));
}

/** Every session of a member held in detail, oldest first, with what the NAS said of it: `member data`. */
export interface MemberSessionRow extends Omit<FinishedSession, 'stopTime'> {
  stopTime: Date | null;
  lastUpdate: Date;
  inputPackets: number;
  outputPackets: number;
  callingStationId: string | null;
  nasPortId: string | null;
  classHex: string | null;
}

export async function memberSessions(q: Queryable, tenantId: number, username: string): Promise<MemberSessionRow[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT unique_id, nas, acct_session_id, start_time, stop_time, last_update, seconds, input_octets, output_octets,
            input_packets, output_packets, terminate_cause, host(framed_ip) AS framed_ip, calling_station_id, nas_port_id, class_hex
       FROM usage_sessions WHERE tenant_id = $1 AND username = $2 ORDER BY start_time, unique_id`,
    [tenantId, username],
  );
  return r.rows.map((row) => ({
    uniqueId: str(row.unique_id),
    nas: str(row.nas),
    acctSessionId: str(row.acct_session_id),
    startTime: date(row.start_time),
    stopTime: row.stop_time === null || row.stop_time === undefined ? null : date(row.stop_time),
    lastUpdate: date(row.last_update),
    seconds: num(row.seconds),
    inputOctets: num(row.input_octets),
    outputOctets: num(row.output_octets),
    inputPackets: num(row.input_packets),
    outputPackets: num(row.output_packets),
    terminateCause: strOrNull(row.terminate_cause),
    framedIp: strOrNull(row.framed_ip),
    callingStationId: strOrNull(row.calling_station_id),
    nasPortId: strOrNull(row.nas_port_id),
    classHex: strOrNull(row.class_hex),
  }));
}
