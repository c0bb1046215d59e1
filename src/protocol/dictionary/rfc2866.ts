/** RFC 2866 §5 accounting attributes (40..51) and their named values. */
import { attr, type AttributeSpec } from './types.js';

/** §5.1 Acct-Status-Type; 9..14 from RFC 2867 §4.1, 15 Failed from the IANA registry. */
const ACCT_STATUS_TYPE = {
  Start: 1,
  Stop: 2,
  'Interim-Update': 3,
  Alive: 3,
  'Accounting-On': 7,
  'Accounting-Off': 8,
  'Tunnel-Start': 9,
  'Tunnel-Stop': 10,
  'Tunnel-Reject': 11,
  'Tunnel-Link-Start': 12,
  'Tunnel-Link-Stop': 13,
  'Tunnel-Link-Reject': 14,
  Failed: 15,
};

/** §5.6 Acct-Authentic; 4 Diameter from the IANA registry. */
const ACCT_AUTHENTIC = { RADIUS: 1, Local: 2, Remote: 3, Diameter: 4 };

/** §5.10 Acct-Terminate-Cause 1..18; 19..22 from RFC 3580. */
const ACCT_TERMINATE_CAUSE = {
  'User-Request': 1,
  'Lost-Carrier': 2,
  'Lost-Service': 3,
  'Idle-Timeout': 4,
  'Session-Timeout': 5,
  'Admin-Reset': 6,
  'Admin-Reboot': 7,
  'Port-Error': 8,
  'NAS-Error': 9,
  'NAS-Request': 10,
  'NAS-Reboot': 11,
  'Port-Unneeded': 12,
  'Port-Preempted': 13,
  'Port-Suspended': 14,
  'Service-Unavailable': 15,
  Callback: 16,
  'User-Error': 17,
  'Host-Request': 18,
  'Supplicant-Restart': 19,
  'Reauthentication-Failure': 20,
  'Port-Reinit': 21,
  'Port-Disabled': 22,
};

export const RFC2866: readonly AttributeSpec[] = [
  attr(40, 'Acct-Status-Type', 'integer', { values: ACCT_STATUS_TYPE }),
  attr(41, 'Acct-Delay-Time', 'integer'),
  attr(42, 'Acct-Input-Octets', 'integer'),
  attr(43, 'Acct-Output-Octets', 'integer'),
  attr(44, 'Acct-Session-Id', 'string'),
  attr(45, 'Acct-Authentic', 'integer', { values: ACCT_AUTHENTIC }),
  attr(46, 'Acct-Session-Time', 'integer'),
  attr(47, 'Acct-Input-Packets', 'integer'),
  attr(48, 'Acct-Output-Packets', 'integer'),
  attr(49, 'Acct-Terminate-Cause', 'integer', { values: ACCT_TERMINATE_CAUSE }),
  attr(50, 'Acct-Multi-Session-Id', 'string'),
  attr(51, 'Acct-Link-Count', 'integer'),
];
