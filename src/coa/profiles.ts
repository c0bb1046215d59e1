/**
 * Per-NAS disconnect profiles: which attributes name a session in a
 * Disconnect-Request or CoA-Request (RFC 5176 §3, "session identification"),
 * and where to send it.
 *
 * RFC 5176 §3 lets a NAS pick the attributes it matches on, and NAS differ:
 * a NAS that finds no session answers NAK 503 (Session-Context-Not-Found),
 * and some ACK a request they could not map while the user stays online
 * (design.md). Sources, read 2026:
 *
 * - generic: RFC 5176 §3 lists User-Name, Acct-Session-Id and
 *   Framed-IP-Address among the session identification attributes and
 *   NAS-IP-Address among the NAS identification ones; we send those we know.
 * - mikrotik: RouterOS matches PPP/hotspot sessions on Framed-IP-Address; a
 *   request with User-Name alone is acknowledged or refused without the user
 *   going offline (daloRADIUS issue #31, PacketFence issue #7703:
 *   "A valid disconnect request must contain the Framed-IP-Address
 *   attribute"). We send User-Name, Acct-Session-Id and Framed-IP-Address.
 * - cisco: IOS locates the session by Acct-Session-Id (or Audit-Session-Id,
 *   Calling-Station-Id, IP address), and "if more than one session
 *   identification attribute is included, all of the attributes must match
 *   the session" or it NAKs with Invalid-Attribute-Value (Cisco "RADIUS
 *   Change of Authorization", Catalyst configuration guides). So: exactly
 *   User-Name and Acct-Session-Id, nothing that might have drifted.
 * - juniper: Junos subscriber management keys RADIUS-initiated disconnect
 *   and CoA on Acct-Session-Id (Junos "Using RADIUS Dynamic Requests"; the
 *   copy we could read confirms only the 3799 default, so this is the least
 *   sure profile): the same minimal pair as Cisco, which cannot mismatch.
 * - accel-ppp: radius/dm_coa.c + radius.c rad_find_session_pack() match on
 *   any of Acct-Session-Id, User-Name, NAS-Port(-Id), Framed-IP-Address,
 *   Calling-Station-Id, every one given must match, and User-Name alone is
 *   refused (503). NAS-IP-Address is only compared with its own configured
 *   one (403 on mismatch). We send User-Name and Acct-Session-Id.
 */
import type { NasClient } from '../domain/nas.js';
import type { LiveSession } from '../domain/session.js';
import { cidrContains, isSingleAddress, parseCidr, parseIPv4 } from '../net/ip.js';
import { Attr, type RawAttribute } from '../protocol/index.js';

export type IdentifyingAttribute = 'User-Name' | 'Acct-Session-Id' | 'Framed-IP-Address' | 'NAS-IP-Address';

export interface ProfileSpec {
  /** Sent in this order when the session record knows the value. */
  attributes: readonly IdentifyingAttribute[];
  /** Without these the NAS is known not to find the session: the request is still sent, with a warning. */
  required: readonly IdentifyingAttribute[];
}

/**
 * The one list of disconnect profiles: the CLI's choices, the NAS table's
 * validation and the DisconnectProfile type derive from its keys. The
 * nas_disconnect_profile_check constraint (sql/003_nas.sql) must name the
 * same profiles: adding one here takes a migration that widens it.
 */
export const PROFILES = {
  generic: { attributes: ['User-Name', 'Acct-Session-Id', 'Framed-IP-Address', 'NAS-IP-Address'], required: ['Acct-Session-Id'] },
  mikrotik: { attributes: ['User-Name', 'Acct-Session-Id', 'Framed-IP-Address'], required: ['Framed-IP-Address'] },
  cisco: { attributes: ['User-Name', 'Acct-Session-Id'], required: ['Acct-Session-Id'] },
  juniper: { attributes: ['User-Name', 'Acct-Session-Id'], required: ['Acct-Session-Id'] },
  'accel-ppp': { attributes: ['User-Name', 'Acct-Session-Id'], required: ['Acct-Session-Id'] },
} as const satisfies Record<string, ProfileSpec>;

/** How a NAS wants a session named in a Disconnect-Request / CoA (RFC 5176 §3). */
export type DisconnectProfile = keyof typeof PROFILES;

/** The profile names, in the order the CLI lists them. */
export const DISCONNECT_PROFILES = Object.keys(PROFILES) as readonly DisconnectProfile[];

export function isDisconnectProfile(name: string): name is DisconnectProfile {
  return Object.hasOwn(PROFILES, name);
}

export interface SessionIdentification {
  attributes: RawAttribute[];
  /** Required attributes the session record lacks (e.g. no Framed-IP-Address in its accounting). */
  missing: IdentifyingAttribute[];
}

function value(name: IdentifyingAttribute, s: LiveSession): RawAttribute | null {
  switch (name) {
    case 'User-Name':
      return s.username === '' ? null : { type: Attr.UserName, value: Buffer.from(s.username, 'utf8') };
    case 'Acct-Session-Id':
      return s.acctSessionId === '' ? null : { type: Attr.AcctSessionId, value: Buffer.from(s.acctSessionId, 'utf8') };
    case 'Framed-IP-Address': {
      const v = s.framedIp === null ? undefined : parseIPv4(s.framedIp);
      return v ? { type: Attr.FramedIpAddress, value: v } : null;
    }
    case 'NAS-IP-Address': {
      const v = s.nasIpAddress === null ? undefined : parseIPv4(s.nasIpAddress);
      return v ? { type: Attr.NasIpAddress, value: v } : null;
    }
  }
}

/** The attributes naming `session` for a NAS of `profile` (RFC 5176 §3). */
export function identifySession(profile: DisconnectProfile, session: LiveSession): SessionIdentification {
  const spec: ProfileSpec = PROFILES[profile] ?? PROFILES.generic;
  const attributes: RawAttribute[] = [];
  const missing: IdentifyingAttribute[] = [];
  for (const name of spec.attributes) {
    const a = value(name, session);
    if (a) attributes.push(a);
    else if (spec.required.includes(name)) missing.push(name);
  }
  return { attributes, missing };
}

/**
 * Where to send: the NAS's address when it is a single host; for a NAS
 * registered as a block, the NAS-IP-Address its accounting reported, if it
 * lies inside the block (the shared secret is the block's). Else null with
 * the reason in words.
 */
export function coaDestination(nas: NasClient, session: LiveSession): { host: string; port: number } | { error: string } {
  const parsed = parseCidr(nas.address);
  if (!parsed.ok) return { error: `NAS ${nas.name} has an unreadable address ${nas.address}` };
  const block = parsed.value;
  if (isSingleAddress(block)) return { host: block.address, port: nas.coaPort };
  const reported = session.nasIpAddress;
  const reportedBytes = reported === null ? undefined : parseIPv4(reported);
  if (reported !== null && reportedBytes && cidrContains(block, reportedBytes)) return { host: reported, port: nas.coaPort };
  return {
    error:
      `NAS ${nas.name} is registered as the block ${nas.address} and the session did not report a NAS-IP-Address inside it, ` +
      'so there is no single address to send the request to; register the NAS by its own address',
  };
}
